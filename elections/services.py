"""Every write of an election: the plan, nominations, the vote (paper tallies or the secret ballot), the result.

Officers of the unit (or the city administrator) prepare and run the election; the city union approves or
returns the plan, the candidate list and the result (报批). The approved result updates the committee through
members' services. The secret ballot's design is in docs/elections.md and the module doc of models.py.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from collections import defaultdict
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from members import services as member_services
from members.choices import MemberStatus
from members.fields import decrypt_text, encrypt_text
from members.models import CommitteePost, Member, Organization, User
from members.scoping import require_city_admin, require_manage, scope_for, unscoped

from . import rules
from .models import (
    ACTIVE_STATUSES,
    Ballot,
    BallotBox,
    Candidate,
    Election,
    ElectionKind,
    ElectionRules,
    Mark,
    Nomination,
    Race,
    RoundStatus,
    SealedBallot,
    Status,
    Step,
    StepKind,
    Tally,
    VoteCast,
    Voter,
    VotingMode,
    VotingRound,
)

logger = logging.getLogger(__name__)
_random = secrets.SystemRandom()


# --- Helpers -------------------------------------------------------------------------------------------
def rules_in_force() -> ElectionRules:
    """The rule figures in force (the defaults are created when none exist)."""
    current = ElectionRules.objects.filter(in_force=True).first()
    if current is None:
        current, _created = ElectionRules.objects.get_or_create(in_force=True, defaults={"name": "默认规则"})
    return current


def figures_of(election: Election) -> rules.Figures:
    return rules.Figures.of(election.rules or rules_in_force().snapshot())


def _step(election: Election, actor: User | None, kind: str, note: str = "") -> Step:
    step = Step(election=election, actor=actor, kind=kind, note=note[:300])
    step.full_clean()
    step.save()
    return step


def _require_status(election: Election, *statuses: str) -> None:
    if election.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the election is at the step “%(status)s”.")
            % {"status": election.get_status_display()}
        )


def _locked(actor: User, election: Election, *, city: bool = False) -> Election:
    """The election row, locked for this transaction, after the actor's rights are checked (404 outside the
    scope; 403 inside it without the right; the city union's steps only for city administrators)."""
    require_manage(actor, election)
    if city:
        require_city_admin(actor)
    return Election.objects.for_actor(actor, manage=True).select_for_update().get(pk=election.pk)


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


# --- The plan ------------------------------------------------------------------------------------------
@transaction.atomic
def election_create(
    *,
    actor: User,
    unit: Organization,
    kind: str,
    title: str,
    assembly: str,
    voting_mode: str,
    vote_date: date,
    term_years: int,
    plan_notes: str = "",
    plan_due: date | None = None,
    nominations_due: date | None = None,
    result_due: date | None = None,
) -> Election:
    require_manage(actor, unit)
    if unit.kind != "unit":
        raise ValidationError({"unit": _("Choose a unit union.")})
    with unscoped("one election under way per unit: the check reads the unit's elections whoever asks"):
        if Election.objects.filter(unit=unit, status__in=ACTIVE_STATUSES).exists():
            raise ValidationError({"unit": _("This unit already has an election under way.")})
    if vote_date < timezone.localdate():
        raise ValidationError({"vote_date": _("The date of the vote cannot be in the past.")})
    if term_years not in rules.Figures.of(rules_in_force().snapshot()).terms:
        raise ValidationError({"term_years": _("This term length is not allowed by the election rules.")})
    election = Election(
        unit=unit,
        kind=kind,
        title=title,
        assembly=assembly,
        voting_mode=voting_mode,
        vote_date=vote_date,
        term_years=term_years,
        plan_notes=plan_notes,
        plan_due=plan_due,
        nominations_due=nominations_due,
        result_due=result_due,
        created_by=actor,
    )
    _save(election)
    _step(election, actor, StepKind.CREATED)
    return election


