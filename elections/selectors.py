"""Every read of the elections app, through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.choices import MemberStatus
from members.models import Member, User
from members.scoping import get_for_actor, scope_for, unscoped

from . import rules
from .models import (
    ACTIVE_STATUSES,
    Ballot,
    Candidate,
    Election,
    Nomination,
    Race,
    RoundStatus,
    Status,
    VoteCast,
    Voter,
    VotingRound,
)
from .services import figures_of

SORTS = {"vote_date": "vote_date", "-vote_date": "-vote_date", "unit": "unit__sort_order", "-unit": "-unit__sort_order"}


def election_list(
    *, actor: User, q: str = "", status: str = "", unit_id: int | None = None, sort: str = ""
) -> QuerySet:
    qs = Election.objects.for_actor(actor).select_related("unit")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(unit__name__icontains=q) | Q(unit__short_name__icontains=q))
    if status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by(SORTS.get(sort, "-vote_date"), "-pk")


def awaiting_city(*, actor: User) -> QuerySet:
    return (
        Election.objects.for_actor(actor)
        .filter(status__in=[Status.PLAN_SUBMITTED, Status.CANDIDATES_SUBMITTED, Status.RESULT_SUBMITTED])
        .select_related("unit")
        .order_by("vote_date", "pk")
    )


def election_get(*, actor: User, pk: int, manage: bool = False) -> Election:
    return get_for_actor(Election.objects.select_related("unit", "created_by"), actor, manage=manage, pk=pk)


@dataclass
class CandidateLine:
    candidate: Candidate
    votes: int | None
    elected: bool
    tied: bool


@dataclass
class RaceView:
    race: Race
    required: int
    lines: list[CandidateLine]
    vacant: int | None


def races_of(election: Election, figures: rules.Figures | None = None) -> list[RaceView]:
    """The races of every round with their candidates and, once counted, votes and who is elected."""
    figures = figures or figures_of(election)
    outcomes = {r.number: r.outcome for r in election.rounds.filter(status=RoundStatus.COUNTED)}
    out = []
    races = election.races.prefetch_related(_candidates_prefetch()).order_by("round", "post")
    for race in races:
        data = outcomes.get(race.round, {}).get("races", {}).get(str(race.pk))
        lines = []
        for c in race.candidates.all():
            votes = data["votes"].get(str(c.pk), 0) if data else None
            lines.append(
                CandidateLine(c, votes, bool(data and c.pk in data["elected"]), bool(data and c.pk in data["tied"]))
            )
        if data:
            lines.sort(key=lambda line: -(line.votes or 0))
        out.append(
            RaceView(
                race=race,
                required=rules.candidates_required(race.seats, figures, equal_allowed=race.equal_allowed),
                lines=lines,
                vacant=(race.seats - len(data["elected"])) if data else None,
            )
        )
    return out


def _candidates_prefetch():
    from django.db.models import Prefetch

    return Prefetch("candidates", queryset=Candidate.objects.via_parent().select_related("member"))


def rounds_of(election: Election) -> list[VotingRound]:
    with unscoped("turnout per round of an election the actor reads: counts of the has-voted list"):
        return list(
            election.rounds.annotate(
                voted=Count("voters__cast", distinct=True), boxes_n=Count("boxes", distinct=True)
            ).order_by("number")
        )


def my_ballots(*, actor: User) -> list[dict]:
    """The rounds the actor is on the roll of, open now or counted, with whether the actor has voted."""
    scope = scope_for(actor)
    if scope.member_id is None:
        return []
    voters = (
        Voter.objects.for_actor(actor)
        .filter(member_id=scope.member_id)
        .select_related("round__election__unit")
        .annotate(voted=Exists(VoteCast.objects.via_parent().filter(voter=OuterRef("pk"))))
        .order_by("-round__opens_at")[:20]
    )
    now = timezone.now()
    return [{"voter": v, "round": v.round, "open": v.round.is_open_at(now), "voted": v.voted} for v in voters]


def voter_get(*, actor: User, round_pk: int) -> Voter:
    """The actor's own place on the roll of a round (404 for anyone not on it)."""
    scope = scope_for(actor)
    return get_for_actor(
        Voter.objects.select_related("round__election__unit"),
        actor,
        round_id=round_pk,
        member_id=scope.member_id or 0,
    )


