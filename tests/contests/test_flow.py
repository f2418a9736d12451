"""A works contest end to end through its services: entries, blind sheets, closing, results, honours."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from contests import services
from contests.models import ContestStatus, Result
from members.models import Honour

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