@transaction.atomic
def race_set(*, actor: User, election: Election, post: str, seats: int, planned_candidates: int) -> Race:
    """The seats of one body and the number of candidates planned (the plan's table)."""
    election = _locked(actor, election)
    _require_status(election, Status.DRAFT)
    race = election.races.filter(round=1, post=post).first() or Race(election=election, round=1, post=post)
    race.seats, race.planned_candidates = seats, planned_candidates
    return _save(race)


@transaction.atomic
def race_remove(*, actor: User, race: Race) -> None:
    election = _locked(actor, race.election)
    _require_status(election, Status.DRAFT)
    race.delete()


def plan_problems(election: Election, figures: rules.Figures) -> list[str]:
    problems = []
    races = list(election.races.filter(round=1))
    if not races:
        problems.append(_("Add the seats to elect."))
    for race in races:
        need = rules.candidates_required(race.seats, figures, equal_allowed=race.equal_allowed)
        if race.planned_candidates < need:
            problems.append(
                _("%(post)s: %(seats)s seats need at least %(need)s candidates (差额 %(margin)s%%).")
                % {"post": race.get_post_display(), "seats": race.seats, "need": need, "margin": figures.margin_percent}
            )
    if election.term_years not in figures.terms:
        problems.append(_("This term length is not allowed by the election rules."))
    return problems


@transaction.atomic
def election_submit_plan(*, actor: User, election: Election) -> Election:
    election = _locked(actor, election)
    _require_status(election, Status.DRAFT)
    election.rules = rules_in_force().snapshot()
    problems = plan_problems(election, rules.Figures.of(election.rules))
    if problems:
        raise ValidationError(problems)
    election.status, election.return_reason = Status.PLAN_SUBMITTED, ""
    election.save(update_fields=["status", "rules", "return_reason"])
    _step(election, actor, StepKind.PLAN_SUBMITTED)
    return election


@transaction.atomic
def election_decide(*, actor: User, election: Election, step: str, approve: bool, reason: str = "") -> Election:
    """The city union approves or returns the plan (step "plan"), the candidate list ("candidates") or the
    result ("result"). Approving the result updates the committee."""
    election = _locked(actor, election, city=True)
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Say why it is returned.")})
    if step == "plan":
        _require_status(election, Status.PLAN_SUBMITTED)
        election.status = Status.NOMINATING if approve else Status.DRAFT
        kind = StepKind.PLAN_APPROVED if approve else StepKind.PLAN_RETURNED
    elif step == "candidates":
        _require_status(election, Status.CANDIDATES_SUBMITTED)
        election.status = Status.VOTING if approve else Status.NOMINATING
        kind = StepKind.CANDIDATES_APPROVED if approve else StepKind.CANDIDATES_RETURNED
    elif step == "result":
        _require_status(election, Status.RESULT_SUBMITTED)
        if approve:
            _apply_result(actor, election)
            election.approved_at = timezone.now()
        election.status = Status.APPROVED if approve else Status.VOTING
        kind = StepKind.RESULT_APPROVED if approve else StepKind.RESULT_RETURNED
    else:
        raise ValidationError(_("Unknown step."))
    election.return_reason = "" if approve else reason.strip()[:300]
    election.save(update_fields=["status", "return_reason", "approved_at"])
    _step(election, actor, kind, reason)
    return election


@transaction.atomic
def election_cancel(*, actor: User, election: Election, reason: str) -> Election:
    election = _locked(actor, election)
    _require_status(election, Status.DRAFT, Status.PLAN_SUBMITTED, Status.NOMINATING, Status.CANDIDATES_SUBMITTED)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the election is cancelled.")})
    election.status = Status.CANCELLED
    election.save(update_fields=["status"])
    _step(election, actor, StepKind.CANCELLED, reason)
    return election


# --- Nominations ---------------------------------------------------------------------------------------
@transaction.atomic
def candidate_add(*, actor: User, race: Race, member: Member, nominated_by: str, nominations: int = 1) -> Candidate:
    election = _locked(actor, race.election)
    _require_status(election, Status.NOMINATING)
    if race.round != 1:
        raise ValidationError(_("Candidates of a further round come from the count."))
    if member.unit_id != election.unit_id or member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": _("Choose an active member of this unit.")})
    if race.candidates.filter(member=member).exists():
        raise ValidationError({"member": _("%(name)s is already a candidate here.") % {"name": member.name}})
    order = race.candidates.count() + 1
    candidate = Candidate(race=race, member=member, nominated_by=nominated_by, nominations=nominations, order=order)
    return _save(candidate)


