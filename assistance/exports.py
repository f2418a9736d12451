"""The disbursement roster (发放花名册) as xlsx and as the print view, through the portal's one writer
(members.sheets.SignSheet): Chinese headers whatever the interface language, the unit and campaign in the
title, a signature column, the totals row, the signature lines of 经办人 / 审核人 / 单位工会负责人, and on a
second sheet the totals per source against the budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from members.sheets import Col, SignSheet, chinese, new_workbook, write_sheet, xlsx_response

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
    return [
        [
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
        for n, g in enumerate(grants, start=1)
    ]


def _totals_rows(totals: dict):
    for r in totals["by_campaign_source"]:
        remaining = r["budget"] - r["total"] if r["budget"] is not None else None
        yield [r["campaign__name"], str(r["source_label"]), r["n"], r["total"], r["budget"], remaining]


def _one(names: set[str]) -> str:
    return next(iter(names)) if len(names) == 1 else ""


def roster_table(grants, *, today: date, unit=None, campaign=None) -> SignSheet:
    """The roster of ``grants`` (already read and recorded by ``selectors.grant_export``) as a sign-off
    sheet: the title names the unit and the campaign (those filtered, or the one all the lines share)."""
    unit_name = unit.name if unit else _one({g.case.unit.name for g in grants}) or str(_("All units"))
    campaign_name = campaign.name if campaign else _one({g.campaign.name for g in grants})
    parts = [unit_name, campaign_name, str(_("Disbursement roster")), f"{today:%Y-%m-%d}"]
    title = " ".join(p for p in parts if p)
    rows = _roster_rows(grants)
    total = sum((g.amount for g in grants), Decimal("0"))
    people = _("%(count)s grants") % {"count": len(rows)}
    totals = [_("Total"), people, None, None, None, None, None, total, None, None, None]
    return SignSheet(title, ROSTER_COLUMNS, rows, totals=totals)


def disbursement_roster(grants, totals: dict, *, today: date, unit=None, campaign=None) -> FileResponse:
    """The roster sheet (a sign-off sheet) and the totals per campaign and source against the budget."""
    wb = new_workbook()
    with translation.override("zh-hans"):
        roster_table(grants, today=today, unit=unit, campaign=campaign).write(wb, _("Roster"))
    grand = totals["grand"]
    write_sheet(
        wb,
        _("Totals"),
        TOTALS_COLUMNS,
        _totals_rows(totals),
        totals=[chinese(_("Total")), "", grand["n"], grand["total"]],
    )
    return xlsx_response(wb, f"grants-{today:%Y%m%d}.xlsx")
