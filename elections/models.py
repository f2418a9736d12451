"""Elections of a unit union (换届 and 增补选举): plan → nominations → vote → result approved by the city union.

The secret ballot (docs/elections.md): the roll (``Voter``), the "has voted" list (``VoteCast``) and the
ballots (``Ballot``/``Mark``) are separate tables, and nothing in them joins a ballot to a voter: random UUID
keys, no per-ballot time, no sequence, no history. A vote first goes into the sealed urn (``SealedBallot``,
encrypted, in the same transaction as the voter's ``VoteCast``); when the window closes the urn is emptied
in one transaction that writes the ballots in a shuffled order and deletes the sealed copies (the mixing
step), so that neither the order of the rows on disk nor their transaction ids follow the order of voting.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Organization, Post
from members.scoping import ScopedManager


class ElectionRules(models.Model):
    """The figures of the election rules (全总《工会基层组织选举工作条例》, *unconfirmed*): data the city
    administrator edits in the admin. One row is in force; an election copies the figures when its plan is
    submitted, so that a later change does not alter an election under way."""

    scope_exempt = "reference data: the rule figures of the whole city, no unit's or person's data in it"

    name = models.CharField(_("name"), max_length=100)
    in_force = models.BooleanField(_("in force"), default=True)
    margin_percent = models.DecimalField(
        _("candidate margin (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("5"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Committee candidates exceed the seats by at least this share (差额)."),
    )
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum: numerator"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: denominator"), default=3, validators=[MinValueValidator(1)]
    )
    majority_numerator = models.PositiveSmallIntegerField(_("majority: numerator"), default=1)
    majority_denominator = models.PositiveSmallIntegerField(
        _("majority: denominator"), default=2, validators=[MinValueValidator(1)]
    )
    term_years = models.CharField(
        _("allowed terms (years)"), max_length=20, default="3,5", help_text=_("Comma-separated, e.g. 3,5.")
    )
    max_rounds = models.PositiveSmallIntegerField(
        _("rounds at most"), default=2, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("election rules")
        verbose_name_plural = _("election rules")
        constraints = [
            models.UniqueConstraint(fields=["in_force"], condition=models.Q(in_force=True), name="electionrules_one"),
            models.CheckConstraint(
                condition=models.Q(quorum_numerator__lt=models.F("quorum_denominator"))
                & models.Q(majority_numerator__lt=models.F("majority_denominator")),
                name="electionrules_fractions_below_one",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        try:
            terms = self.allowed_terms
        except ValueError:
            terms = []
        if not terms or any(t not in (3, 5) for t in terms):
            # The committee's table allows 3 or 5 years (members.Committee); the rule may narrow it.
            raise ValidationError({"term_years": _("Enter 3, 5 or 3,5.")})

    @property
    def allowed_terms(self) -> list[int]:
        return [int(t) for t in self.term_years.replace("，", ",").split(",") if t.strip()]

    def snapshot(self) -> dict:
        return {
            "margin_percent": str(self.margin_percent),
            "quorum": [self.quorum_numerator, self.quorum_denominator],
            "majority": [self.majority_numerator, self.majority_denominator],
            "terms": self.allowed_terms,
            "max_rounds": self.max_rounds,
        }


class ElectionKind(models.TextChoices):
    REELECTION = "reelection", _("Re-election (换届)")
    BY_ELECTION = "by_election", _("By-election (增补选举)")


class Assembly(models.TextChoices):
    MEMBERS = "members", _("Members' assembly")
    REPRESENTATIVES = "representatives", _("Representatives' assembly")


class VotingMode(models.TextChoices):
    PAPER = "paper", _("Paper ballots, tallied per ballot box")
    ONLINE = "online", _("Online secret ballot")


class Status(models.TextChoices):
    DRAFT = "draft", _("Plan in preparation")
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted to the city union")
    NOMINATING = "nominating", _("Nominations")
    CANDIDATES_SUBMITTED = "candidates_submitted", _("Candidate list submitted to the city union")
    VOTING = "voting", _("Voting")
    RESULT_SUBMITTED = "result_submitted", _("Result reported to the city union")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


#: Statuses in which the election is under way (one per unit at a time).
ACTIVE_STATUSES = [
    Status.DRAFT,
    Status.PLAN_SUBMITTED,
    Status.NOMINATING,
    Status.CANDIDATES_SUBMITTED,
    Status.VOTING,
    Status.RESULT_SUBMITTED,
]


class Election(models.Model):
    scope_path = "unit"

    unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name=_("unit"),
        limit_choices_to={"kind": "unit"},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ElectionKind.choices, default=ElectionKind.REELECTION)
    title = models.CharField(_("title"), max_length=100)
    assembly = models.CharField(_("held by"), max_length=20, choices=Assembly.choices, default=Assembly.MEMBERS)
    voting_mode = models.CharField(_("voting"), max_length=10, choices=VotingMode.choices, default=VotingMode.ONLINE)
    vote_date = models.DateField(_("date of the vote"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=5)
    plan_notes = models.TextField(_("plan"), blank=True, max_length=5000)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    #: The rule figures copied when the plan is submitted (ElectionRules.snapshot()).
    rules = models.JSONField(_("rules applied"), default=dict, blank=True)
    plan_due = models.DateField(_("plan due to the city union"), null=True, blank=True)
    nominations_due = models.DateField(_("nominations close"), null=True, blank=True)
    result_due = models.DateField(_("result due to the city union"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        ordering = ["-vote_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=models.Q(status__in=ACTIVE_STATUSES), name="election_one_active_per_unit"
            ),
            models.CheckConstraint(condition=models.Q(term_years__in=[3, 5]), name="election_term_3_or_5"),
        ]
        indexes = [models.Index(fields=["status", "vote_date"], name="election_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.voting_mode == VotingMode.ONLINE


class StepKind(models.TextChoices):
    CREATED = "created", _("Plan drafted")
    PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
    PLAN_APPROVED = "plan_approved", _("Plan approved")
    PLAN_RETURNED = "plan_returned", _("Plan returned")
    CANDIDATES_SUBMITTED = "candidates_submitted", _("Candidate list submitted")
    CANDIDATES_APPROVED = "candidates_approved", _("Candidate list approved")
    CANDIDATES_RETURNED = "candidates_returned", _("Candidate list returned")
    ROUND_OPENED = "round_opened", _("Voting opened")
    ROUND_COUNTED = "round_counted", _("Votes counted")
    RESULT_SUBMITTED = "result_submitted", _("Result reported")
    RESULT_APPROVED = "result_approved", _("Result approved; committee updated")
    RESULT_RETURNED = "result_returned", _("Result returned")
    CANCELLED = "cancelled", _("Cancelled")


class Step(models.Model):
    """One step of an election: who did what, and when (the election's own log)."""

    scope_path = "election__unit"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    #: Empty for a step the portal takes by itself (the count when an online window has closed).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("election step")
        verbose_name_plural = _("election steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.election_id} {self.kind}"


#: Posts for which as many candidates as seats is allowed (等额): the chair and vice-chairs.
EQUAL_ALLOWED = {Post.CHAIR, Post.VICE_CHAIR}


class Race(models.Model):
    """The seats of one body in one round: the committee, the funds audit committee, the women workers'
    committee, or the chair and vice-chairs."""

    scope_path = "election__unit"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="races")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    seats = models.PositiveSmallIntegerField(_("seats"), validators=[MinValueValidator(1), MaxValueValidator(99)])
    planned_candidates = models.PositiveSmallIntegerField(
        _("candidates planned"), validators=[MinValueValidator(1), MaxValueValidator(199)]
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("seats to elect")
        verbose_name_plural = _("seats to elect")
        ordering = ["round", "post"]
        constraints = [
            models.UniqueConstraint(fields=["election", "round", "post"], name="race_one_per_post_and_round"),
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} · {self.seats}"

    @property
    def equal_allowed(self) -> bool:
        return self.post in EQUAL_ALLOWED


class Candidate(models.Model):
    scope_path = "race__election__unit"

    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="candidacies", verbose_name=_("member"))
    nominated_by = models.CharField(
        _("nominated by"), max_length=100, help_text=_("A union group, or the members who proposed the candidate.")
    )
    nominations = models.PositiveIntegerField(_("nominations received"), default=1)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["race", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["race", "member"], name="candidate_once_per_race")]

    def __str__(self) -> str:
        return self.member.name


