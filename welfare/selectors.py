"""Every read of the welfare app, scoped to the actor through members.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy

from members.audit import AccessAction, record_access
from members.choices import CURRENT_STATUSES, EmploymentType, MemberStatus
from members.festivals import Festival
from members.models import Member, Organization, OrganizationKind
from members.pinyin import NameOrder
from members.scoping import get_for_actor, scope_for
from members.selectors import count_per_row

from .defaults import portal_province
from .models import Category, CategoryCap, Distribution, DistributionStatus, MemberBudget, Recipient, WelfarePolicy

_SIGNOFF_SHEET = gettext_lazy("Sign-off sheet")
_SIGNOFF_PRINTED = gettext_lazy("Sign-off sheet (printed)")


@dataclass(frozen=True)
class DistributionFilters:
    q: str = ""
    organization_id: int | None = None
    category: str = ""
    status: str = ""
    year: int | None = None

    def as_q(self) -> Q:
        q = Q()
        if self.q:
            q &= Q(item__icontains=self.q)
        for field in ("organization_id", "category", "status"):
            if getattr(self, field):
                q &= Q(**{field: getattr(self, field)})
        if self.year:
            q &= Q(date__year=self.year)
        return q


# What the batch list shows (issue #23: the page reads only these).
DISTRIBUTION_LIST_COLUMNS = (
    "pk",
    "date",
    "organization_id",
    "organization__name",
    "category",
    "festival",
    "item",
    "amount",
    "status",
)


def distribution_list(*, actor, filters: DistributionFilters | None = None) -> QuerySet[Distribution]:
    """The batches the actor reads, each with its number of people on the roster and of those who signed."""
    filters = filters or DistributionFilters()
    return (
        Distribution.objects.for_actor(actor)
        .filter(filters.as_q())
        .select_related("organization")
        .annotate(
            # The batch was read through the actor's scope: its roster lines are reached from it.
            people=count_per_row(Recipient.objects.via_parent().filter(included=True), "distribution"),
            received=count_per_row(
                Recipient.objects.via_parent().filter(included=True, received_on__isnull=False), "distribution"
            ),
        )
    )


def distribution_get(*, actor, pk: int) -> Distribution:
    """One batch the actor reads (404 outside the scope)."""
    related = Distribution.objects.select_related("organization", "policy", "created_by", "confirmed_by")
    return get_for_actor(related, actor, pk=pk)


def recipient_get(*, actor, distribution: Distribution, pk: int) -> Recipient:
    """One line of a batch's roster that the actor reads (404 outside the scope or not on this batch)."""
    related = Recipient.objects.select_related("member", "distribution__organization")
    return get_for_actor(related, actor, distribution=distribution, pk=pk)


def eligible_members(*, actor, distribution: Distribution) -> QuerySet[Member]:
    """Who may be on the roster: the unit's (or every unit's) members, as the policy says, among the
    members the actor manages (the unit's officers; the city administrators for a city-wide batch)."""
    policy = distribution.policy
    statuses = [MemberStatus.ACTIVE] + ([MemberStatus.RETAINED] if policy.include_retained else [])
    qs = Member.objects.for_actor(actor, manage=True).filter(status__in=statuses, join_date__lte=distribution.date)
    if distribution.organization.kind == OrganizationKind.UNIT:
        qs = qs.filter(unit_id=distribution.organization_id)
    if not policy.include_non_establishment:
        qs = qs.filter(employment_type=EmploymentType.ESTABLISHED)
    if distribution.category == Category.BIRTHDAY:
        qs = qs.filter(birth_date__month=distribution.date.month)
    return qs


def add_candidates(*, actor, distribution: Distribution, limit: int = 500) -> QuerySet[Member]:
    """Eligible members not on the roster (the "add a person" choices of a draft batch)."""
    on_roster = distribution.recipients.filter(included=True).values("member_id")
    return (
        eligible_members(actor=actor, distribution=distribution)
        .exclude(pk__in=on_roster)
        .order_by(NameOrder(), "pk")[:limit]
    )


def roster(distribution: Distribution) -> QuerySet[Recipient]:
    return distribution.recipients.select_related("member", "member__unit").order_by(
        "-included", "member__unit__sort_order", NameOrder("member__name", "member__name_pinyin"), "member_id"
    )


