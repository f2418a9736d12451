"""Elections for the tests, made through the services (so each step is the real one)."""

from __future__ import annotations

from datetime import date, timedelta

import factory
from django.utils import timezone

from elections import services
from elections.models import Election, ElectionKind, VotingMode
from members.models import Post
from tests.factories import MemberFactory


class ElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Election

    title = factory.Sequence(lambda n: f"第{n}届换届选举")
    kind = ElectionKind.REELECTION
    voting_mode = VotingMode.ONLINE
    vote_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    term_years = 5


def election_with_candidates(
    officer,
    city_admin,
    unit,
    *,
    seats: int = 3,
    candidates: int = 4,
    mode: str = VotingMode.ONLINE,
    kind: str = ElectionKind.REELECTION,
    post: str = Post.MEMBER,
    people=None,
):
    """An election through plan and candidate approval: ready to vote."""
    e = services.election_create(
        actor=officer,
        unit=unit,
        kind=kind,
        title="测试选举",
        assembly="members",
        voting_mode=mode,
        vote_date=timezone.localdate(),
        term_years=5,
    )
    race = services.race_set(actor=officer, election=e, post=post, seats=seats, planned_candidates=candidates)
    services.election_submit_plan(actor=officer, election=e)
    services.election_decide(actor=city_admin, election=e, step="plan", approve=True)
    people = people or MemberFactory.create_batch(candidates, unit=unit)
    cands = [services.candidate_add(actor=officer, race=race, member=m, nominated_by="第一小组") for m in people]
    services.election_submit_candidates(actor=officer, election=e)
    services.election_decide(actor=city_admin, election=e, step="candidates", approve=True)
    e.refresh_from_db()
    return e, race, cands


def open_online(officer, election, minutes: int = 60):
    now = timezone.now()
    return services.round_open(
        actor=officer,
        election=election,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(minutes=minutes),
    )


def close_now(voting_round):
    """Move the window's end into the past (as time passing would)."""
    voting_round.closes_at = timezone.now() - timedelta(seconds=1)
    voting_round.save(update_fields=["closes_at"])


TODAY = date.today()
