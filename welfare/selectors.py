"""Every read of the welfare app, scoped to the actor through members.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from members.choices import CURRENT_STATUSES
from members.festivals import Festival
from members.models import Member, Organization
from members.scoping import scope_for

from .defaults import portal_province
from .models import Category, CategoryCap, Distribution, DistributionStatus, MemberBudget, Recipient, WelfarePolicy


def _visible_distributions(actor) -> QuerySet[Distribution]:
    scope = scope_for(actor)
    if scope.sees_all:
        return Distribution.objects.all()
    return Distribution.objects.filter(organization_id__in=scope.readable_unit_ids)


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


def distribution_list(*, actor, filters: DistributionFilters | None = None) -> QuerySet[Distribution]:
    filters = filters or DistributionFilters()
    return (
        _visible_distributions(actor)
        .filter(filters.as_q())
        .select_related("organization")
        .annotate(
            people=Count("recipients", filter=Q(recipients__included=True)),
            received=Count("recipients", filter=Q(recipients__included=True, recipients__received_on__isnull=False)),
            total=Sum("recipients__amount", filter=Q(recipients__included=True)),
        )
    )


def distribution_get(*, actor, pk: int) -> Distribution:
    return get_object_or_404(
        _visible_distributions(actor).select_related("organization", "policy", "created_by", "confirmed_by"), pk=pk
    )


def recipient_get(*, actor, distribution_pk: int, pk: int) -> Recipient:
    distribution = distribution_get(actor=actor, pk=distribution_pk)
    return get_object_or_404(distribution.recipients.select_related("member", "distribution__organization"), pk=pk)


def roster(distribution: Distribution) -> QuerySet[Recipient]:
    return distribution.recipients.select_related("member", "member__unit").order_by(
        "-included", "member__unit__sort_order", "member__name", "member_id"
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
    scope = scope_for(actor)
    qs = (
        Organization.objects.filter(kind__in=["unit", "city"])
        if scope.sees_all
        else Organization.objects.filter(pk__in=scope.manageable_unit_ids)
    )
    return qs.order_by("kind", "sort_order", "name")


def unit_choices_readable(*, actor) -> QuerySet[Organization]:
    scope = scope_for(actor)
    qs = Organization.objects.filter(kind__in=["unit", "city"])
    if not scope.sees_all:
        qs = qs.filter(pk__in=scope.readable_unit_ids)
    return qs.order_by("kind", "sort_order", "name")


def signoff_rows(distribution: Distribution) -> list[Recipient]:
    """The people of the sign-off sheet: on the roster, by unit and name."""
    return list(
        distribution.recipients.filter(included=True)
        .select_related("member", "member__unit")
        .order_by("member__unit__sort_order", "member__unit__name", "member__name", "member_id")
    )


# --- A member's own gifts ------------------------------------------------------------------------
def member_gifts(*, member_id: int, year: int) -> QuerySet[Recipient]:
    return (
        Recipient.objects.filter(
            member_id=member_id,
            included=True,
            distribution__status=DistributionStatus.CONFIRMED,
            distribution__date__year=year,
        )
        .select_related("distribution")
        .order_by("distribution__date", "pk")
    )


def member_allowance(*, member_id: int, year: int) -> list[dict]:
    """Each capped category (and festival share) of the year's policy: cap, received, left."""
    policy = WelfarePolicy.objects.filter(year=year, province=portal_province()).first()
    if policy is None:
        return []
    spent = {(b.category, b.festival): b.spent for b in MemberBudget.objects.filter(member_id=member_id, year=year)}
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
def spending_report(*, actor, year: int, unit_id: int | None = None) -> dict:
    """Per unit and category: spent in the year against the cap × the unit's current members."""
    scope = scope_for(actor)
    units = Organization.objects.units()
    if not scope.sees_all:
        units = units.filter(pk__in=scope.readable_unit_ids)
    if unit_id:
        units = units.filter(pk=unit_id)
    return spending_for_units(units=list(units.order_by("sort_order", "name")), year=year)


def spending_for_units(*, units: list[Organization], year: int) -> dict:
    """The spending report of these units (already scoped by the caller), in their order: four queries."""
    ids = [u.pk for u in units]
    # Counted per unit_id alone (the (unit, status) index), not grouped by every organisation column.
    current = dict(
        Member.objects.filter(status__in=CURRENT_STATUSES, unit_id__in=ids)
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
        MemberBudget.objects.filter(year=year, festival="", member__unit_id__in=ids)
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
    qs = Member.objects.visible_to(actor).filter(status__in=CURRENT_STATUSES)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(card_number=q))
    return qs.select_related("unit").order_by("unit__sort_order", "name", "pk")


def attach_totals(members, *, year: int) -> None:
    """Set ``m.totals`` ([(category label, yuan or None)]) and ``m.total`` on a page of members (one query)."""
    members = list(members)
    totals: dict[int, dict[str, Decimal]] = {m.pk: {} for m in members}
    rows = MemberBudget.objects.filter(member_id__in=list(totals), year=year, festival="").values_list(
        "member_id", "category", "spent"
    )
    for member_id, category, spent in rows:
        totals[member_id][category] = spent
    for m in members:
        m.totals = [(c.label, totals[m.pk].get(c.value)) for c in Category]
        m.total = sum((v for v in totals[m.pk].values()), start=Decimal("0"))


def upcoming_distributions(*, actor, today: date, limit: int = 5) -> list[Distribution]:
    return list(
        _visible_distributions(actor).filter(date__gte=today).select_related("organization").order_by("date")[:limit]
    )
