"""Every read of the funds app, for an actor: budgets, the ledger, budget execution, the statement, dues."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractMonth
from django.http import Http404
from django.utils import timezone

from members.models import Member, MemberStatus, Organization, OrganizationKind
from members.scoping import get_for_actor, scope_for

from .dues import months_due
from .models import (
    ZERO,
    Adjustment,
    Budget,
    BudgetStatus,
    Category,
    Direction,
    DuesImport,
    DuesPayment,
    MonthTotal,
    Posting,
    WageBase,
    union_q,
)


def can_use_funds(actor) -> bool:
    """Officers, zone leads, city administrators and the funds audit committees see the funds pages."""
    scope = scope_for(actor)
    return scope.is_officer or bool(scope.audit_org_ids)


def union_choices(actor, *, manage: bool = False) -> QuerySet[Organization]:
    """The unions (city union, units) whose funds the actor reads, or with ``manage`` manages."""
    qs = Organization.objects.filter(kind__in=[OrganizationKind.CITY, OrganizationKind.UNIT], is_active=True)
    return qs.filter(union_q(scope_for(actor), manage=manage, path="pk")).order_by("kind", "sort_order", "name")


def union_get(actor, pk: int | None) -> Organization:
    """A union the actor reads (404 otherwise); without pk the first one."""
    qs = union_choices(actor)
    union = qs.filter(pk=pk).first() if pk else qs.first()
    if union is None:
        raise Http404
    return union


def categories() -> list[Category]:
    return list(Category.objects.select_related("parent").order_by("sort_order", "code"))


# --- Budgets --------------------------------------------------------------------------------------------
def budget_list(*, actor, year: int | None = None, union_id: int | None = None) -> QuerySet[Budget]:
    qs = Budget.objects.for_actor(actor).select_related("union")
    if year:
        qs = qs.filter(year=year)
    if union_id:
        qs = qs.filter(union_id=union_id)
    return qs.order_by("-year", "union__kind", "union__sort_order", "union__name")


def budget_get(*, actor, pk: int) -> Budget:
    return get_for_actor(Budget.objects.select_related("union", "approved_by", "created_by"), actor, pk=pk)


def adjustments(*, budget: Budget) -> list[Adjustment]:
    return list(
        budget.adjustments.select_related("approved_by", "created_by")
        .prefetch_related("lines__category__parent")
        .order_by("-pk")
    )


# --- The ledger -----------------------------------------------------------------------------------------
@dataclass
class LedgerFilters:
    union_id: int | None = None
    year: int | None = None
    month: int | None = None
    category_id: int | None = None
    direction: str = ""
    origin: str = ""  # "manual" | "auto"
    q: str = ""


def ledger(*, actor, filters: LedgerFilters, sort: tuple[str, ...] = ("-date", "-pk")) -> QuerySet[Posting]:
    qs = Posting.objects.for_actor(actor).select_related("union", "category__parent")
    f = filters
    if f.union_id:
        qs = qs.filter(union_id=f.union_id)
    if f.year:
        start, end = date(f.year, f.month or 1, 1), date(f.year, f.month or 12, 1)
        end = date(end.year + (end.month == 12), end.month % 12 + 1, 1)
        qs = qs.filter(date__gte=start, date__lt=end)
    if f.category_id:
        qs = qs.filter(Q(category_id=f.category_id) | Q(category__parent_id=f.category_id))
    if f.direction:
        qs = qs.filter(category__direction=f.direction)
    if f.origin == "manual":
        qs = qs.filter(source_app="")
    elif f.origin == "auto":
        qs = qs.exclude(source_app="")
    if f.q:
        qs = qs.filter(Q(payee__icontains=f.q) | Q(summary__icontains=f.q) | Q(voucher_number__icontains=f.q))
    return qs.order_by(*sort)


def posting_get(*, actor, pk: int) -> Posting:
    return get_for_actor(
        Posting.objects.select_related("union", "category__parent", "created_by", "reverses"), actor, pk=pk
    )


def reversal_of(posting: Posting) -> Posting | None:
    return Posting.objects.via_parent().filter(reverses=posting).first()


# --- Budget execution and the statement -------------------------------------------------------------------
@dataclass
class ExecRow:
    category: Category
    budget: Decimal = ZERO
    months: list[Decimal] = field(default_factory=lambda: [ZERO] * 12)
    is_total: bool = False

    @property
    def actual(self) -> Decimal:
        return sum(self.months, ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.actual

    @property
    def rate(self) -> Decimal | None:
        return (self.actual / self.budget) if self.budget else None

    @property
    def over(self) -> bool:
        return self.category.direction == Direction.EXPENDITURE and self.actual > self.budget


@dataclass
class Execution:
    union: Organization
    year: int
    budget: Budget | None
    income: list[ExecRow]
    expenditure: list[ExecRow]

    @property
    def in_force(self) -> bool:
        return self.budget is not None and self.budget.status == BudgetStatus.APPROVED

    def total(self, direction: str) -> ExecRow:
        rows = [r for r in (self.income if direction == Direction.INCOME else self.expenditure) if r.category.is_leaf]
        total = ExecRow(category=Category(name="", direction=direction), is_total=True)
        total.budget = sum((r.budget for r in rows), ZERO)
        total.months = [sum((r.months[i] for r in rows), ZERO) for i in range(12)]
        return total

    @property
    def income_total(self) -> ExecRow:
        return self.total(Direction.INCOME)

    @property
    def expenditure_total(self) -> ExecRow:
        return self.total(Direction.EXPENDITURE)

    @property
    def balance(self) -> Decimal:
        return self.income_total.actual - self.expenditure_total.actual


def execution(*, actor, union: Organization, year: int) -> Execution:
    """Budget and actual per category and month for one union's year: four queries whatever the number of
    postings (the budget, its lines, the categories, the year's monthly totals kept beside the postings)."""
    budget = Budget.objects.for_actor(actor).filter(union=union, year=year).first()
    amounts = dict(budget.lines.values_list("category_id", "amount")) if budget else {}
    sums = (
        MonthTotal.objects.for_actor(actor).filter(union=union, year=year).values_list("category_id", "month", "total")
    )
    by_cat: dict[int, list[Decimal]] = {}
    for category_id, month, total in sums:
        by_cat.setdefault(category_id, [ZERO] * 12)[month - 1] += total
    rows: dict[int, ExecRow] = {}
    ordered = categories()
    for cat in ordered:
        rows[cat.pk] = ExecRow(
            category=cat, budget=amounts.get(cat.pk, ZERO), months=list(by_cat.get(cat.pk, [ZERO] * 12))
        )
    for cat in ordered:  # a parent's row adds up its sub-items
        if cat.parent_id and cat.parent_id in rows:
            parent = rows[cat.parent_id]
            parent.budget += rows[cat.pk].budget
            parent.months = [a + b for a, b in zip(parent.months, rows[cat.pk].months, strict=True)]
    income = [rows[c.pk] for c in ordered if c.direction == Direction.INCOME]
    expenditure = [rows[c.pk] for c in ordered if c.direction == Direction.EXPENDITURE]
    return Execution(union=union, year=year, budget=budget, income=income, expenditure=expenditure)


# --- Dues -----------------------------------------------------------------------------------------------
def dues_imports(*, actor, union_id: int | None = None) -> QuerySet[DuesImport]:
    qs = DuesImport.objects.for_actor(actor).select_related("union", "created_by")
    return qs.filter(union_id=union_id) if union_id else qs


@dataclass
class UnitDues:
    unit: Organization
    members: int
    paying: int
    months: list[Decimal]
    expected: Decimal

    @property
    def collected(self) -> Decimal:
        return sum(self.months, ZERO)

    @property
    def arrears(self) -> Decimal:
        return max(self.expected - self.collected, ZERO)


def dues_by_unit(*, actor, year: int, today: date | None = None) -> list[UnitDues]:
    """Dues collected per unit and month, with what was due (monthly dues × months due) and the arrears: three
    queries whatever the number of members."""
    today = today or timezone.localdate()
    due = months_due(year, today)
    units = list(union_choices(actor).filter(kind=OrganizationKind.UNIT))
    ids = [u.pk for u in units]
    paid = (
        DuesPayment.objects.for_actor(actor)
        .filter(unit_id__in=ids, month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
        .annotate(m=ExtractMonth("month"))
        .values("unit_id", "m")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    months: dict[int, list[Decimal]] = {pk: [ZERO] * 12 for pk in ids}
    for row in paid:
        months[row["unit_id"]][row["m"] - 1] += row["s"]
    expected = {
        row["member__unit_id"]: row
        for row in WageBase.objects.for_actor(actor)
        .filter(year=year, member__unit_id__in=ids, member__status=MemberStatus.ACTIVE)
        .values("member__unit_id")
        .annotate(s=Sum("monthly_dues"), n=Count("pk"))
        .order_by()
    }
    return [
        UnitDues(
            unit=u,
            members=expected.get(u.pk, {}).get("n", 0),
            paying=expected.get(u.pk, {}).get("n", 0),
            months=months[u.pk],
            expected=(expected.get(u.pk, {}).get("s") or ZERO) * due,
        )
        for u in units
    ]


def member_arrears(*, actor, unit: Organization, year: int, today: date | None = None) -> tuple[QuerySet[Member], int]:
    """The unit's active members with their monthly dues, paid this year and arrears (annotations)."""
    today = today or timezone.localdate()
    due = months_due(year, today)
    base = WageBase.objects.for_actor(actor).filter(member=OuterRef("pk"), year=year)
    paid = (
        DuesPayment.objects.for_actor(actor)
        .filter(member=OuterRef("pk"), month__gte=date(year, 1, 1), month__lte=date(year, 12, 1))
        .values("member")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    members = (
        Member.objects.for_actor(actor)
        .filter(unit=unit, status=MemberStatus.ACTIVE)
        .annotate(
            monthly=Subquery(base.values("monthly_dues")[:1]),
            masked=Subquery(base.values("base_masked")[:1]),
            paid=Subquery(paid),
        )
        .order_by("name_pinyin", "pk")
    )
    return members, due


def own_dues(*, actor) -> tuple[Member | None, list[DuesPayment], WageBase | None]:
    scope = scope_for(actor)
    if not scope.member_id:
        return None, [], None
    member = Member.objects.for_actor(actor).filter(pk=scope.member_id).first()
    year = timezone.localdate().year
    payments = list(DuesPayment.objects.for_actor(actor).filter(member_id=scope.member_id).order_by("-month")[:36])
    base = WageBase.objects.for_actor(actor).filter(member_id=scope.member_id, year=year).first()
    return member, payments, base
