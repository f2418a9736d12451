"""Hardship files (困难职工档案), their workflow steps, grants, campaigns and recuperation.

Every model that holds a unit's or a person's data declares its scope (``members.scoping``): a file
belongs to the unit that opened it (``unit``), and everything hanging from a file reaches the unit
through it. A member reads the own files, grants and recuperation trips (``scope_owner``).
Campaigns are the city union's: every officer reads them, only the city administrators manage them.
Views of files and documents and every export are recorded in ``members.AccessRecord``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from members.fields import EncryptedTextField
from members.models import Honour, Member, Organization
from members.scoping import NO_ROWS, ScopedManager


class Category(models.TextChoices):
    DEEP = "deep", _("Deep hardship")
    RELATIVE = "relative", _("Relative hardship")
    ACCIDENT = "accident", _("Hardship from an accident")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("Illness")
    DISABILITY = "disability", _("Disability")
    DISASTER = "disaster", _("Disaster")
    SCHOOLING = "schooling", _("Children's schooling")
    SINGLE_PARENT = "single_parent", _("Single parent")
    UNEMPLOYMENT = "unemployment", _("Unemployment in the family")
    LOW_INCOME = "low_income", _("Low income")
    OTHER = "other", _("Other cause")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted by the unit union")
    VISITED = "visited", _("Home visit recorded")
    REVIEWED = "reviewed", _("Reviewed by the city union")
    NOTICE = "notice", _("Public notice")
    FILED = "filed", _("Approved and filed")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", pgettext_lazy("hardship file", "Closed")


#: A household has at most one file in these states.
OPEN_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.VISITED, Status.REVIEWED, Status.NOTICE, Status.FILED)
OPEN_Q = Q(status__in=[s.value for s in OPEN_STATUSES])


class CloseReason(models.TextChoices):
    OUT = "out", _("Out of hardship")
    RETIRED = "retired", _("Retired")
    TRANSFERRED = "transferred", _("Transferred")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other reason")


class HardshipCase(models.Model):
    """One household's hardship file. ``unit`` is the applicant's unit when the file was opened (the scope)."""

    scope_path = "unit"
    scope_owner = "member"

    number = models.CharField(_("file number"), max_length=20, unique=True, editable=False)
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="hardship_cases", verbose_name=_("member")
    )
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    causes = models.JSONField(_("causes"), default=list)
    household_size = models.PositiveSmallIntegerField(_("household size"), validators=[MinValueValidator(1)])
    income_per_head = models.DecimalField(
        _("monthly income per head (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    minimum_living_standard = models.DecimalField(
        _("local minimum-living standard (yuan per month)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    housing = EncryptedTextField(_("housing"), blank=True)
    health_notes = EncryptedTextField(_("health"), blank=True)
    disability_notes = EncryptedTextField(_("disability"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=50, blank=True)
    bank_account_encrypted = models.TextField(editable=False, blank=True)
    bank_account_masked = models.CharField(_("bank account"), max_length=40, blank=True, editable=False)
    notice_start = models.DateField(_("notice from"), null=True, blank=True)
    notice_end = models.DateField(_("notice until"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    review_due = models.DateField(_("re-verification due"), null=True, blank=True, db_index=True)
    close_reason = models.CharField(_("closing reason"), max_length=12, choices=CloseReason.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()
    history = HistoricalRecords(excluded_fields=["bank_account_encrypted"])

    class Meta:
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_case", _("Can manage hardship files"))]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=OPEN_Q, name="hardshipcase_one_open_per_member"),
            models.CheckConstraint(
                condition=Q(notice_end__isnull=True) | Q(notice_end__gte=models.F("notice_start")),
                name="hardshipcase_notice_period_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="hardshipcase_unit_status_idx"),
            # The file list's default order, newest first (issue #23): a page without sorting every file.
            models.Index(fields=["created_at", "id"], name="hardshipcase_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.member.name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels.get(c, c)) for c in self.causes]


class HouseholdMember(models.Model):
    """A person of the household (the applicant included, relation "self").

    ``case_open`` mirrors the file's state so that a partial unique index forbids one person
    (matched by the keyed hash of the ID number) in two open files."""

    scope_path = "case__unit"

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="household")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation"), max_length=20)
    id_number_hash = models.CharField(max_length=64, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    case_open = models.BooleanField(default=True, editable=False)

    objects = ScopedManager()
    history = HistoricalRecords(excluded_fields=["id_number_hash"])

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"], condition=Q(case_open=True), name="household_person_in_one_open_file"
            ),
        ]
        indexes = [models.Index(fields=["id_number_hash"], name="household_idhash_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class CaseStep(models.Model):
    """One step of the workflow: who, when, from which state to which, and why."""

    scope_path = "case__unit"

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    reason = EncryptedTextField(_("reason"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class HomeVisit(models.Model):
    scope_path = "case__unit"

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visit date"))
    visitors = models.CharField(_("visitors"), max_length=200)
    findings = EncryptedTextField(_("findings"))
    income_check_consent = models.BooleanField(_("the applicant signed consent to an income check"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        ordering = ["-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.visited_on}"


def _document_path(instance, filename):
    return f"assistance/{instance.case_id}/{filename}"


class CaseDocument(models.Model):
    scope_path = "case__unit"

    case = models.ForeignKey(HardshipCase, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=100)
    file = models.FileField(upload_to=_document_path)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CampaignKind(models.TextChoices):
    STUDENT = "student", _("Golden-autumn student aid")
    WINTER = "winter", _("Winter warmth")
    MEDICAL = "medical", _("Medical aid")
    EVERYDAY = "everyday", _("Everyday aid")


class Source(models.TextChoices):
    UNION = "union", _("Union funds")
    GOVERNMENT = "government", _("Government aid")
    CHARITY = "charity", _("Charity")
    OTHER = "other", _("Other source")


class Purpose(models.TextChoices):
    UNIVERSITY = "university", _("University student")
    HIGH_SCHOOL = "high_school", _("High-school student")
    LIVING = "living", _("Living costs")
    MEDICAL = "medical", _("Medical costs")
    OTHER = "other", _("Other purpose")


class Campaign(models.Model):
    """A campaign of the city union (金秋助学, 冬送温暖): its window and standard amounts.

    It holds no unit's data, but names the administrator who created it, so it is scoped by a rule
    of its own (``scope_q``): every officer reads the campaigns, only city administrators manage them."""

    scope_path = "created_by"  # a login, not a unit: see scope_q

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    university_amount = models.DecimalField(
        _("amount per university student"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    high_school_amount = models.DecimalField(
        _("amount per high-school student"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    default_amount = models.DecimalField(
        _("default amount per file"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="campaign_window_ordered")
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope, *, manage: bool) -> Q:
        """Officers read every campaign (units apply to them); the city administrators manage them."""
        allowed = scope.is_city_admin if manage else scope.is_officer
        return Q() if allowed else NO_ROWS

    def amount_for(self, purpose: str) -> Decimal | None:
        if purpose == Purpose.UNIVERSITY:
            return self.university_amount
        if purpose == Purpose.HIGH_SCHOOL:
            return self.high_school_amount
        return self.default_amount


class CampaignBudget(models.Model):
    scope_exempt = (
        "a campaign's budget per source of money: the city union's figures, no unit's, person's or file's data"
    )

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="budgets")
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    amount = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("campaign budget")
        verbose_name_plural = _("campaign budgets")
        ordering = ["source"]
        constraints = [models.UniqueConstraint(fields=["campaign", "source"], name="campaignbudget_one_per_source")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.source} {self.amount}"


class RosterEntry(models.Model):
    """A file found eligible for a campaign, for one purpose (e.g. a university student)."""

    scope_path = "case__unit"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="roster")
    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, related_name="roster_entries")
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.UNION)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "case", "purpose"], name="roster_one_entry_per_purpose")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.case_id} {self.purpose}"


class Grant(models.Model):
    scope_path = "case__unit"
    scope_owner = "case__member"  # a member reads the own grants (the member page, the own-data download)

    case = models.ForeignKey(HardshipCase, on_delete=models.PROTECT, related_name="grants", verbose_name=_("file"))
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="grants", verbose_name=_("campaign"))
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    granted_on = models.DateField(_("grant date"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by")
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-granted_on", "-pk"]
        constraints = [
            # No double aid: one grant per file, campaign and purpose.
            models.UniqueConstraint(fields=["case", "campaign", "purpose"], name="grant_one_per_campaign_purpose")
        ]
        indexes = [models.Index(fields=["granted_on"], name="grant_date_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.campaign_id} {self.amount}"


class RecuperationRule(models.Model):
    """Data, not code: the same person is not sent twice within ``min_years_between`` years."""

    scope_exempt = "the city-wide recuperation rule (years between two trips): a setting, nobody's data"

    min_years_between = models.PositiveSmallIntegerField(_("minimum years between two trips"), default=5)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recuperation rule")
        verbose_name_plural = _("recuperation rules")

    def __str__(self) -> str:
        return str(self.min_years_between)


class Recuperation(models.Model):
    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="recuperations", verbose_name=_("member"))
    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="+", verbose_name=_("honour"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    place = models.CharField(_("place"), max_length=100)
    cost = models.DecimalField(_("cost (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recuperation")
        verbose_name_plural = _("recuperations")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="recuperation_dates_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.starts_on}"


class NoticeRule(models.Model):
    """The public notice's rule (公示), as data: how many working days a notice runs at least. One row; without
    it the default (5 working days) applies."""

    scope_exempt = "the city-wide public notice rule: a setting, nobody's data"

    min_working_days = models.PositiveSmallIntegerField(
        _("notice period (working days)"),
        default=5,
        validators=[MinValueValidator(1)],
        help_text=_("Counted on the official working-day calendar (with its adjusted working days)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public notice rule")
        verbose_name_plural = _("public notice rules")

    def __str__(self) -> str:
        return _("Public notice: at least %(days)s working days") % {"days": self.min_working_days}

    @classmethod
    def current(cls) -> NoticeRule:
        return cls.objects.order_by("pk").first() or cls()


class WorkdayAdjustment(models.Model):
    """A day of the official calendar that the calendar library does not know yet (a year announced after
    the release): a holiday on a weekday, or a weekend day made a working day (调休)."""

    scope_exempt = "the official working-day calendar: a setting, nobody's data"

    day = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"), help_text=_("Ticked: a working day; not ticked: a day off."))
    note = models.CharField(_("note"), max_length=100, blank=True, help_text=_("e.g. 2027年国庆节调休"))

    class Meta:
        verbose_name = _("working-day calendar adjustment")
        verbose_name_plural = _("working-day calendar adjustments")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} · {_('working day') if self.is_workday else _('day off')}"