@transaction.atomic
def candidate_remove(*, actor: User, candidate: Candidate) -> None:
    election = _locked(actor, candidate.race.election)
    _require_status(election, Status.NOMINATING)
    candidate.delete()


@transaction.atomic
def nomination_add(*, actor: User, election: Election, race_id: int, nominee_id: int) -> Nomination:
    """A member of the unit nominates a colleague of the unit (or themself) for one body, during the nomination
    step. 404 for anyone who is not an active member of the election's unit."""
    scope = scope_for(actor)
    with unscoped("a member nominates in the own unit's election: the election, the nominator and the nominee"):
        election = Election.objects.select_for_update().filter(pk=election.pk).first()
        nominator = Member.objects.filter(pk=scope.member_id or 0, status=MemberStatus.ACTIVE).first()
        if election is None or nominator is None or nominator.unit_id != election.unit_id:
            raise Http404
        if election.status != Status.NOMINATING:
            raise ValidationError(_("Nominations are not open for this election."))
        race = election.races.filter(pk=race_id, round=1).first()
        if race is None:
            raise ValidationError({"race": _("Choose one of the posts to elect.")})
        nominee = Member.objects.filter(pk=nominee_id, unit_id=election.unit_id, status=MemberStatus.ACTIVE).first()
        if nominee is None:
            raise ValidationError({"nominee": _("Choose an active member of your unit.")})
        if Nomination.objects.filter(race=race, nominee=nominee, nominator=nominator).exists():
            raise ValidationError(
                {"nominee": _("You have already nominated %(name)s for this post.") % {"name": nominee.name}}
            )
        return _save(Nomination(race=race, nominee=nominee, nominator=nominator))


def candidate_problems(election: Election, figures: rules.Figures) -> list[str]:
    problems = []
    for race in election.races.filter(round=1).annotate(n=Count("candidates")):
        need = rules.candidates_required(race.seats, figures, equal_allowed=race.equal_allowed)
        if race.n < need:
            problems.append(
                _("%(post)s: %(seats)s seats need at least %(need)s candidates; %(n)s nominated.")
                % {"post": race.get_post_display(), "seats": race.seats, "need": need, "n": race.n}
            )
    return problems


@transaction.atomic
def election_submit_candidates(*, actor: User, election: Election) -> Election:
    election = _locked(actor, election)
    _require_status(election, Status.NOMINATING)
    problems = candidate_problems(election, figures_of(election))
    if problems:
        raise ValidationError(problems)
    election.status, election.return_reason = Status.CANDIDATES_SUBMITTED, ""
    election.save(update_fields=["status", "return_reason"])
    _step(election, actor, StepKind.CANDIDATES_SUBMITTED)
    return election


# --- The vote ------------------------------------------------------------------------------------------
def current_round(election: Election) -> VotingRound | None:
    return election.rounds.order_by("-number").first()


def _next_round_number(election: Election) -> int:
    last = current_round(election)
    if last is None:
        return 1
    if last.status != RoundStatus.COUNTED:
        raise ValidationError(_("The round under way must be counted first."))
    return last.number + 1