def roster_figures(distribution: Distribution) -> dict:
    """People on the roster, their total, and how many have not received yet (one query)."""
    on = Q(included=True)
    return distribution.recipients.aggregate(
        people=Count("pk", filter=on),
        total=Sum("amount", filter=on),
        not_received=Count("pk", filter=on & Q(received_on__isnull=True)),
    )


def unit_choices(*, actor) -> QuerySet[Organization]:
    """Units an actor may create batches for (city administrators may also choose the city union)."""
    kinds = [OrganizationKind.UNIT, OrganizationKind.CITY]
    return (
        Organization.objects.for_actor(actor, manage=True).filter(kind__in=kinds).order_by("kind", "sort_order", "name")
    )


def unit_choices_readable(*, actor) -> QuerySet[Organization]:
    kinds = [OrganizationKind.UNIT, OrganizationKind.CITY]
    return Organization.objects.for_actor(actor).filter(kind__in=kinds).order_by("kind", "sort_order", "name")


def signoff_rows(*, actor, distribution: Distribution, request=None, printed: bool = False) -> list[Recipient]:
    """The people of the sign-off sheet (on the roster, by unit and name), with the access record of
    the export or the printed page (the sheet lists names: personal data)."""
    rows = list(
        distribution.recipients.filter(included=True)
        .select_related("member", "member__unit")
        .order_by(
            "member__unit__sort_order",
            "member__unit__name",
            NameOrder("member__name", "member__name_pinyin"),
            "member_id",
        )
    )
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=_SIGNOFF_PRINTED if printed else _SIGNOFF_SHEET,
        obj=distribution,
        unit=distribution.organization_id,
        ref=f"{distribution.date:%Y-%m-%d} {distribution.item}",
        rows=len(rows),
        request=request,
    )
    return rows


# --- A member's gifts ----------------------------------------------------------------------------
def _confirmed_gifts(qs: QuerySet[Recipient], year: int) -> QuerySet[Recipient]:
    return (
        qs.filter(included=True, distribution__status=DistributionStatus.CONFIRMED, distribution__date__year=year)
        .select_related("distribution")
        .order_by("distribution__date", "pk")
    )


def own_gifts(*, actor, year: int) -> QuerySet[Recipient]:
    """The actor's own gifts of a year (a member reads the own roster lines, whichever batch)."""
    return _confirmed_gifts(Recipient.objects.for_actor(actor).filter(member_id=scope_for(actor).member_id), year)


def member_gifts(*, member: Member, year: int) -> QuerySet[Recipient]:
    """A member's gifts of a year, city-wide batches included: through ``member.gifts``, because the
    caller already read the member through its scope (the member page)."""
    return _confirmed_gifts(member.gifts.all(), year)


def own_allowance(*, actor, year: int) -> list[dict]:
    """What is left of each cap for the actor's own record."""
    rows = MemberBudget.objects.for_actor(actor).filter(member_id=scope_for(actor).member_id, year=year)
    return _allowance(rows, year)


def member_allowance(*, member: Member, year: int) -> list[dict]:
    """What is left of each cap for a member the caller already read through its scope."""
    return _allowance(member.welfare_budgets.filter(year=year), year)


def _allowance(budgets: QuerySet[MemberBudget], year: int) -> list[dict]:
    """Each capped category (and festival share) of the year's policy: cap, received, left."""
    policy = WelfarePolicy.objects.filter(year=year, province=portal_province()).first()
    if policy is None:
        return []
    spent = {(b.category, b.festival): b.spent for b in budgets}
    out = []
    order = [c.value for c in Category]
    caps = sorted(policy.caps.exclude(cap__isnull=True), key=lambda c: order.index(c.category))
    shares = sorted(policy.festival_caps.all(), key=lambda f: [x.value for x in Festival].index(f.festival))
    for cap in caps:
        got = spent.get((cap.category, ""), Decimal("0"))
        out.append({"label": cap.get_category_display(), "cap": cap.cap, "spent": got, "left": max(cap.cap - got, 0)})
        if cap.category == Category.FESTIVAL:
            for share in shares:
                got = spent.get((Category.FESTIVAL, share.festival), Decimal("0"))
                out.append(
                    {
                        "label": share.get_festival_display(),
                        "cap": share.cap,
                        "spent": got,
                        "left": max(share.cap - got, 0),
                        "share": True,
                    }
                )
    return out


