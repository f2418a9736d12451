"""The assistance sheet of the yearly report: grants of the year by campaign and source, and the files.

Three aggregate queries (grants, budgets, files) plus the units of the report's scope.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from members.models import OrganizationKind
from members.workbook import Col, SheetWriter, report_units

from .models import CampaignBudget, CampaignKind, Grant, HardshipCase, Source, Status


def assistance_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    """Per campaign and source: files aided, grants and the amount granted in the year, against the
    budget (the budget is the city's: shown only when the report covers the whole city)."""
    unit_ids = report_units(actor=actor, organization=organization).values("pk")
    whole_city = organization is None or organization.kind == OrganizationKind.CITY
    rows = list(
        Grant.objects.for_actor(actor)
        .filter(granted_on__year=year, case__unit_id__in=unit_ids)
        .values("campaign_id", "campaign__name", "campaign__kind", "source")
        .annotate(files=Count("case_id", distinct=True), n=Count("pk"), total=Sum("amount"))
        .order_by("campaign__opens_on", "campaign__name", "source")
    )
    budgets = (
        {
            (b.campaign_id, b.source): b.amount
            for b in CampaignBudget.objects.filter(campaign_id__in={r["campaign_id"] for r in rows})
        }
        if whole_city and rows
        else {}
    )
    kinds, sources = dict(CampaignKind.choices), dict(Source.choices)
    writer.columns(
        [
            Col(_("Campaign"), 26),
            Col(_("Kind"), 14),
            Col(_("Source"), 12),
            Col(_("Files aided"), 10, "count"),
            Col(_("Grants"), 10, "count", True),
            Col(_("Amount (yuan)"), 14, "money", True),
            Col(_("Budget (yuan)"), 14, "money", True),
            Col(_("Remaining"), 14, "money", True),
        ]
    )
    for r in rows:
        budget = budgets.get((r["campaign_id"], r["source"]))
        writer.row(
            [
                r["campaign__name"],
                str(kinds.get(r["campaign__kind"], r["campaign__kind"])),
                str(sources.get(r["source"], r["source"])),
                r["files"],
                r["n"],
                r["total"],
                budget,
                budget - r["total"] if budget is not None else None,
            ]
        )
    files = (
        HardshipCase.objects.for_actor(actor)
        .filter(unit_id__in=unit_ids)
        .aggregate(
            aided=Count("pk", filter=Q(grants__granted_on__year=year), distinct=True),
            on_file=Count("pk", filter=Q(status=Status.FILED), distinct=True),
            filed=Count("pk", filter=Q(filed_on__year=year), distinct=True),
            closed=Count("pk", filter=Q(closed_on__year=year), distinct=True),
        )
    )
    writer.totals(_("Total"), {3: files["aided"], 5: writer.sum_of(5) or Decimal("0.00")})
    writer.note(
        _(
            "Hardship files: %(on_file)s on file now, %(filed)s filed and %(closed)s closed in %(year)s; "
            "%(aided)s files received grants in the year."
        )
        % {**files, "year": year}
    )
    if not whole_city:
        writer.note(_("Budgets are the whole city's: they are shown only in the report for the whole city."))
