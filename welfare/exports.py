"""xlsx exports: the sign-off sheet (签收表) and the spending report, through members.sheets (Chinese
headers whatever the interface language, formula-safe cells, frozen header, print titles)."""

from __future__ import annotations

from decimal import Decimal

from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from members.sheets import Col, SignSheet, chinese, new_workbook, write_sheet, xlsx_response

SIGNOFF_COLUMNS = [
    Col(_("No."), 6),
    Col(_("Unit"), 24),
    Col(_("Name"), 14),
    Col(_("Item"), 30),
    Col(_("Amount (yuan)"), 14, "money"),
    Col(_("Signature"), 24),
    Col(_("Date"), 14),
]


def signoff_table(distribution, recipients) -> SignSheet:
    """One line per person on the roster, with an empty signature and date to fill in by hand, the
    totals (people and amount) and the signature lines: the xlsx and the print view are made from it."""
    title = (
        f"{distribution.organization.name} {distribution.date:%Y-%m-%d} {distribution.item} "
        f"{chinese(_('sign-off sheet'))}"
    )
    rows = [
        [i, r.member.unit.name, r.member.name, distribution.item, r.amount, None, None]
        for i, r in enumerate(recipients, start=1)
    ]
    total = sum((r.amount for r in recipients), Decimal("0"))
    people = _("%(count)s people") % {"count": len(rows)}
    return SignSheet(title, SIGNOFF_COLUMNS, rows, totals=[_("Total"), None, people, None, total, None, None])


def signoff_sheet(distribution, recipients) -> FileResponse:
    """The sign-off sheet as xlsx."""
    with translation.override("zh-hans"):
        table = signoff_table(distribution, recipients)
    return table.response(_("Sign-off sheet"), f"signoff-{distribution.pk}.xlsx")


def spending_sheet(report) -> FileResponse:
    """Per unit: current members, and per capped category what was spent against cap × members."""
    wb = new_workbook()
    columns = [Col(_("Unit"), 24), Col(_("Current members"), 10, "count")]
    for c in report["categories"]:
        label = chinese(c.label)
        columns += [
            Col(chinese(_("%(category)s spent")) % {"category": label}, 14, "money"),
            Col(chinese(_("%(category)s cap × members")) % {"category": label}, 14, "money"),
        ]
    rows = []
    for row in report["rows"]:
        line = [row["unit"].name, row["members"]]
        for cell in row["cells"]:
            line += [cell["spent"], cell["allowed"]]
        rows.append(line)
    with_year = chinese(_("Welfare spending %(year)s")) % {"year": report["year"]}
    write_sheet(wb, with_year, columns, rows, heading=with_year)
    return xlsx_response(wb, f"welfare-spending-{report['year']}.xlsx")