# --- Reports -------------------------------------------------------------------------------------
def report_units(*, actor) -> list[Organization]:
    """The units whose spending the actor reads, in the report's order."""
    return list(Organization.objects.for_actor(actor).units().order_by("sort_order", "name"))


def spending_report(*, actor, year: int, units: list[Organization]) -> dict:
    """Per unit and category: spent in the year against the cap × the unit's current members."""
    return spending_for_units(actor=actor, units=units, year=year)


def spending_report_export(
    *, actor, year: int, units: list[Organization], unit: Organization | None = None, request=None
) -> dict:
    """The spending report for its xlsx download, with the access record of the export."""
    report = spending_report(actor=actor, year=year, units=units)
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=gettext_lazy("Welfare spending report"),
        app="welfare",
        ref=str(year),
        unit=unit,
        rows=len(report["rows"]),
        request=request,
    )
    return report


def spending_for_units(*, actor, units: list[Organization], year: int) -> dict:
    """The spending report of these units (chosen among the actor's), in their order: four queries."""
    ids = [u.pk for u in units]
    # Counted per unit_id alone (the (unit, status) index), not grouped by every organisation column.
    current = dict(
        Member.objects.for_actor(actor)
        .filter(status__in=CURRENT_STATUSES, unit_id__in=ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit in units:
        unit.current = current.get(unit.pk, 0)
    policy = WelfarePolicy.objects.filter(year=year, province=portal_province()).first()
    caps = {c.category: c.cap for c in CategoryCap.objects.filter(policy=policy, cap__isnull=False)} if policy else {}
    # The yearly budget rows (festival "" = the whole category) hold what confirmed batches gave.
    spent_rows = (
        MemberBudget.objects.for_actor(actor)
        .filter(year=year, festival="", member__unit_id__in=ids)
        .values_list("member__unit_id", "category")
        .annotate(total=Sum("spent"))
        .order_by()
    )
    spent = {(u, c): t for u, c, t in spent_rows}
    categories = [c for c in Category if c.value in caps]
    rows = []
    for unit in units:
        cells = []
        for c in categories:
            allowed = caps[c.value] * unit.current
            got = spent.get((unit.pk, c.value), Decimal("0"))
            cells.append({"category": c, "spent": got, "allowed": allowed, "over": got > allowed})
        rows.append({"unit": unit, "members": unit.current, "cells": cells})
    return {"year": year, "policy": policy, "categories": categories, "rows": rows}


def member_totals(*, actor, year: int, unit_id: int | None = None, q: str = "") -> QuerySet[Member]:
    """Current members of the actor's scope (a page of them gets its totals from ``attach_totals``)."""
    qs = Member.objects.for_actor(actor).filter(status__in=CURRENT_STATUSES)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(card_number=q))
    return qs.select_related("unit").order_by("unit__sort_order", NameOrder(), "pk")


def attach_totals(members, *, actor, year: int) -> None:
    """Set ``m.totals`` ([(category label, yuan or None)]) and ``m.total`` on a page of members (one query)."""
    members = list(members)
    totals: dict[int, dict[str, Decimal]] = {m.pk: {} for m in members}
    rows = (
        MemberBudget.objects.for_actor(actor)
        .filter(member_id__in=list(totals), year=year, festival="")
        .values_list("member_id", "category", "spent")
    )
    for member_id, category, spent in rows:
        totals[member_id][category] = spent
    for m in members:
        m.totals = [(c.label, totals[m.pk].get(c.value)) for c in Category]
        m.total = sum((v for v in totals[m.pk].values()), start=Decimal("0"))


def upcoming_distributions(*, actor, today: date, limit: int = 5) -> list[Distribution]:
    return list(
        Distribution.objects.for_actor(actor)
        .filter(date__gte=today)
        .select_related("organization")
        .order_by("date")[:limit]
    )
