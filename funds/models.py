"""Union funds and dues (工会经费, 会费): the budget-and-spending ledger (经费台账) of each union.

A union is the city union or a unit union (an ``Organization`` of kind ``city`` or ``unit``). Each has a
budget per year by the categories of the national rules (全总《基层工会经费收支管理办法》), approved by its
committee before it is in force and changed only by approved adjustments; every payment the portal knows is
posted to its ledger (once, reversed once); dues are computed from each member's wage base (encrypted) and
recorded month by month.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.fields import EncryptedTextField
from members.models import Member, Organization
from members.scoping import Scope, ScopedManager, ids_q

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def union_q(scope: Scope, *, manage: bool, path: str = "union") -> Q:
    """A union's funds: its officers manage them, the zone lead reads the zone's units, the city administrator
    everything; the members of its funds audit committee read them (never manage)."""
    ids = scope.manage_units() if manage else scope.read_orgs()
    if ids is not None and not manage:
        ids = ids | scope.audit_org_ids
    return ids_q(path, ids)


class Direction(models.TextChoices):
    INCOME = "income", _("Income")
    EXPENDITURE = "expenditure", _("Expenditure")


class Category(models.Model):
    """A budget category of the national rules (收入/支出 with their sub-items): data, seeded by a migration."""

    scope_exempt = "the national budget categories: a list every union uses, nobody's data"

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=50)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    is_leaf = models.BooleanField(_("takes postings"), default=True, editable=False)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.CharField(_("description"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget category")
        verbose_name_plural = _("budget categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        return f"{self.parent.name} · {self.name}" if self.parent_id else self.name


class KindMapping(models.Model):
    """Which category a kind of payment posts to (``members.ledger.SPENDING_KINDS`` and the funds app's own
    income kinds): data, so that an administrator can follow a provincial rule that files it elsewhere."""

    scope_exempt = "the mapping of payment kinds to budget categories: a setting, nobody's data"

    kind = models.CharField(_("kind of payment"), max_length=40, unique=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category of a kind of payment")
        verbose_name_plural = _("categories of the kinds of payment")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.kind} → {self.category}"


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class CommitteeApproved(models.Model):
    """What a budget and an adjustment share: drafted by an officer, in force once the union's committee
    approved it (the decision, its date, who recorded it and when)."""

    status = models.CharField(_("status"), max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT)
    approved_on = models.DateField(_("approved by the committee on"), null=True, blank=True)
    approval_note = models.CharField(_("committee decision"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approval recorded by"),
    )
    approved_at = models.DateTimeField(_("approval recorded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        abstract = True


class Budget(CommitteeApproved):
    """A union's budget of one year; in force once its committee approved it."""

    scope_path = "union"

    union = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    version = models.PositiveSmallIntegerField(_("version"), default=1)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["-year", "union__sort_order", "union__name"]
        constraints = [models.UniqueConstraint(fields=["union", "year"], name="funds_budget_one_per_union_year")]

    def __str__(self) -> str:
        return f"{self.union} {self.year}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage)

    @property
    def is_approved(self) -> bool:
        return self.status == BudgetStatus.APPROVED


class BudgetLine(models.Model):
    """The amount of one category in a budget; its row is the lock every posting to the category takes."""

    scope_path = "budget__union"

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["category__sort_order", "category__code"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="funds_budgetline_one_per_category"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funds_budgetline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget} {self.category} {self.amount}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage, path="budget__union")


class Adjustment(CommitteeApproved):
    """A budget adjustment (预算调整): new amounts for some categories, with the reason; in force once approved."""

    scope_path = "budget__union"

    budget = models.ForeignKey(Budget, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("budget"))
    reason = models.TextField(_("reason"))
    version = models.PositiveSmallIntegerField(_("version it makes"), null=True, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.budget} · {self.reason[:30]}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage, path="budget__union")

    @property
    def is_approved(self) -> bool:
        return self.status == BudgetStatus.APPROVED