class Nomination(models.Model):
    """A member's nomination (候选人推荐) of a colleague of the own unit, or of themself, for one body, made on
    the election's nomination page during the nomination step. The unit's officer sees them counted per person
    and builds the candidate list from them (with the union groups' nominations, which the officer records)."""

    scope_path = "race__election__unit"
    scope_owner = "nominator"

    race = models.ForeignKey(Race, on_delete=models.CASCADE, related_name="member_nominations", verbose_name=_("post"))
    nominee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("nominee"))
    nominator = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("nominated by"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["race", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["race", "nominee", "nominator"], name="nomination_once_per_nominator")
        ]

    def __str__(self) -> str:
        return f"{self.race_id}: {self.nominee_id}"


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Voting")
    COUNTED = "counted", _("Counted")


class VotingRound(models.Model):
    """One vote of the assembly (the first, or a further round for seats left empty)."""

    scope_path = "election__unit"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    #: Online: the voting window. Paper: empty.
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    #: Those entitled to attend (应到会有选举权人数): the roll online, entered for paper.
    entitled = models.PositiveIntegerField(_("entitled to attend"), default=0)
    #: Present (实到): the voters online, entered for paper.
    present = models.PositiveIntegerField(_("present"), default=0)
    counted_at = models.DateTimeField(_("counted at"), null=True, blank=True)
    #: The count as computed (per race: votes per candidate, elected, quorum), JSON for the record.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("voting round")
        verbose_name_plural = _("voting rounds")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["election", "number"], name="round_unique_number")]

    def __str__(self) -> str:
        return f"{self.election} · {self.number}"

    def is_open_at(self, now) -> bool:
        return (
            self.status == RoundStatus.OPEN
            and self.opens_at is not None
            and self.opens_at <= now < (self.closes_at or now)
        )


