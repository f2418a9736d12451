"""The welfare part of the dashboard: the year's spending against the caps, by category and per unit.

The figures are those of the spending report (welfare.selectors.spending_report): what confirmed batches
gave (the members' yearly budget rows), against the cap per member × the unit's current members, for the
categories the year's policy caps. A unit officer sees the own unit by category; a zone lead and the city
administrator also compare units (the 30 that spent most). A click opens the report of that unit.
Aggregates in the database: four queries whatever the number of members and gifts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.charts import Chart, Series
from members.choices import CURRENT_STATUSES
from members.models import Member, Organization
from members.scoping import scope_for

from .defaults import portal_province
from .models import Category, CategoryCap, MemberBudget

#: Units compared on the chart (those that spent most), like the members-by-unit chart.
TOP_UNITS = 30
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)


def _report_url(**params) -> str:
    return f"{reverse('welfare:report')}?{urlencode(params)}"


def welfare_charts(*, actor, today: date | None = None) -> list[Chart]:
    year = (today or timezone.localdate()).year
    scope = scope_for(actor)
    caps = dict(
        CategoryCap.objects.filter(policy__year=year, policy__province=portal_province(), cap__isnull=False)
        .values_list("category", "cap")
        .order_by()
    )
    # The capped categories, as the report shows them; without a policy, what was spent at all.
    categories = [c for c in Category if c.value in caps] if caps else list(Category)
    units = Organization.objects.units()
    if not scope.sees_all:
        units = units.filter(pk__in=scope.readable_unit_ids)
    spent_rows = MemberBudget.objects.filter(year=year, festival="", category__in=[c.value for c in categories])
    spent = spent_rows.filter(member__unit__in=units).aggregate(
        **{c.value: Coalesce(Sum("spent", filter=Q(category=c.value)), ZERO) for c in categories}
    )
    current = Member.objects.filter(status__in=CURRENT_STATUSES, unit__in=units).count()
    one_unit = next(iter(scope.readable_unit_ids)) if len(scope.readable_unit_ids) == 1 else None
    url = _report_url(year=year, unit=one_unit) if one_unit and not scope.sees_all else _report_url(year=year)
    by_category = [Series(_("Spent"), [spent[c.value] for c in categories])]
    if caps:
        by_category.append(Series(_("Cap"), [caps[c.value] * current for c in categories]))
    charts = [
        Chart(
            "welfare-by-category",
            _("Welfare spending by category, %(year)s") % {"year": year},
            "bar",
            [c.label for c in categories],
            by_category,
            [url] * len(categories),
            _("yuan"),
        )
    ]
    if scope.sees_all or len(scope.readable_unit_ids) > 1:
        charts.insert(0, _by_unit_chart(units, spent_rows, caps, year))
    return charts


def _by_unit_chart(units, spent_rows, caps: dict, year: int) -> Chart:
    """Per unit: spent against the cap total (Σ caps per member × current members); the top spenders."""
    per_member_cap = sum(caps.values(), start=Decimal("0"))
    spent = (
        spent_rows.filter(member__unit_id=OuterRef("pk"))
        .order_by()
        .values("member__unit_id")
        .annotate(total=Sum("spent"))
        .values("total")
    )
    current = (
        Member.objects.filter(unit_id=OuterRef("pk"), status__in=CURRENT_STATUSES)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = list(
        units.annotate(
            spent=Coalesce(Subquery(spent, output_field=MONEY), ZERO),
            current=Coalesce(Subquery(current, output_field=IntegerField()), 0),
        )
        .order_by("-spent", "-current", "sort_order", "name")
        .values("pk", "name", "spent", "current")[:TOP_UNITS]
    )
    series = [Series(_("Spent"), [r["spent"] for r in rows])]
    if caps:
        series.append(Series(_("Cap"), [per_member_cap * r["current"] for r in rows]))
    return Chart(
        "welfare-by-unit",
        _("Welfare spending per unit, %(year)s") % {"year": year},
        "hbar",
        [r["name"] for r in rows],
        series,
        [_report_url(year=year, unit=r["pk"]) for r in rows],
        _("yuan"),
    )


def dashboard_panel(request, scope) -> dict | None:
    if not scope.is_officer:
        return None
    return {"title": _("Welfare spending"), "charts": welfare_charts(actor=request.user), "wide": True}