@transaction.atomic
def round_open(
    *,
    actor: User,
    election: Election,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
    entitled: int | None = None,
    present: int | None = None,
) -> VotingRound:
    """Open a round: online, a voting window and the roll of the unit's active members; on paper, the numbers
    entitled to attend and present, as the assembly's roll call gives them."""
    election = _locked(actor, election)
    _require_status(election, Status.VOTING)
    number = _next_round_number(election)
    if not election.races.filter(round=number).exists():
        raise ValidationError(_("There are no seats left to elect in a further round."))
    voting_round = VotingRound(election=election, number=number)
    if election.is_online:
        if not opens_at or not closes_at or closes_at <= opens_at:
            raise ValidationError({"closes_at": _("The window must close after it opens.")})
        if closes_at <= timezone.now():
            raise ValidationError({"closes_at": _("The window must close in the future.")})
        voting_round.opens_at, voting_round.closes_at = opens_at, closes_at
        _save(voting_round)
        roll = list(
            Member.objects.for_actor(actor, manage=True)
            .filter(unit=election.unit, status=MemberStatus.ACTIVE)
            .values_list("pk", flat=True)
        )
        _random.shuffle(roll)  # the roll's order says nothing either
        Voter.objects.bulk_create([Voter(round=voting_round, member_id=pk) for pk in roll], batch_size=2000)
        voting_round.entitled = len(roll)
        voting_round.save(update_fields=["entitled"])
    else:
        if entitled is None or present is None or entitled <= 0:
            raise ValidationError({"entitled": _("Enter the number entitled to attend.")})
        if present > entitled:
            raise ValidationError({"present": _("More present than entitled to attend.")})
        voting_round.entitled, voting_round.present = entitled, present
        _save(voting_round)
    _step(election, actor, StepKind.ROUND_OPENED, _("Round %(n)s") % {"n": number})
    return voting_round


def receipt_hash(round_id: int, receipt: str) -> str:
    code = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return hashlib.sha256(f"elections:{round_id}:{code}".encode()).hexdigest()


def _new_receipt() -> str:
    raw = secrets.token_hex(8).upper()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _lock_round_for_vote(round_id: int) -> None:
    """A shared lock on the round (PostgreSQL): many votes at once, but the count (which locks the row for
    update) waits until every vote in flight has committed, and no vote enters once the count has begun.
    (SQLite writes one transaction at a time anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {VotingRound._meta.db_table} WHERE id = %s FOR SHARE", [round_id])  # noqa: S608


@transaction.atomic
def vote_cast(*, actor: User, voter: Voter, choices: dict[int, list[int]]) -> str:
    """Cast the actor's secret ballot: ``choices`` maps each race to the candidates marked (at most the
    seats; none is a blank ballot for that race). Returns the receipt code, shown once and stored nowhere
    but as a hash on the counted ballot."""
    scope = scope_for(actor)
    if voter.member_id != scope.member_id or scope.member_id is None:
        raise ValidationError(_("Only the voter can cast this ballot."))
    _lock_round_for_vote(voter.round_id)
    with unscoped("a voter on the roll reads the own round and its ballot paper (the candidates)"):
        voting_round = VotingRound.objects.select_related("election").get(pk=voter.round_id)
        if not voting_round.is_open_at(timezone.now()):
            raise ValidationError(_("Voting is not open."))
        races = {r.pk: r for r in voting_round.election.races.filter(round=voting_round.number)}
        valid = defaultdict(set)
        for race_id, cand_id in Candidate.objects.filter(race_id__in=races).values_list("race_id", "pk"):
            valid[race_id].add(cand_id)
    marks: list[int] = []
    for race_id, chosen in choices.items():
        chosen_set = set(chosen)
        if race_id not in races or not chosen_set <= valid[race_id]:
            raise ValidationError(_("The ballot names someone who is not a candidate."))
        if len(chosen_set) > races[race_id].seats:
            raise ValidationError(
                _("%(post)s: mark at most %(seats)s candidates.")
                % {"post": races[race_id].get_post_display(), "seats": races[race_id].seats}
            )
        marks.extend(sorted(chosen_set))
    try:
        with transaction.atomic():
            VoteCast.objects.create(voter=voter)
    except IntegrityError:
        raise ValidationError(_("You have already voted in this round.")) from None
    receipt = _new_receipt()
    SealedBallot.objects.create(round_id=voter.round_id, sealed=encrypt_text(json.dumps({"r": receipt, "m": marks})))
    return receipt


def _vacuum_urn() -> None:
    """Reclaim the deleted sealed ballots on disk at once (PostgreSQL), instead of at autovacuum's leisure."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {SealedBallot._meta.db_table}")
    except Exception:  # noqa: BLE001 - best effort: autovacuum does it later
        logger.warning("VACUUM of the sealed ballots failed; autovacuum will reclaim them", exc_info=True)


