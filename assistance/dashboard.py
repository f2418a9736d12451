"""The assistance part of the dashboard: aid of the year's campaigns by campaign and by source, against budgets.

A campaign belongs to the year it opens in (冬送温暖 opening in December is that year's), so that a
campaign's whole budget stands against its whole aid. Budgets are the city union's, for all units: only
the city administrator sees aid against them; an officer or a zone lead sees the aid of the own scope.
Aggregates in the database: three queries whatever the number of grants.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from members.charts import Chart, Series, filtered_url
from members.scoping import scope_for

from .models import Campaign, CampaignBudget, Grant, Source

#: At most this many campaigns of a year on the chart (the newest).
MAX_CAMPAIGNS = 12
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _report_url(**params) -> str:
    return filtered_url("assistance:report", **params)


def aid_charts(*, actor, today: date | None = None) -> list[Chart]:
    year = (today or timezone.localdate()).year
    city = scope_for(actor).is_city_admin
    grants = Grant.objects.for_actor(actor).filter(campaign__opens_on__year=year)
    granted_per_campaign = (
        grants.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    budget = (
        CampaignBudget.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    campaigns = list(
        Campaign.objects.for_actor(actor)
        .filter(opens_on__year=year)
        .annotate(
            granted=Coalesce(
                Subquery(granted_per_campaign, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO
            ),
            budget=Coalesce(Subquery(budget, output_field=DecimalField(max_digits=14, decimal_places=2)), ZERO),
        )
        .order_by("-opens_on", "name")
        .values("pk", "name", "granted", "budget")[:MAX_CAMPAIGNS]
    )
    sources = list(Source)
    granted = grants.aggregate(**{s.value: Coalesce(Sum("amount", filter=Q(source=s.value)), ZERO) for s in sources})
    by_campaign = [Series(_("Granted"), [c["granted"] for c in campaigns])]
    by_source = [Series(_("Granted"), [granted[s.value] for s in sources])]
    if city:
        budgets = CampaignBudget.objects.filter(campaign__opens_on__year=year).aggregate(
            **{s.value: Coalesce(Sum("amount", filter=Q(source=s.value)), ZERO) for s in sources}
        )
        by_campaign.append(Series(_("Budget"), [c["budget"] for c in campaigns]))
        by_source.append(Series(_("Budget"), [budgets[s.value] for s in sources]))
    return [
        Chart(
            "aid-by-campaign",
            _("Aid by campaign, %(year)s") % {"year": year},
            "hbar",
            [c["name"] for c in campaigns],
            by_campaign,
            [_report_url(campaign=c["pk"]) for c in campaigns],
            _("yuan"),
        ),
        Chart(
            "aid-by-source",
            _("Aid by source, %(year)s campaigns") % {"year": year},
            "bar",
            [s.label for s in sources],
            by_source,
            [_report_url(campaign_year=year, source=s.value) for s in sources],
            _("yuan"),
        ),
    ]


def dashboard_panel(request, scope) -> dict | None:
    from .selectors import can_see_files

    if not scope.is_officer or not can_see_files(request.user):
        return None
    return {"title": _("Aid"), "charts": aid_charts(actor=request.user), "wide": True}
