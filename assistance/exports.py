"""The disbursement roster (发放花名册) as xlsx, through the portal's one writer (members.sheets): Chinese
headers whatever the interface language, a signature column, and totals per source against the budget."""

from __future__ import annotations

from datetime import date

from django.http import FileResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from members.sheets import Col, chinese, new_workbook, write_sheet, xlsx_response

ROSTER_COLUMNS = (
    Col(_("No."), 6, "count"),
    Col(_("Name"), 12),
    Col(_("Unit"), 22),
    Col(_("File number"), 14),
    Col(_("Campaign"), 22),
    Col(_("Purpose"), 14),
    Col(_("Source"), 12),
    Col(_("Amount (yuan)"), 14, "money"),
    Col(_("Bank account"), 24),
    Col(_("Grant date"), 12, "date"),
    Col(_("Recipient's signature"), 20),
)
TOTALS_COLUMNS = (
    Col(_("Campaign"), 20),
    Col(_("Source"), 20),
    Col(_("Grants"), 20, "count"),
    Col(_("Total (yuan)"), 20, "money"),
    Col(_("Budget (yuan)"), 20, "money"),
    Col(_("Remaining"), 20, "money"),
)


def _roster_rows(grants):
    for n, g in enumerate(grants, start=1):
        yield [
            n,
            g.case.member.name,
            g.case.unit.name,
            g.case.number,
            g.campaign.name,
            g.get_purpose_display(),
            g.get_source_display(),
            g.amount,
            g.case.bank_account_masked,
            g.granted_on,
            "",
        ]


def _totals_rows(totals: dict):
    for r in totals["by_campaign_source"]:
        remaining = r["budget"] - r["total"] if r["budget"] is not None else None
        yield [r["campaign__name"], str(r["source_label"]), r["n"], r["total"], r["budget"], remaining]


def disbursement_roster(grants, totals: dict, *, today: date) -> FileResponse:
    """The roster of ``grants`` (already read and recorded by ``selectors.grant_export``) and its totals."""
    wb = new_workbook()
    heading = format_lazy("{} {:%Y-%m-%d}", _("Disbursement roster"), today)
    write_sheet(wb, _("Roster"), ROSTER_COLUMNS, _roster_rows(grants), heading=heading)
    grand = totals["grand"]
    write_sheet(
        wb,
        _("Totals"),
        TOTALS_COLUMNS,
        _totals_rows(totals),
        totals=[chinese(_("Total")), "", grand["n"], grand["total"]],
    )
    return xlsx_response(wb, f"grants-{today:%Y%m%d}.xlsx")
