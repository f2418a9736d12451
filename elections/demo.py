"""Demo data of the elections app (idempotent): the unit whose term ends soonest has a re-election under way
(plan approved, candidates nominated); another unit has a finished by-election with its approved result."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.models import Committee, CommitteePost, Member, Post

from . import services
from .models import Election, ElectionKind, VotingMode

UNDER_WAY = "换届选举（演示）"
FINISHED = "增补选举（演示）"


def _free_members(unit, count: int) -> list[Member]:
    holders = CommitteePost.objects.filter(committee__unit=unit, ended_on__isnull=True).values_list("member_id")
    return list(
        Member.objects.filter(unit=unit, status="active").exclude(pk__in=holders).order_by("card_number")[:count]
    )


def seed_demo(*, stdout, rng) -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None or Election.objects.filter(title__endswith="（演示）").exists():
        return
    services.rules_in_force()
    today = timezone.localdate()
    committees = sorted(Committee.objects.select_related("unit"), key=lambda c: c.term_end)
    due = [c for c in committees if c.term_end >= today]
    if len(due) < 2:
        return
    soon, other = due[0].unit, due[-1].unit

    # A re-election under way: plan approved, candidates nominated (the list not yet submitted).
    e = services.election_create(
        actor=admin,
        unit=soon,
        kind=ElectionKind.REELECTION,
        title=f"{soon.name}{UNDER_WAY}",
        assembly="members",
        voting_mode=VotingMode.ONLINE,
        vote_date=max(today + timedelta(days=20), due[0].term_end - timedelta(days=5)),
        term_years=5,
        plan_notes="选举工会委员会委员7名、经费审查委员会委员3名。",
        plan_due=today - timedelta(days=10),
        nominations_due=today + timedelta(days=10),
        result_due=due[0].term_end,
    )
    committee = services.race_set(actor=admin, election=e, post=Post.MEMBER, seats=7, planned_candidates=8)
    audit = services.race_set(actor=admin, election=e, post=Post.AUDIT, seats=3, planned_candidates=4)
    services.election_submit_plan(actor=admin, election=e)
    services.election_decide(actor=admin, election=e, step="plan", approve=True)
    people = list(Member.objects.filter(unit=soon, status="active").order_by("card_number")[:12])
    for i, m in enumerate(people[:8]):
        services.candidate_add(actor=admin, race=committee, member=m, nominated_by=f"第{i % 3 + 1}工会小组")
    for m in people[8:12]:
        services.candidate_add(actor=admin, race=audit, member=m, nominated_by="会员联名推荐", nominations=5)

    # A finished by-election on paper: one committee seat, two candidates, approved.
    f = services.election_create(
        actor=admin,
        unit=other,
        kind=ElectionKind.BY_ELECTION,
        title=f"{other.name}{FINISHED}",
        assembly="members",
        voting_mode=VotingMode.PAPER,
        vote_date=today,
        term_years=5,
        plan_notes="增补工会委员会委员1名。",
    )
    race = services.race_set(actor=admin, election=f, post=Post.MEMBER, seats=1, planned_candidates=2)
    services.election_submit_plan(actor=admin, election=f)
    services.election_decide(actor=admin, election=f, step="plan", approve=True)
    free = _free_members(other, 2)
    if len(free) < 2:
        return
    a, b = free
    ca = services.candidate_add(actor=admin, race=race, member=a, nominated_by="第1工会小组")
    cb = services.candidate_add(actor=admin, race=race, member=b, nominated_by="第2工会小组")
    services.election_submit_candidates(actor=admin, election=f)
    services.election_decide(actor=admin, election=f, step="candidates", approve=True)
    entitled = Member.objects.filter(unit=other, status="active").count()
    present = entitled * 9 // 10
    r = services.round_open(actor=admin, election=f, entitled=entitled, present=present)
    services.box_enter(
        actor=admin,
        voting_round=r,
        name="1号票箱",
        issued=present,
        returned=present,
        invalid=1,
        counters="张三、李四",
        scrutineers="王五",
        votes={ca.pk: present * 7 // 10, cb.pk: present * 2 // 10},
    )
    services.round_count(actor=admin, voting_round=r)
    services.election_submit_result(actor=admin, election=f)
    services.election_decide(actor=admin, election=f, step="result", approve=True)
    stdout.write(f"Elections: {e.title} (nominations), {f.title} (approved).")
