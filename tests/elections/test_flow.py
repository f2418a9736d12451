"""An election from plan to approval: each step recorded with who and when; the rules checked; the approved
result updates the committee through members' services."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from elections import services
from elections.models import ElectionKind, ElectionRules, Status, StepKind, VotingMode
from members.models import CommitteePost, Post
from tests.factories import MemberFactory

from .factories import election_with_candidates

pytestmark = pytest.mark.django_db


def _plan(officer, unit, **kw):
    e = services.election_create(
        actor=officer,
        unit=unit,
        kind=kw.get("kind", ElectionKind.REELECTION),
        title="换届",
        assembly="members",
        voting_mode=kw.get("mode", VotingMode.PAPER),
        vote_date=date.today(),
        term_years=5,
    )
    return e


def test_the_plan_needs_the_candidate_margin_and_the_city_approval(tree, officer_a, city_admin):
    e = _plan(officer_a, tree["a"])
    services.race_set(actor=officer_a, election=e, post=Post.MEMBER, seats=7, planned_candidates=7)
    with pytest.raises(ValidationError, match="至少需要 8 名候选人|at least 8"):
        services.election_submit_plan(actor=officer_a, election=e)
    services.race_set(actor=officer_a, election=e, post=Post.MEMBER, seats=7, planned_candidates=8)
    services.race_set(actor=officer_a, election=e, post=Post.CHAIR, seats=1, planned_candidates=1)  # 等额 allowed
    services.election_submit_plan(actor=officer_a, election=e)
    with pytest.raises(PermissionDenied):  # the unit does not approve its own plan
        services.election_decide(actor=officer_a, election=e, step="plan", approve=True)
    with pytest.raises(ValidationError):  # returning needs a reason
        services.election_decide(actor=city_admin, election=e, step="plan", approve=False)
    services.election_decide(actor=city_admin, election=e, step="plan", approve=False, reason="请补充经审委员名额")
    e.refresh_from_db()
    assert e.status == Status.DRAFT and e.return_reason == "请补充经审委员名额"
    services.election_submit_plan(actor=officer_a, election=e)
    services.election_decide(actor=city_admin, election=e, step="plan", approve=True)
    e.refresh_from_db()
    assert e.status == Status.NOMINATING
    steps = list(e.steps.values_list("kind", "actor__username"))
    assert steps == [
        (StepKind.CREATED, "officer_a"),
        (StepKind.PLAN_SUBMITTED, "officer_a"),
        (StepKind.PLAN_RETURNED, "cityadmin"),
        (StepKind.PLAN_SUBMITTED, "officer_a"),
        (StepKind.PLAN_APPROVED, "cityadmin"),
    ]
    assert e.rules["margin_percent"] == "5.00" and e.rules["quorum"] == [2, 3]


def test_the_rules_copied_at_submission_hold_when_an_administrator_changes_them(tree, officer_a, city_admin):
    e = _plan(officer_a, tree["a"])
    services.race_set(actor=officer_a, election=e, post=Post.MEMBER, seats=20, planned_candidates=21)
    services.election_submit_plan(actor=officer_a, election=e)
    ElectionRules.objects.filter(in_force=True).update(margin_percent=20)
    e.refresh_from_db()
    assert services.figures_of(e).margin_percent == 5  # the election keeps its figures
    e2 = _plan(city_admin, tree["c"])
    services.race_set(actor=city_admin, election=e2, post=Post.MEMBER, seats=20, planned_candidates=21)
    with pytest.raises(ValidationError):  # a new plan meets the new figure: 24 candidates
        services.election_submit_plan(actor=city_admin, election=e2)


def test_a_candidate_list_short_of_the_margin_is_refused(tree, officer_a, city_admin):
    e = _plan(officer_a, tree["a"])
    race = services.race_set(actor=officer_a, election=e, post=Post.MEMBER, seats=3, planned_candidates=4)
    services.election_submit_plan(actor=officer_a, election=e)
    services.election_decide(actor=city_admin, election=e, step="plan", approve=True)
    for m in MemberFactory.create_batch(3, unit=tree["a"]):
        services.candidate_add(actor=officer_a, race=race, member=m, nominated_by="第一小组")
    with pytest.raises(ValidationError):
        services.election_submit_candidates(actor=officer_a, election=e)
    outsider = MemberFactory(unit=tree["b"])
    with pytest.raises(ValidationError):
        services.candidate_add(actor=officer_a, race=race, member=outsider, nominated_by="x")


def test_paper_reelection_updates_the_committee_and_its_term(tree, officer_a, city_admin, committee_a):
    people = MemberFactory.create_batch(4, unit=tree["a"])
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], mode=VotingMode.PAPER, people=people)
    r = services.round_open(actor=officer_a, election=e, entitled=100, present=90)
    votes = {cands[0].pk: 80, cands[1].pk: 70, cands[2].pk: 60, cands[3].pk: 20}
    with pytest.raises(ValidationError):  # more returned than issued
        services.box_enter(
            actor=officer_a,
            voting_round=r,
            name="1",
            issued=50,
            returned=51,
            invalid=0,
            counters="a",
            scrutineers="b",
            votes={},
        )
    with pytest.raises(ValidationError):  # a candidate with more votes than valid ballots
        services.box_enter(
            actor=officer_a,
            voting_round=r,
            name="1",
            issued=90,
            returned=88,
            invalid=2,
            counters="a",
            scrutineers="b",
            votes={cands[0].pk: 87},
        )
    services.box_enter(
        actor=officer_a,
        voting_round=r,
        name="1号票箱",
        issued=60,
        returned=60,
        invalid=0,
        counters="张",
        scrutineers="李",
        votes={k: v * 2 // 3 for k, v in votes.items()},
    )
    services.box_enter(
        actor=officer_a,
        voting_round=r,
        name="2号票箱",
        issued=30,
        returned=30,
        invalid=0,
        counters="张",
        scrutineers="李",
        votes={k: v - v * 2 // 3 for k, v in votes.items()},
    )
    r = services.round_count(actor=officer_a, voting_round=r)
    assert r.outcome["quorum"] is True
    assert r.outcome["races"][str(race.pk)]["elected"] == [cands[0].pk, cands[1].pk, cands[2].pk]
    services.election_submit_result(actor=officer_a, election=e)
    services.election_decide(actor=city_admin, election=e, step="result", approve=True)
    committee_a.refresh_from_db()
    current = CommitteePost.objects.filter(committee=committee_a, ended_on__isnull=True)
    assert sorted(current.values_list("member_id", flat=True)) == sorted(p.pk for p in people[:3])
    assert all(p.post == Post.MEMBER and not p.by_election for p in current)
    assert committee_a.term_start == date.today() and committee_a.term_years == 5
    assert CommitteePost.objects.filter(committee=committee_a, ended_on=date.today()).count() == 2  # the old posts


def test_a_by_election_adds_its_post_and_keeps_the_term(tree, officer_a, city_admin, committee_a):
    e, race, cands = election_with_candidates(
        officer_a, city_admin, tree["a"], seats=1, candidates=2, mode=VotingMode.PAPER, kind=ElectionKind.BY_ELECTION
    )
    r = services.round_open(actor=officer_a, election=e, entitled=30, present=25)
    services.box_enter(
        actor=officer_a,
        voting_round=r,
        name="1",
        issued=25,
        returned=25,
        invalid=0,
        counters="a",
        scrutineers="b",
        votes={cands[0].pk: 18, cands[1].pk: 7},
    )
    services.round_count(actor=officer_a, voting_round=r)
    services.election_submit_result(actor=officer_a, election=e)
    services.election_decide(actor=city_admin, election=e, step="result", approve=True)
    committee_a.refresh_from_db()
    assert committee_a.term_start == date(2021, 6, 1)  # the term goes on
    new = CommitteePost.objects.get(committee=committee_a, member=cands[0].member)
    assert new.by_election and new.ended_on is None
    assert CommitteePost.objects.filter(committee=committee_a, ended_on__isnull=True).count() == 3


def test_a_shortfall_leads_to_a_further_round_among_those_not_elected(tree, officer_a, city_admin, committee_a):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], seats=3, candidates=4, mode="paper")
    r = services.round_open(actor=officer_a, election=e, entitled=30, present=25)
    services.box_enter(
        actor=officer_a,
        voting_round=r,
        name="1",
        issued=25,
        returned=25,
        invalid=0,
        counters="a",
        scrutineers="b",
        votes={cands[0].pk: 20, cands[1].pk: 14, cands[2].pk: 12, cands[3].pk: 10},  # 16 needed: one elected
    )
    services.round_count(actor=officer_a, voting_round=r)
    (further,) = services.round_further(actor=officer_a, election=e)
    assert further.round == 2 and further.seats == 2
    assert sorted(c.member_id for c in further.candidates.all()) == sorted(c.member_id for c in cands[1:])
    r2 = services.round_open(actor=officer_a, election=e, entitled=30, present=25)
    c2 = {c.member_id: c for c in further.candidates.all()}
    services.box_enter(
        actor=officer_a,
        voting_round=r2,
        name="1",
        issued=25,
        returned=25,
        invalid=0,
        counters="a",
        scrutineers="b",
        votes={c2[cands[1].member_id].pk: 18, c2[cands[2].member_id].pk: 17, c2[cands[3].member_id].pk: 5},
    )
    services.round_count(actor=officer_a, voting_round=r2)
    with pytest.raises(ValidationError):  # two rounds at most (the rules' figure)
        services.round_further(actor=officer_a, election=e)
    services.election_submit_result(actor=officer_a, election=e)
    services.election_decide(actor=city_admin, election=e, step="result", approve=True)
    elected = set(
        CommitteePost.objects.filter(committee=committee_a, ended_on__isnull=True).values_list("member_id", flat=True)
    )
    assert elected == {cands[0].member_id, cands[1].member_id, cands[2].member_id}


def test_officer_of_another_unit_cannot_touch_the_election(tree, officer_a, officer_b, city_admin):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"])
    with pytest.raises(Http404):
        services.round_open(actor=officer_b, election=e, entitled=10, present=9)
    with pytest.raises(Http404):
        services.election_decide(actor=officer_b, election=e, step="result", approve=True)


def test_pages_walk_the_steps(client, tree, officer_a, city_admin, committee_a):
    client.force_login(officer_a)
    response = client.get(reverse("elections:create") + f"?unit={tree['a'].pk}")
    assert response.status_code == 200 and "市财政局" in response.content.decode()
    response = client.post(
        reverse("elections:create"),
        {
            "unit": tree["a"].pk,
            "kind": "reelection",
            "title": "第五届换届",
            "assembly": "members",
            "voting_mode": "online",
            "vote_date": date.today().isoformat(),
            "term_years": 5,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    detail = response["Location"]
    pk = int(detail.rstrip("/").split("/")[-1])
    client.post(reverse("elections:race_set", args=[pk]), {"post": "member", "seats": 3, "planned_candidates": 3})
    page = client.get(detail).content.decode()
    assert "至少需要 4 名候选人" in page or "at least 4" in page
    response = client.post(reverse("elections:action", args=[pk, "submit_plan"]), follow=True)
    assert "差额" in response.content.decode()  # the refusal names the rule
    response = client.post(reverse("elections:action", args=[pk, "fly"]))
    assert response.status_code == 404


def test_the_term_end_reminder_leads_to_start_the_election_and_deadlines_are_watched(tree, officer_a, city_admin):
    from datetime import timedelta

    from members.models import Committee
    from notifications.models import Notification
    from notifications.reminders import run_daily_reminders

    committee = Committee.objects.create(unit=tree["a"], term_start=date(2022, 3, 1), term_years=5)
    run_daily_reminders(committee.term_end - timedelta(days=30), only=["committee-terms"])
    note = Notification.objects.get(recipient=officer_a, kind="committee_term")
    assert note.url == reverse("elections:create") + f"?unit={tree['a'].pk}"
    e = _plan(officer_a, tree["a"])
    type(e).objects.filter(pk=e.pk).update(plan_due=date.today() + timedelta(days=5))
    run_daily_reminders(date.today(), only=["election-deadlines"])
    run_daily_reminders(date.today(), only=["election-deadlines"])  # once only
    assert Notification.objects.filter(recipient=officer_a, kind="election_soon").count() == 1
    run_daily_reminders(date.today() + timedelta(days=6), only=["election-deadlines"])
    assert Notification.objects.filter(recipient=city_admin, kind="election_overdue").count() == 1
