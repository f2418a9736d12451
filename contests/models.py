"""Works contests (征文, 书法, 绘画, 摄影, 朗诵, 演讲, 汇演, skills): entries with an entry code, a rubric of
weighted criteria, a panel of judges who score blind, results published for a notice period and then final
(prizes become honours), and a certificate (获奖证书) per winner.

A contest is its own record with its own organiser (the city union, a liaison zone or a unit). It may name
the calendar activity it belongs to by id (``activity_id``): the page links to that activity by URL name,
and nothing here reads the activities app (the arrows point toward ``members`` only).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Honour, Member, Organization, OrganizationKind, UnitHonour
from members.scoping import NO_ROWS, Scope, ScopedManager, audience_q, city_reads_all, ids_q, organiser_q


class ContestKind(models.TextChoices):
    ESSAY = "essay", _("Essay")
    CALLIGRAPHY = "calligraphy", _("Calligraphy")
    PAINTING = "painting", _("Painting")
    PHOTOGRAPHY = "photography", _("Photography")
    RECITATION = "recitation", _("Recitation")
    SPEECH = "speech", _("Speech")
    PERFORMANCE = "performance", _("Performance")
    SKILLS = "skills", _("Skills contest")


class EntryMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("Team of a unit")


class CombineRule(models.TextChoices):
    MEAN = "mean", _("Mean of the judges' totals")
    TRIMMED = "trimmed", _("Drop the highest and the lowest (five judges or more), then the mean")


class TieBreak(models.TextChoices):
    CRITERIA = "criteria", _("Higher mean on the first criterion, then the next (in rubric order)")
    EARLIER = "earlier", _("Earlier submission")


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Taking entries")
    JUDGING = "judging", _("Judging")
    CLOSED = "closed", _("Judging closed")
    PUBLISHED = "published", _("Results on public notice")
    FINAL = "final", _("Final")


class Prize(models.TextChoices):
    FIRST = "first", _("First prize")
    SECOND = "second", _("Second prize")
    THIRD = "third", _("Third prize")
    EXCELLENCE = "excellence", _("Excellence award")
    NONE = "", _("No prize")


#: Statuses in which results (names and units) are shown to the contest's audience.
PUBLIC_STATUSES = (ContestStatus.PUBLISHED, ContestStatus.FINAL)


class Contest(models.Model):
    scope_path = "organizer"

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=ContestKind.choices)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
        help_text=_("The city union (open to all units), a liaison zone (its units) or one unit (its own members)."),
    )
    activity_id = models.PositiveIntegerField(
        _("calendar activity"), null=True, blank=True, help_text=_("The number of the activity in the calendar.")
    )
    description = models.TextField(_("description"), blank=True)
    # --- entries
    mode = models.CharField(_("entries by"), max_length=12, choices=EntryMode.choices, default=EntryMode.INDIVIDUAL)
    allow_text = models.BooleanField(_("text typed in"), default=False)
    allow_document = models.BooleanField(_("PDF or Word file"), default=False)
    allow_image = models.BooleanField(_("image"), default=True)
    allow_video = models.BooleanField(_("video link"), default=False)
    entries_per_entrant = models.PositiveSmallIntegerField(
        _("entries per person or team"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("largest file (MB)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    submissions_close_at = models.DateTimeField(_("submission deadline"))
    # --- judging
    combine = models.CharField(_("combining the judges"), max_length=10, choices=CombineRule.choices, default="mean")
    tie_break = models.CharField(_("tie-break"), max_length=10, choices=TieBreak.choices, default="criteria")
    exclude_same_unit = models.BooleanField(
        _("no judge scores an entry of the own unit"), default=True, help_text=_("Applies to judges who are members.")
    )
    # --- results
    first_prizes = models.PositiveSmallIntegerField(_("first prizes"), default=1)
    second_prizes = models.PositiveSmallIntegerField(_("second prizes"), default=2)
    third_prizes = models.PositiveSmallIntegerField(_("third prizes"), default=3)
    excellence_awards = models.PositiveSmallIntegerField(_("excellence awards"), default=5)
    notice_days = models.PositiveSmallIntegerField(
        _("public notice (days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    status = models.CharField(_("status"), max_length=12, choices=ContestStatus.choices, default=ContestStatus.OPEN)
    judging_closed_at = models.DateTimeField(_("judging closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notice_ends_at = models.DateTimeField(_("notice ends at"), null=True, blank=True)
    final_at = models.DateTimeField(_("final at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-submissions_close_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_text=True) | Q(allow_document=True) | Q(allow_image=True) | Q(allow_video=True),
                name="contest_takes_some_kind_of_work",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        if manage:
            return organiser_q(scope, manage=manage)
        return organiser_q(scope, manage=False) | audience_q(scope)

    def clean(self):
        from django.core.exceptions import ValidationError

        if not (self.allow_text or self.allow_document or self.allow_image or self.allow_video):
            raise ValidationError({"allow_image": _("Allow at least one kind of work.")})
        if self.organizer_id and self.organizer.kind not in OrganizationKind.values:
            raise ValidationError({"organizer": _("Choose the city union, a liaison zone or a unit.")})

    @property
    def accepting(self) -> bool:
        return self.status == ContestStatus.OPEN and timezone.now() < self.submissions_close_at

    @property
    def results_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def prize_counts(self) -> list[tuple[str, int]]:
        return [
            (Prize.FIRST, self.first_prizes),
            (Prize.SECOND, self.second_prizes),
            (Prize.THIRD, self.third_prizes),
            (Prize.EXCELLENCE, self.excellence_awards),
        ]


class Criterion(models.Model):
    scope_exempt = "a rubric line: a criterion's name, weight and maximum, shown to judges and entrants alike"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("contest"))
    name = models.CharField(_("criterion"), max_length=40)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    max_score = models.DecimalField(
        _("maximum score"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["contest", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="criterion_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight})"


class Expert(models.Model):
    """An outside expert (评审专家): a login of their own and no member record. Such a login sees the
    judging pages and nothing else of the portal (contests.middleware)."""

    scope_path = "organization"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_expert")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("invited by")
    )
    name = models.CharField(_("name"), max_length=50)
    affiliation = models.CharField(_("affiliation"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("outside expert")
        verbose_name_plural = _("outside experts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        own = scope.own_q("user_id", manage=manage)
        return ids_q("organization_id", scope.org_ids(manage=manage)) | own


class Judge(models.Model):
    """A seat on a contest's panel: a member, or an outside expert (both by their login)."""

    scope_path = "contest__organizer"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="judges", verbose_name=_("contest"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.PROTECT, related_name="seats")
    name = models.CharField(_("name"), max_length=50)
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("judge")
        verbose_name_plural = _("judges")
        ordering = ["contest", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "user"], name="judge_once_per_contest"),
            models.CheckConstraint(
                condition=Q(member__isnull=False, expert__isnull=True) | Q(member__isnull=True, expert__isnull=False),
                name="judge_member_or_expert",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        own = scope.own_q("user_id", manage=manage)
        return organiser_q(scope, "contest__", manage=manage) | own

    @property
    def unit_id(self) -> int | None:
        return self.member.unit_id if self.member_id else None


def new_code() -> str:
    """An entry code that says nothing of who or when: 6 characters, no look-alikes."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def entry_upload_to(entry: Entry, filename: str) -> str:
    # Never the uploader's file name (it may carry a name): the entry code and the checked extension.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"contests/{entry.contest_id}/{entry.code}-{secrets.token_hex(4)}.{ext}"


class Entry(models.Model):
    """A work submitted to a contest (作品), known to its judges by its code only."""

    scope_path = "unit"
    scope_owner = "member"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries", verbose_name=_("contest"))
    code = models.CharField(_("entry code"), max_length=8, default=new_code)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("entrant"))
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    team_name = models.CharField(_("team"), max_length=60, blank=True)
    title = models.CharField(_("title of the work"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to=entry_upload_to, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["text"])
    objects = ScopedManager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["contest", "code"]
        constraints = [models.UniqueConstraint(fields=["contest", "code"], name="entry_unique_code")]
        indexes = [models.Index(fields=["contest", "unit"], name="entry_contest_unit_idx")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Assignment(models.Model):
    """One judge's score sheet for one entry."""

    scope_path = "judge__contest__organizer"

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("judge"))
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("entry"))
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2, null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["judge", "entry__code"]
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.entry}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        # a judge scores (manages) the own assignments
        own = Q(judge__user_id=scope.user_id) if scope.user_id else NO_ROWS
        return organiser_q(scope, "judge__contest__", manage=manage) | own


