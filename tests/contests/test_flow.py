"""A works contest end to end through its services: entries, blind sheets, closing, results, honours."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contests import services
from contests.models import ContestStatus, Result
from members.models import Honour, UnitHonour

from .factories import RUBRIC, ContestFactory, entrant, photo_upload, score_all, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(tree, city_admin):
    c = ContestFactory(organizer=tree["city"], first_prizes=1, second_prizes=1, third_prizes=0, excellence_awards=0)
    services.criteria_set(actor=city_admin, contest=c, rows=RUBRIC)
    return c


def test_a_member_submits_replaces_and_is_held_to_the_number_per_person(tree, contest, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = entrant(tree["a"])
    entry = submit(user, contest, upload=photo_upload())
    assert len(entry.code) == 6 and entry.unit_id == tree["a"].pk and entry.file.name.endswith(".jpg")
    with pytest.raises(ValidationError, match="1"):
        submit(user, contest, title="第二幅")
    services.entry_replace(actor=user, entry=entry, data={"title": "新标题"}, upload=photo_upload())
    entry.refresh_from_db()
    assert entry.title == "新标题"


def test_no_entry_after_the_deadline(tree, contest):
    contest.submissions_close_at = timezone.now() - timedelta(minutes=1)
    contest.save()
    with pytest.raises(ValidationError):
        submit(entrant(tree["a"]), contest)


def test_a_unit_contest_is_closed_to_other_units(tree, officer_a):
    contest = ContestFactory(organizer=tree["a"])
    submit(entrant(tree["a"]), contest)
    from django.http import Http404

    with pytest.raises(Http404):
        submit(entrant(tree["b"]), contest)


def test_judging_excludes_the_own_unit_and_closing_ranks_and_finalising_writes_honours(tree, contest, city_admin):
    users = [entrant(tree[k]) for k in ("a", "b", "c")]
    entries = [submit(u, contest, title=f"作品{i}") for i, u in enumerate(users)]
    judge_member = entrant(tree["a"])
    judge = services.judge_add_member(actor=city_admin, contest=contest, member=judge_member.member)
    expert, login = services.expert_add(actor=city_admin, contest=contest, name="陈专家", affiliation="摄影家协会")
    assert login.password and expert.user.must_change_password
    services.judging_start(actor=city_admin, contest=contest)
    assert judge.assignments.count() == 2  # not the entry of the judge's own unit A
    assert expert.assignments.count() == 3
    with pytest.raises(ValidationError, match="陈专家"):
        services.judging_close(actor=city_admin, contest=contest)
    by_code = {entries[0].code: (40, 30, 20, 10), entries[1].code: (20, 20, 10, 5), entries[2].code: (30, 20, 15, 8)}
    score_all(judge, by_code)
    score_all(expert, by_code)
    assert services.judging_close(actor=city_admin, contest=contest) == 3
    ranked = list(Result.objects.filter(contest=contest).order_by("rank").values_list("entry_id", "rank", "prize"))
    assert ranked == [(entries[0].pk, 1, "first"), (entries[2].pk, 2, "second"), (entries[1].pk, 3, "")]
    services.results_publish(actor=city_admin, contest=contest)
    contest.refresh_from_db()
    with pytest.raises(ValidationError):
        services.results_finalise(actor=city_admin, contest=contest)
    done = services.results_finalise(
        actor=city_admin, contest=contest, now=contest.notice_ends_at + timedelta(seconds=1)
    )
    assert done.honours == 2
    honour = Honour.objects.get(member=users[0].member)
    assert honour.title == "contest_prize" and "一等奖" in honour.name and honour.level == "city"
    contest.refresh_from_db()
    assert contest.status == ContestStatus.FINAL


def test_after_closing_a_judge_cannot_change_and_the_organiser_needs_a_reason(tree, contest, city_admin):
    e = submit(entrant(tree["a"]), contest)
    judge, _login = services.expert_add(actor=city_admin, contest=contest, name="专家")
    services.judging_start(actor=city_admin, contest=contest)
    score_all(judge)
    services.judging_close(actor=city_admin, contest=contest)
    sheet = judge.assignments.get()
    values = {c.pk: Decimal(1) for c in contest.criteria.all()}
    with pytest.raises(ValidationError, match="锁定"):
        services.sheet_save(actor=judge.user, assignment=sheet, values=values)
    with pytest.raises(ValidationError, match="理由"):
        services.sheet_save(actor=city_admin, assignment=sheet, values=values)
    services.sheet_save(actor=city_admin, assignment=sheet, values=values, reason="计分录入错误")
    sheet.refresh_from_db()
    assert sheet.total == Decimal("4.00")
    assert sheet.history.first().history_change_reason == "计分录入错误"
    assert Result.objects.get(entry=e).score == Decimal("4.000")


def _finished_team_contest(tree, organizer, actor, teams):
    """A team contest with ``teams`` [(unit key, team name, scores)] judged by one expert and published."""
    contest = ContestFactory(
        organizer=organizer, mode="team", first_prizes=1, second_prizes=1, third_prizes=0, excellence_awards=0
    )
    services.criteria_set(actor=actor, contest=contest, rows=RUBRIC)
    by_code = {}
    for key, team, scores in teams:
        entry = services.entry_submit(
            actor=entrant(tree[key]), contest=contest, data={"title": team, "text": "正文", "team_name": team}
        )
        by_code[entry.code] = scores
    judge, _login = services.expert_add(actor=actor, contest=contest, name="团体赛评委")
    services.judging_start(actor=actor, contest=contest)
    score_all(judge, by_code)
    services.judging_close(actor=actor, contest=contest)
    services.results_publish(actor=actor, contest=contest)
    contest.refresh_from_db()
    return contest


def test_a_team_contests_final_prizes_become_honours_of_the_winning_units(tree, city_admin):
    teams = [
        ("a", "财政局代表队", (40, 30, 20, 10)),
        ("b", "教育局代表队", (30, 20, 15, 8)),
        ("c", "丙队", (1, 1, 1, 1)),
    ]
    contest = _finished_team_contest(tree, tree["city"], city_admin, teams)
    assert not UnitHonour.objects.exists()  # on public notice: not yet an honour
    after = contest.notice_ends_at + timedelta(seconds=1)
    done = services.results_finalise(actor=city_admin, contest=contest, now=after)
    assert done.unit_honours == 2 and done.honours == 0
    rows = {h.unit_id: h for h in UnitHonour.objects.all()}
    assert set(rows) == {tree["a"].pk, tree["b"].pk}  # the third team won no prize
    first = rows[tree["a"].pk]
    assert first.title == "contest_prize" and first.level == "city" and first.year == timezone.localdate(after).year
    assert contest.title in first.name and "一等奖" in first.name and "财政局代表队" in first.name
    assert first.awarded_by == tree["city"].name
    assert not Honour.objects.exists()  # a team's prize is the unit's, not its entrant's
    assert Result.objects.get(unit_honour=first).entry.unit_id == tree["a"].pk
    assert first.history.count() == 1


def test_a_unit_can_hold_several_contest_prizes_in_a_year(tree, city_admin):
    teams = [("a", "甲一队", (40, 30, 20, 10)), ("a", "甲二队", (30, 20, 15, 8))]
    contest = _finished_team_contest(tree, tree["city"], city_admin, teams)
    services.results_finalise(actor=city_admin, contest=contest, now=contest.notice_ends_at + timedelta(seconds=1))
    assert UnitHonour.objects.filter(unit=tree["a"], title="contest_prize").count() == 2


def test_a_units_own_team_contest_gives_no_unit_honour(tree, officer_a):
    """Between a unit's own teams: the unit's officer organises and finalises it, and the unit's honour roll,
    kept by the city, is not the officer's to write."""
    teams = [("a", "一科", (40, 30, 20, 10)), ("a", "二科", (30, 20, 15, 8))]
    contest = _finished_team_contest(tree, tree["a"], officer_a, teams)
    after = contest.notice_ends_at + timedelta(seconds=1)
    done = services.results_finalise(actor=officer_a, contest=contest, now=after)
    assert done.honours == done.unit_honours == 0 and not UnitHonour.objects.exists()
    contest.refresh_from_db()
    assert contest.status == ContestStatus.FINAL


def test_an_officer_cannot_write_the_own_unit_onto_the_honour_roll(tree, officer_a):
    """Attack: a unit officer calls the members service directly to give the own unit a collective honour."""
    from django.core.exceptions import PermissionDenied

    from members.services import unit_honour_add

    data = {"title": "contest_prize", "level": "city", "year": 2026, "name": "自封一等奖"}
    with pytest.raises(PermissionDenied):
        unit_honour_add(actor=officer_a, unit=tree["a"], data=data)
    assert not UnitHonour.objects.exists()


def test_the_units_page_shows_its_team_prize(client, tree, city_admin, officer_b):
    teams = [("a", "财政局代表队", (40, 30, 20, 10)), ("b", "教育局代表队", (30, 20, 15, 8))]
    contest = _finished_team_contest(tree, tree["city"], city_admin, teams)
    services.results_finalise(actor=city_admin, contest=contest, now=contest.notice_ends_at + timedelta(seconds=1))
    client.force_login(officer_b)
    html = client.get(f"/members/units/{tree['b'].pk}/").content.decode()
    assert f"{contest.title} 二等奖（教育局代表队）" in html
    assert "财政局代表队" not in html  # the other unit's honour is on the other unit's page