def ballot_paper(voting_round: VotingRound) -> list[Race]:
    with unscoped("the ballot paper of a round the voter is on the roll of: the races and their candidates"):
        return list(
            Race.objects.filter(election_id=voting_round.election_id, round=voting_round.number)
            .prefetch_related(_candidates_prefetch())
            .order_by("post")
        )


def has_voted(voter: Voter) -> bool:
    return VoteCast.objects.via_parent().filter(voter=voter).exists()


def round_for_reader(*, actor: User, pk: int, manage: bool = False) -> VotingRound:
    return get_for_actor(VotingRound.objects.select_related("election__unit"), actor, manage=manage, pk=pk)


def receipt_counted(voting_round: VotingRound, receipt: str) -> bool:
    from .services import receipt_hash

    with unscoped("a receipt check: is there a counted ballot with this hash (yes or no, nothing else)"):
        return Ballot.objects.filter(round=voting_round, receipt_hash=receipt_hash(voting_round.pk, receipt)).exists()


# --- Nominations by members ------------------------------------------------------------------------------
def election_for_nominator(*, actor: User, pk: int) -> Election:
    """The own unit's election, for its nomination page: 404 for anyone who is not a member of the unit."""
    scope = scope_for(actor)
    if scope.member_id is None or scope.member_unit_id is None:
        raise Http404
    with unscoped("a member reads the own unit's election to nominate: its title, step and posts"):
        election = Election.objects.select_related("unit").filter(pk=pk, unit_id=scope.member_unit_id).first()
    if election is None:
        raise Http404
    return election


def nomination_races(election: Election) -> list[Race]:
    with unscoped("the posts of the first round of an election the member may nominate in"):
        return list(Race.objects.filter(election=election, round=1).order_by("post"))


def colleagues(election: Election) -> list[tuple[int, str]]:
    """The names of the active members of the election's unit (the nominator's own unit), to choose from."""
    with unscoped("the names of the active members of the nominator's own unit, to choose a nominee"):
        return list(
            Member.objects.filter(unit_id=election.unit_id, status=MemberStatus.ACTIVE)
            .order_by("name", "pk")
            .values_list("pk", "name")[:3000]
        )


def my_nominations(*, actor: User, election: Election) -> list[Nomination]:
    scope = scope_for(actor)
    return list(
        Nomination.objects.for_actor(actor)
        .filter(race__election=election, nominator_id=scope.member_id or 0)
        .select_related("race", "nominee")
        .order_by("race__post", "created_at")
    )


def nominations_open(*, actor: User) -> list[Election]:
    """The elections of the actor's own unit that take nominations now (for the list page)."""
    scope = scope_for(actor)
    if scope.member_unit_id is None:
        return []
    with unscoped("the own unit's elections that take nominations: a member may nominate in them"):
        return list(Election.objects.filter(unit_id=scope.member_unit_id, status=Status.NOMINATING).order_by("pk"))


@dataclass
class NominationTally:
    race: Race
    member_id: int
    name: str
    count: int
    candidate: bool


def nominations_for_officer(*, actor: User, election: Election) -> dict[int, list[NominationTally]]:
    """race id -> the members' nominations counted per person, most first, with whether the person is already
    on the candidate list (for the officer who builds it)."""
    races = {r.pk: r for r in election.races.filter(round=1)}
    rows = (
        Nomination.objects.for_actor(actor, manage=True)
        .filter(race__election=election)
        .values_list("race_id", "nominee_id", "nominee__name")
        .annotate(n=Count("pk"))
        .order_by("race_id", "-n", "nominee__name")
    )
    on_list = set(
        Candidate.objects.for_actor(actor, manage=True).filter(race__in=races).values_list("race_id", "member_id")
    )
    out: dict[int, list[NominationTally]] = {}
    for race_id, member_id, name, n in rows:
        if race_id in races:
            out.setdefault(race_id, []).append(
                NominationTally(races[race_id], member_id, name, n, (race_id, member_id) in on_list)
            )
    return out