class AdjustmentLine(models.Model):
    scope_path = "adjustment__budget__union"

    adjustment = models.ForeignKey(
        Adjustment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget adjustment")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    old_amount = models.DecimalField(_("amount before (yuan)"), max_digits=14, decimal_places=2, default=ZERO)
    new_amount = models.DecimalField(
        _("amount after (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("budget adjustment line")
        verbose_name_plural = _("budget adjustment lines")
        ordering = ["category__sort_order", "category__code"]
        constraints = [
            models.UniqueConstraint(fields=["adjustment", "category"], name="funds_adjline_one_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.old_amount} → {self.new_amount}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage, path="adjustment__budget__union")

    @property
    def change(self) -> Decimal:
        return self.new_amount - self.old_amount


def voucher_path(instance, filename: str) -> str:
    return f"funds/vouchers/{instance.union_id}/{filename}"


class Posting(models.Model):
    """One entry of the ledger (经费台账): money in or out of a union's funds, in one category.

    A posting is never edited: a mistake is put right by its reversal (a posting of the opposite amount that
    names it, at most one). A posting made by another app names its source (app, model, pk): one per source.
    Rows are immutable, so there is no history table (the reversal is the history)."""

    scope_path = "union"

    union = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    date = models.DateField(_("date"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    payee = models.CharField(_("payee or payer"), max_length=100, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    voucher_number = models.CharField(_("voucher number"), max_length=30, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=voucher_path, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True, editable=False)
    source_kind = models.CharField(_("kind of payment"), max_length=40, blank=True)
    source_app = models.CharField(_("source app"), max_length=40, blank=True)
    source_model = models.CharField(_("source model"), max_length=40, blank=True)
    source_pk = models.CharField(_("source id"), max_length=40, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", verbose_name=_("reverses")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-date", "-pk"]
        constraints = [
            # A source posts once (its reversal names the posting, not the source).
            models.UniqueConstraint(
                fields=["source_app", "source_model", "source_pk"],
                condition=Q(reverses__isnull=True) & ~Q(source_app=""),
                name="funds_posting_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["union", "voucher_number"],
                condition=~Q(voucher_number=""),
                name="funds_posting_voucher_unique",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="funds_posting_sign",
            ),
        ]
        indexes = [
            models.Index(fields=["union", "date", "category"], name="funds_posting_union_date_idx"),
            models.Index(fields=["union", "category", "date"], name="funds_posting_union_cat_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.category.name} {self.amount}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage)

    @property
    def is_manual(self) -> bool:
        return not self.source_app

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


# --- Dues (会费) -----------------------------------------------------------------------------------
class Rounding(models.TextChoices):
    HALF_UP = "half_up", _("Round half up")
    UP = "up", _("Round up")
    DOWN = "down", _("Round down")


ROUNDING_MODES = {Rounding.HALF_UP: ROUND_HALF_UP, Rounding.UP: ROUND_UP, Rounding.DOWN: ROUND_DOWN}


class DuesRule(models.Model):
    """How dues and the organ's allocation are computed from a year on: data, not code (one row per year it
    changes; the latest row at or before a year applies)."""

    scope_exempt = "the dues rate, rounding and allocation shares: a setting, nobody's data"

    from_year = models.PositiveSmallIntegerField(_("from year"), unique=True)
    rate = models.DecimalField(
        _("dues rate"), max_digits=6, decimal_places=5, default=Decimal("0.005"), help_text=_("0.005 is 0.5%")
    )
    quantum = models.DecimalField(
        _("rounded to (yuan)"), max_digits=4, decimal_places=2, default=Decimal("0.01"), help_text=_("0.01, 0.1 or 1")
    )
    rounding = models.CharField(_("rounding"), max_length=10, choices=Rounding.choices, default=Rounding.HALF_UP)
    allocation_rate = models.DecimalField(
        _("allocation rate of the payroll"), max_digits=6, decimal_places=5, default=Decimal("0.02")
    )
    allocation_kept_share = models.DecimalField(
        _("share of the allocation the grassroots union keeps"),
        max_digits=6,
        decimal_places=5,
        default=Decimal("0.6"),
        help_text=_("set by the province (unconfirmed): 0.6 is 60%"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dues rule")
        verbose_name_plural = _("dues rules")
        ordering = ["-from_year"]

    def __str__(self) -> str:
        return f"{self.from_year}: {self.rate}"

    def monthly_dues(self, base: Decimal) -> Decimal:
        """The monthly dues on a wage base, to the rule's quantum (then shown to the fen)."""
        value = (base * self.rate).quantize(self.quantum, rounding=ROUNDING_MODES[self.rounding])
        return value.quantize(CENT)


def mask_amount(value: Decimal | None) -> str:
    """A wage base shown masked: its order of magnitude, not the figure (12,345.67 → 1****.**)."""
    if value is None:
        return ""
    digits = str(int(value))
    return f"{digits[0]}{'*' * (len(digits) - 1)}.**"


class WageBase(models.Model):
    """A member's monthly wage base for dues in one year (sensitive: stored encrypted, shown masked)."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="wage_bases", verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"))
    base_encrypted = EncryptedTextField(_("wage base (encrypted)"), editable=False)
    base_masked = models.CharField(_("wage base"), max_length=20, editable=False)
    monthly_dues = models.DecimalField(
        _("monthly dues (yuan)"), max_digits=10, decimal_places=2, editable=False, default=ZERO
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()
    history = HistoricalRecords(excluded_fields=["base_masked"])

    class Meta:
        verbose_name = _("wage base")
        verbose_name_plural = _("wage bases")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="funds_wagebase_one_per_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year} {self.base_masked}"

    @property
    def base(self) -> Decimal:
        return Decimal(self.base_encrypted)

    def set_base(self, value: Decimal, rule: DuesRule) -> None:
        value = Decimal(value).quantize(CENT)
        self.base_encrypted = str(value)
        self.base_masked = mask_amount(value)
        self.monthly_dues = rule.monthly_dues(value)


class DuesImport(models.Model):
    """One month's payroll deduction list of a union, as imported; its total is posted to 会费收入."""

    scope_path = "union"

    union = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    month = models.DateField(_("month"))
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    total = models.DecimalField(_("total (yuan)"), max_digits=14, decimal_places=2, default=ZERO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("imported by")
    )
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("dues import")
        verbose_name_plural = _("dues imports")
        ordering = ["-month", "-pk"]

    def __str__(self) -> str:
        return f"{self.union} {self.month:%Y-%m}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage)


class DuesPayment(models.Model):
    """Dues a member paid for one month (usually one line of a payroll deduction list)."""

    scope_path = "unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="dues_payments", verbose_name=_("member"))
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    month = models.DateField(_("month"))
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )
    dues_import = models.ForeignKey(
        DuesImport, on_delete=models.CASCADE, null=True, blank=True, related_name="payments", verbose_name=_("import")
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        ordering = ["-month", "member_id"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="funds_dues_once_per_month")]
        indexes = [models.Index(fields=["unit", "month"], name="funds_dues_unit_month_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.month:%Y-%m} {self.amount}"


class Allocation(models.Model):
    """The organ's allocation (拨缴经费) for a period: 2% of the payroll, of which the union keeps a share."""

    scope_path = "union"

    union = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    date = models.DateField(_("date received"))
    payroll_total = models.DecimalField(
        _("payroll total (yuan)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    rate = models.DecimalField(_("allocation rate"), max_digits=6, decimal_places=5)
    kept_share = models.DecimalField(_("share kept"), max_digits=6, decimal_places=5)
    amount = models.DecimalField(_("amount kept (yuan)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.union} {self.date} {self.amount}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage)


class MonthTotal(models.Model):
    """What a union's postings of one category add up to in one month: kept in the same transaction as every
    posting and reversal (``services._record`` / ``_reverse``), so that budget execution reads 12 × 22 rows
    instead of summing a year of postings (500,000 for the city union in the benchmark). ``rebuild_month_totals``
    recomputes them from the postings."""

    scope_path = "union"

    union = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("union"))
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    total = models.DecimalField(_("total (yuan)"), max_digits=16, decimal_places=2, default=ZERO)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("monthly total")
        verbose_name_plural = _("monthly totals")
        constraints = [
            models.UniqueConstraint(fields=["union", "year", "month", "category"], name="funds_monthtotal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.union_id} {self.year}-{self.month} {self.category_id} {self.total}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return union_q(scope, manage=manage)
