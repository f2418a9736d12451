"""xlsx exports: the sign-off sheet (签收表) and the spending report (openpyxl, Chinese headers)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A cell value that a spreadsheet will never run as a formula (CSV/formula injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _response(wb: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _sheet(wb: Workbook, title: str, heading: str, headers: list[str], rows, widths: list[int]):
    ws = wb.active
    ws.title = title[:31]
    ws.append([safe(heading)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(headers)
    thin = Side(style="thin")
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([safe(v) for v in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(vertical="center")
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    return ws


def signoff_sheet(distribution, recipients) -> HttpResponse:
    wb = Workbook()
    heading = f"{distribution.organization.name} {distribution.date:%Y-%m-%d} {distribution.item} {_('sign-off sheet')}"
    headers = [_("No."), _("Unit"), _("Name"), _("Item"), _("Amount (yuan)"), _("Signature"), _("Date")]
    rows = (
        [i, r.member.unit.name, r.member.name, distribution.item, r.amount, "", ""]
        for i, r in enumerate(recipients, start=1)
    )
    ws = _sheet(wb, _("Sign-off sheet"), heading, headers, rows, [6, 24, 14, 30, 14, 20, 14])
    for row in ws.iter_rows(min_row=3):
        ws.row_dimensions[row[0].row].height = 28
    return _response(wb, f"signoff-{distribution.pk}.xlsx")


def spending_sheet(report) -> HttpResponse:
    wb = Workbook()
    headers = [_("Unit"), _("Current members")]
    for c in report["categories"]:
        headers += [f"{c.label} {_('spent')}", f"{c.label} {_('cap × members')}"]
    rows = []
    for row in report["rows"]:
        line = [row["unit"].name, row["members"]]
        for cell in row["cells"]:
            line += [cell["spent"], cell["allowed"]]
        rows.append(line)
    heading = _("Welfare spending %(year)s") % {"year": report["year"]}
    _sheet(wb, heading, heading, headers, rows, [24, 10] + [14] * (len(headers) - 2))
    return _response(wb, f"welfare-spending-{report['year']}.xlsx")
