"""The members' part of the dashboard: members by unit, employment type, age band and gender.

Aggregates in the database: the chart figures come with the dashboard's headline figures in one query,
the units' counts in another (shared with the welfare panel), whatever the number of members.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .charts import Chart, Series, filtered_url
from .choices import EmploymentType, Gender
from .forms import AGE_BANDS, MemberFilterForm
from .models import Organization
from .scoping import scope_for
from .selectors import MemberFilters, current_members_by_unit, unit_figures


def _age_bands() -> list[tuple[str, str, Q]]:
    """(key, label, condition) of the member list's age bands: a click shows exactly those counted."""
    labels = dict(MemberFilterForm.base_fields["age"].choices)
    return [(key, str(labels[key]), band) for key, band in AGE_BANDS.items()]


def _list_url(**params) -> str:
    return filtered_url("members:list", **params)


def chart_aggregates(today: date) -> list[tuple[str, Q]]:
    """(key, condition) of every count the member charts show, over the current members."""
    out = [(f"type_{t.value}", Q(employment_type=t.value)) for t in EmploymentType]
    out += [(f"gender_{g.value}", Q(gender=g.value)) for g in Gender]
    out += [(f"age_{key}", MemberFilters(age_band=band, today=today).as_q()) for key, _, band in _age_bands()]
    return out


def member_charts(*, actor, today: date | None = None) -> list[Chart]:
    today = today or timezone.localdate()
    bands = _age_bands()
    figures = unit_figures(actor=actor, today=today)
    scope = scope_for(actor)
    charts = []
    if scope.reads_several_units:
        counts = current_members_by_unit(actor=actor)
        names = dict(Organization.objects.filter(pk__in=counts).values_list("pk", "name"))
        by_unit = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], "")))[:30]
        charts.append(
            Chart(
                "members-by-unit",
                _("Members by unit"),
                "hbar",
                [names.get(unit_id, "") for unit_id, _n in by_unit],
                [Series(_("Members"), [n for _unit_id, n in by_unit])],
                [_list_url(unit=unit_id) for unit_id, _n in by_unit],
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
            [label for _, label, _ in bands],
            [Series(_("Members"), [figures[f"age_{key}"] for key, _, _ in bands])],
            [_list_url(age=key) for key, _, _ in bands],
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
