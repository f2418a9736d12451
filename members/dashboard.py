"""The members' part of the dashboard: members by unit, employment type, age band and gender.

Aggregates in the database: two queries whatever the number of members.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .charts import Chart, Series
from .choices import EmploymentType, Gender
from .models import Member
from .scoping import scope_for

#: (label, lowest age, highest age) — the member list's age-band filter uses the same bands.
AGE_BANDS = [("≤30", 0, 30), ("31–40", 31, 40), ("41–50", 41, 50), ("51–60", 51, 60), ("60+", 61, 200)]


def _born_between(today: date, youngest: int, oldest: int) -> Q:
    """Members aged youngest..oldest (inclusive) on ``today``."""
    latest = today.replace(year=today.year - youngest)
    earliest = today.replace(year=today.year - oldest - 1)
    return Q(birth_date__lte=latest, birth_date__gt=earliest)


def _list_url(**params) -> str:
    return f"{reverse('members:list')}?{urlencode(params)}"


def member_charts(*, actor, today: date | None = None) -> list[Chart]:
    today = today or timezone.localdate()
    if today.month == 2 and today.day == 29:
        today = today.replace(day=28)
    members = Member.objects.visible_to(actor).current()
    scope = scope_for(actor)
    aggregates = {f"type_{t.value}": Count("pk", filter=Q(employment_type=t.value)) for t in EmploymentType}
    aggregates |= {f"gender_{g.value}": Count("pk", filter=Q(gender=g.value)) for g in Gender}
    aggregates |= {
        f"age_{i}": Count("pk", filter=_born_between(today, low, high)) for i, (_, low, high) in enumerate(AGE_BANDS)
    }
    figures = members.aggregate(**aggregates)
    charts = []
    if scope.sees_all or len(scope.readable_unit_ids) > 1:
        by_unit = list(
            members.values("unit_id", "unit__name").annotate(n=Count("pk")).order_by("-n", "unit__name")[:30]
        )
        charts.append(
            Chart(
                "members-by-unit",
                _("Members by unit"),
                "hbar",
                [row["unit__name"] for row in by_unit],
                [Series(_("Members"), [row["n"] for row in by_unit])],
                [_list_url(unit=row["unit_id"]) for row in by_unit],
                _("people"),
            )
        )
    charts += [
        Chart(
            "members-by-employment",
            _("Members by employment type"),
            "pie",
            [t.label for t in EmploymentType],
            [Series(_("Members"), [figures[f"type_{t.value}"] for t in EmploymentType])],
            [_list_url(employment_type=t.value) for t in EmploymentType],
            _("people"),
        ),
        Chart(
            "members-by-age",
            _("Members by age band"),
            "bar",
            [label for label, _, _ in AGE_BANDS],
            [Series(_("Members"), [figures[f"age_{i}"] for i in range(len(AGE_BANDS))])],
            [_list_url(age_band=label) for label, _, _ in AGE_BANDS],
            _("people"),
        ),
        Chart(
            "members-by-gender",
            _("Members by gender"),
            "pie",
            [g.label for g in Gender],
            [Series(_("Members"), [figures[f"gender_{g.value}"] for g in Gender])],
            [_list_url(gender=g.value) for g in Gender],
            _("people"),
        ),
    ]
    return charts


def dashboard_panel(request, scope) -> dict | None:
    if not scope.is_officer:
        return None
    return {"title": _("Members"), "charts": member_charts(actor=request.user), "wide": True}
