"""The welfare part of the dashboard: the year's spending against the caps, by category and per unit.

The figures are those of the spending report (welfare.selectors.spending_report): what confirmed batches
gave (the members' yearly budget rows), against the cap per member × the unit's current members, for the
categories the year's policy caps. A unit officer sees the own unit by category; a zone lead and the city
administrator also compare units (the 30 that spent most). A click opens the report of that unit.
Aggregates in the database, grouped by unit: four queries whatever the number of members and gifts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.charts import Chart, Series, filtered_url
from members.models import Organization
from members.scoping import scope_for
from members.selectors import current_members_by_unit

from .defaults import portal_province
from .models import Category, CategoryCap, MemberBudget

#: Units compared on the chart (those that spent most), like the members-by-unit chart.
TOP_UNITS = 30


def _report_url(**params) -> str:
    return filtered_url("welfare:report", **params)


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
    spent_rows = MemberBudget.objects.for_actor(actor).filter(
        year=year, festival="", category__in=[c.value for c in categories]
    )
    # One pass over the year's budget rows and one over the members, grouped in the database: at most
    # (units × categories) and (units) rows come back, whatever the number of members and gifts.
    spent = {
        (unit_id, category): total
        for unit_id, category, total in spent_rows.values_list("member__unit_id", "category")
        .annotate(total=Sum("spent"))
        .order_by()
    }
    current = current_members_by_unit(actor=actor)
    # How many units the actor reads decides the chart's shape, not what it shows (the rows above and
    # the units below come through for_actor): read from the scope, so an officer's dashboard spends
    # no query on a list of one unit.
    compare = scope.reads_several_units
    units = []  # (pk, name) of the units compared
    if compare:
        qs = Organization.objects.for_actor(actor).units()
        units = list(qs.order_by("sort_order", "name").values_list("pk", "name"))
    unit_ids = [pk for pk, _name in units] if compare else list(scope.read_units() or ())
    by_category = [
        Series(_("Spent"), [sum((spent.get((u, c.value), 0) for u in unit_ids), Decimal("0")) for c in categories])
    ]
    if caps:
        scope_members = sum(current.get(u, 0) for u in unit_ids)
        by_category.append(Series(_("Cap"), [caps[c.value] * scope_members for c in categories]))
    one_unit = unit_ids[0] if len(unit_ids) == 1 and not compare else None
    url = _report_url(year=year, unit=one_unit) if one_unit else _report_url(year=year)
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
    if compare:
        per_unit = {pk: sum((spent.get((pk, c.value), 0) for c in categories), Decimal("0")) for pk in unit_ids}
        top = sorted(units, key=lambda u: (-per_unit[u[0]], -current.get(u[0], 0)))[:TOP_UNITS]
        per_member_cap = sum(caps.values(), start=Decimal("0"))
        series = [Series(_("Spent"), [per_unit[pk] for pk, _name in top])]
        if caps:
            series.append(Series(_("Cap"), [per_member_cap * current.get(pk, 0) for pk, _name in top]))
        charts.insert(
            0,
            Chart(
                "welfare-by-unit",
                _("Welfare spending per unit, %(year)s") % {"year": year},
                "hbar",
                [name for _pk, name in top],
                series,
                [_report_url(year=year, unit=pk) for pk, _name in top],
                _("yuan"),
            ),
        )
    return charts


def dashboard_panel(request, scope) -> dict | None:
    if not scope.is_officer:
        return None
    return {"title": _("Welfare spending"), "charts": welfare_charts(actor=request.user), "wide": True}