class Score(models.Model):
    scope_path = "assignment__judge__contest__organizer"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=2)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="score_once_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion.name}: {self.value}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        own = Q(assignment__judge__user_id=scope.user_id) if scope.user_id else NO_ROWS
        return organiser_q(scope, "assignment__judge__contest__", manage=manage) | own


class Result(models.Model):
    """An entry's place: its combined score, rank and prize; on finalising, the honour written for it (a
    member's honour for an individual entry, the unit's collective honour for a team's)."""

    scope_path = "entry__unit"
    scope_owner = "entry__member"

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="results", verbose_name=_("contest"))
    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="result", verbose_name=_("entry"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=3)
    judges = models.PositiveSmallIntegerField(_("judges counted"))
    rank = models.PositiveIntegerField(_("rank"))
    prize = models.CharField(_("prize"), max_length=12, choices=Prize.choices, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=30, blank=True)
    honour = models.ForeignKey(Honour, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    unit_honour = models.ForeignKey(
        UnitHonour,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("unit honour"),
        help_text=_("A team's final prize on its unit's honour roll (集体荣誉)."),
    )

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["contest", "rank", "entry__code"]
        indexes = [models.Index(fields=["contest", "rank"], name="contest_result_rank_idx")]

    def __str__(self) -> str:
        return f"{self.contest} #{self.rank}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        from members.scoping import default_scope_q

        if manage:
            return organiser_q(scope, "contest__", manage=manage)
        rows = default_scope_q(cls, scope, manage=False) | organiser_q(scope, "contest__", manage=False)
        public = Q(contest__status__in=PUBLIC_STATUSES) & audience_q(scope, "contest__")
        return rows | public