def _mix(voting_round: VotingRound) -> int:
    """Empty the urn: every sealed ballot becomes a counted ballot, written in a shuffled order in this one
    transaction, and the sealed copies are deleted."""
    with unscoped("the count empties the round's whole urn: no one reads a ballot, the mixing writes them"):
        sealed = list(SealedBallot.objects.filter(round=voting_round).values_list("sealed", flat=True))
        contents = [json.loads(decrypt_text(s)) for s in sealed]
        _random.shuffle(contents)
        ballots = [Ballot(round=voting_round, receipt_hash=receipt_hash(voting_round.pk, c["r"])) for c in contents]
        Ballot.objects.bulk_create(ballots, batch_size=2000)
        marks = [Mark(ballot=b, candidate_id=cid) for b, c in zip(ballots, contents, strict=True) for cid in c["m"]]
        _random.shuffle(marks)
        Mark.objects.bulk_create(marks, batch_size=2000)
        SealedBallot.objects.filter(round=voting_round).delete()
    transaction.on_commit(_vacuum_urn)
    return len(contents)


def _votes_per_candidate(voting_round: VotingRound, online: bool) -> dict[int, int]:
    with unscoped("the count: votes per candidate of one round, no ballot is read one by one"):
        if online:
            rows = (
                Mark.objects.filter(ballot__round=voting_round)
                .values_list("candidate_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        else:
            rows = (
                Tally.objects.filter(box__round=voting_round)
                .values_list("candidate_id")
                .annotate(n=Sum("votes"))
                .order_by()
            )
        return {cid: int(n) for cid, n in rows}


@transaction.atomic
def round_count(*, actor: User, voting_round: VotingRound) -> VotingRound:
    """Count a round (the officer's button): online once the window has closed (the urn is mixed first); on
    paper from the ballot boxes. The outcome per race follows the rules (quorum, majority of those entitled,
    seats)."""
    election = _locked(actor, voting_round.election)
    _require_status(election, Status.VOTING)
    voting_round = VotingRound.objects.for_actor(actor, manage=True).select_for_update().get(pk=voting_round.pk)
    return _count(election, voting_round, actor)


def rounds_count_closed(*, now: datetime | None = None) -> list[int]:
    """The periodic count (elections.tasks, every 5 minutes): every open online round whose window has closed
    is counted by the same steps as the officer's button, so that the count is published when the window
    closes. Idempotent: a round already counted (by the button or an earlier run) is left alone. Returns the
    ids of the rounds counted by this run."""
    now = now or timezone.now()
    with unscoped("the periodic count: every online round whose window has closed, city-wide by design"):
        ids = list(
            VotingRound.objects.filter(
                status=RoundStatus.OPEN,
                closes_at__lte=now,
                election__voting_mode=VotingMode.ONLINE,
                election__status=Status.VOTING,
            )
            .order_by("closes_at", "pk")
            .values_list("pk", flat=True)
        )
    counted = []
    for pk in ids:
        try:
            if _count_closed_round(round_id=pk, now=now):
                counted.append(pk)
        except ValidationError:
            logger.warning("The closed round %s could not be counted automatically", pk, exc_info=True)
    return counted


@transaction.atomic
def _count_closed_round(*, round_id: int, now: datetime) -> bool:
    with unscoped("the periodic count of one closed online round: no actor, the portal counts"):
        election_id = VotingRound.objects.filter(pk=round_id).values_list("election_id", flat=True).first()
        # The same lock order as the button: the election, then the round.
        election = Election.objects.select_for_update().filter(pk=election_id).first()
        voting_round = VotingRound.objects.select_for_update().filter(pk=round_id).first()
        if (
            election is None
            or voting_round is None
            or election.status != Status.VOTING
            or not election.is_online
            or voting_round.status != RoundStatus.OPEN
            or voting_round.closes_at is None
            or voting_round.closes_at > now
        ):
            return False  # counted meanwhile (the button, or another run), or not due
        _count(election, voting_round, None)
    return True


def _count(election: Election, voting_round: VotingRound, actor: User | None) -> VotingRound:
    """The count itself, on the locked election and round (``actor`` None: the periodic count)."""
    if voting_round.status != RoundStatus.OPEN:
        raise ValidationError(_("This round is counted already."))
    if election.is_online:
        if timezone.now() < voting_round.closes_at:
            raise ValidationError(_("The count is published when the window closes."))
        _mix(voting_round)
        with unscoped("turnout of the round: a count of the has-voted list"):
            voting_round.present = VoteCast.objects.filter(voter__round=voting_round).count()
    else:
        boxes = list(voting_round.boxes.all())
        if not boxes:
            raise ValidationError(_("Enter the ballot boxes first."))
        if sum(b.returned for b in boxes) > sum(b.issued for b in boxes):
            raise ValidationError(_("More ballots returned than issued: the vote is void and must be held again."))
        if sum(b.returned for b in boxes) > voting_round.present:
            raise ValidationError(_("More ballots returned than people present."))
    figures = figures_of(election)
    votes = _votes_per_candidate(voting_round, election.is_online)
    outcome = {"quorum": rules.has_quorum(voting_round.present, voting_round.entitled, figures), "races": {}}
    for race in election.races.filter(round=voting_round.number).prefetch_related("candidates"):
        per = {c.pk: votes.get(c.pk, 0) for c in race.candidates.all()}
        result = rules.decide(
            race.seats, per, entitled=voting_round.entitled, present=voting_round.present, figures=figures
        )
        outcome["races"][str(race.pk)] = {
            "seats": race.seats,
            "votes": {str(k): v for k, v in per.items()},
            "elected": result.elected,
            "tied": result.tied,
        }
    voting_round.outcome = outcome
    voting_round.status, voting_round.counted_at = RoundStatus.COUNTED, timezone.now()
    voting_round.save(update_fields=["outcome", "status", "counted_at", "present"])
    _step(election, actor, StepKind.ROUND_COUNTED, _("Round %(n)s") % {"n": voting_round.number})
    return voting_round


@transaction.atomic
def box_enter(
    *,
    actor: User,
    voting_round: VotingRound,
    name: str,
    issued: int,
    returned: int,
    invalid: int,
    counters: str,
    scrutineers: str,
    votes: dict[int, int],
) -> BallotBox:
    """The counting officials' tally of one paper ballot box (计票人 and 监票人 named)."""
    election = _locked(actor, voting_round.election)
    _require_status(election, Status.VOTING)
    if election.is_online or voting_round.status != RoundStatus.OPEN:
        raise ValidationError(_("Ballot boxes are entered for an open paper round."))
    if returned > issued:
        raise ValidationError({"returned": _("More ballots returned than issued from this box.")})
    if invalid > returned:
        raise ValidationError({"invalid": _("More invalid ballots than returned.")})
    valid_ballots = returned - invalid
    races = list(election.races.filter(round=voting_round.number).prefetch_related("candidates"))
    for race in races:
        ids = {c.pk for c in race.candidates.all()}
        total = sum(v for cid, v in votes.items() if cid in ids)
        over = [c.member.name for c in race.candidates.all() if votes.get(c.pk, 0) > valid_ballots]
        if over:
            raise ValidationError(_("%(name)s: more votes than valid ballots in this box.") % {"name": ", ".join(over)})
        if total > valid_ballots * race.seats:
            raise ValidationError(
                _("%(post)s: more votes than valid ballots times the seats.") % {"post": race.get_post_display()}
            )
    box = _save(
        BallotBox(
            round=voting_round,
            name=name,
            issued=issued,
            returned=returned,
            invalid=invalid,
            counters=counters,
            scrutineers=scrutineers,
            entered_by=actor,
        )
    )
    known = {c.pk for race in races for c in race.candidates.all()}
    Tally.objects.bulk_create([Tally(box=box, candidate_id=cid, votes=v) for cid, v in votes.items() if cid in known])
    return box


def elected_so_far(election: Election) -> dict[str, list[int]]:
    """post -> candidate ids elected over the counted rounds."""
    out: dict[str, list[int]] = defaultdict(list)
    races = {r.pk: r for r in election.races.all()}
    for voting_round in election.rounds.filter(status=RoundStatus.COUNTED):
        for race_id, data in voting_round.outcome.get("races", {}).items():
            race = races.get(int(race_id))
            if race:
                out[race.post].extend(data["elected"])
    return out


@transaction.atomic
def round_further(*, actor: User, election: Election) -> list[Race]:
    """A further round for the seats left empty, among those not elected (as many as the margin asks)."""
    election = _locked(actor, election)
    _require_status(election, Status.VOTING)
    last = current_round(election)
    if last is None or last.status != RoundStatus.COUNTED:
        raise ValidationError(_("Count the round first."))
    figures = figures_of(election)
    if not last.outcome.get("quorum"):
        raise ValidationError(_("Without a quorum the vote is void: it must be held again."))
    if last.number >= figures.max_rounds:
        raise ValidationError(_("The rules allow no further round; the seats stay vacant."))
    created = []
    for race in election.races.filter(round=last.number).prefetch_related("candidates"):
        data = last.outcome["races"].get(str(race.pk))
        if not data:
            continue
        result = rules.RaceResult(
            seats=race.seats,
            votes={int(k): v for k, v in data["votes"].items()},
            elected=data["elected"],
            tied=data["tied"],
        )
        if result.vacant <= 0:
            continue
        ids = rules.further_round_candidates(result, figures, equal_allowed=race.equal_allowed)
        if not ids:
            continue
        new = _save(
            Race(
                election=election,
                round=last.number + 1,
                post=race.post,
                seats=result.vacant,
                planned_candidates=len(ids),
            )
        )
        by_id = {c.pk: c for c in race.candidates.all()}
        Candidate.objects.bulk_create(
            [
                Candidate(race=new, member_id=by_id[cid].member_id, nominated_by=by_id[cid].nominated_by, order=i)
                for i, cid in enumerate(ids, start=1)
            ]
        )
        created.append(new)
    if not created:
        raise ValidationError(_("No seats are left empty."))
    return created


@transaction.atomic
def election_submit_result(*, actor: User, election: Election) -> Election:
    election = _locked(actor, election)
    _require_status(election, Status.VOTING)
    last = current_round(election)
    if last is None or last.status != RoundStatus.COUNTED:
        raise ValidationError(_("Count the vote first."))
    if not any(elected_so_far(election).values()):
        raise ValidationError(_("Nobody is elected: the result cannot be reported."))
    election.status, election.return_reason = Status.RESULT_SUBMITTED, ""
    election.save(update_fields=["status", "return_reason"])
    _step(election, actor, StepKind.RESULT_SUBMITTED)
    return election


def _apply_result(actor: User, election: Election) -> None:
    """The approved result updates the unit's committee through members' services: a re-election starts the
    new term and ends the old posts; a by-election adds its posts to the current term."""
    unit = election.unit
    on = election.vote_date
    counted = [r for r in election.rounds.all() if r.counted_at]
    if counted:
        on = max(timezone.localtime(r.counted_at).date() for r in counted)
    elected = elected_so_far(election)
    with unscoped("the candidates of the election being approved, read to update its committee"):
        candidates = Candidate.objects.filter(race__election=election).select_related("member")
        members = {c.pk: c.member for c in candidates}
    if election.kind == ElectionKind.REELECTION:
        member_services.committee_set_term(
            actor=actor, unit=unit, term_start=on, term_years=election.term_years, notes=election.title
        )
        current = CommitteePost.objects.for_actor(actor, manage=True).filter(
            committee__unit=unit, ended_on__isnull=True
        )
        for holder in current:
            member_services.committee_post_end(actor=actor, holder=holder, on=on)
    for post, ids in elected.items():
        for cid in ids:
            member_services.committee_post_add(
                actor=actor,
                unit=unit,
                member=members[cid],
                post=post,
                elected_on=on,
                by_election=election.kind == ElectionKind.BY_ELECTION,
            )