# --- The secret ballot -------------------------------------------------------------------------------
class Voter(models.Model):
    """The roll: who is entitled to vote in a round (taken from the unit's active members when it opens)."""

    scope_path = "round__election__unit"
    scope_owner = "member"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        constraints = [models.UniqueConstraint(fields=["round", "member"], name="voter_once_per_round")]

    def __str__(self) -> str:
        return str(self.member_id)


class VoteCast(models.Model):
    """The "has voted" list: one row per voter who voted; the unique voter is what makes it one vote.
    No time, no ballot, a random key."""

    scope_path = "voter__round__election__unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    voter = models.OneToOneField(Voter, on_delete=models.CASCADE, related_name="cast")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("vote cast")
        verbose_name_plural = _("votes cast")

    def __str__(self) -> str:
        return str(self.pk)


class SealedBallot(models.Model):
    """The urn during the window: the choices and the receipt, encrypted, no time of its own. Emptied by the
    mixing step when the window closes (then the rows are gone)."""

    scope_path = "round__election__unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self) -> str:
        return str(self.pk)


class Ballot(models.Model):
    """A counted ballot: written by the mixing step in a shuffled order; the receipt's hash lets its voter
    find it, nothing else is on it."""

    scope_path = "round__election__unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="ballots")
    receipt_hash = models.CharField(max_length=64, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.pk)


class Mark(models.Model):
    """A vote for a candidate on a ballot."""

    scope_path = "ballot__round__election__unit"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="marks")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        constraints = [models.UniqueConstraint(fields=["ballot", "candidate"], name="mark_once_per_candidate")]

    def __str__(self) -> str:
        return str(self.pk)


# --- Paper ballots -------------------------------------------------------------------------------------
class BallotBox(models.Model):
    """A ballot box of a paper vote, as the counting officials (计票人, 监票人) report it."""

    scope_path = "round__election__unit"

    round = models.ForeignKey(VotingRound, on_delete=models.CASCADE, related_name="boxes")
    name = models.CharField(_("ballot box"), max_length=50)
    issued = models.PositiveIntegerField(_("ballots issued"))
    returned = models.PositiveIntegerField(_("ballots returned"))
    invalid = models.PositiveIntegerField(_("invalid ballots"), default=0)
    counters = models.CharField(_("counting officials (计票人)"), max_length=100)
    scrutineers = models.CharField(_("scrutineers (监票人)"), max_length=100)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("ballot box")
        verbose_name_plural = _("ballot boxes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="ballotbox_unique_name"),
            models.CheckConstraint(condition=models.Q(invalid__lte=models.F("returned")), name="ballotbox_invalid"),
        ]

    def __str__(self) -> str:
        return self.name


class Tally(models.Model):
    scope_path = "box__round__election__unit"

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="tallies")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="tallies")
    votes = models.PositiveIntegerField(_("votes"))

    objects = ScopedManager()

    class Meta:
        verbose_name = _("tally")
        verbose_name_plural = _("tallies")
        constraints = [models.UniqueConstraint(fields=["box", "candidate"], name="tally_once_per_candidate")]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.votes}"
