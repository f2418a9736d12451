"""xlsx exports: the sign-off sheet (签收表) and the spending report (openpyxl, Chinese headers)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter

from members.excel import formula_safe as safe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _response(wb: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _sheet(wb: Workbook, title: str, heading: str, headers: list[str], rows, widths: list[int]):
    """A write-only sheet (fast for thousands of rows): a heading, bold headers, bordered cells."""
    ws = wb.create_sheet(title[:31])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    title_cell = WriteOnlyCell(ws, value=safe(heading))
    title_cell.font = Font(bold=True, size=14)
    ws.append([title_cell])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named styles are registered once; a per-cell Border would be hashed again for every cell.
    if "nt_cell" not in wb.named_styles:
        wb.add_named_style(NamedStyle(name="nt_cell", border=border))
        wb.add_named_style(NamedStyle(name="nt_header", border=border, font=Font(bold=True)))

    def cells(values, style="nt_cell"):
        out = []
        for value in values:
            cell = WriteOnlyCell(ws, value=safe(value))
            cell.style = style
            out.append(cell)
        return out

    ws.append(cells(headers, "nt_header"))
    for row in rows:
        ws.append(cells(row))
    return ws


def signoff_sheet(distribution, recipients) -> HttpResponse:
    wb = Workbook(write_only=True)
    heading = f"{distribution.organization.name} {distribution.date:%Y-%m-%d} {distribution.item} {_('sign-off sheet')}"
    headers = [_("No."), _("Unit"), _("Name"), _("Item"), _("Amount (yuan)"), _("Signature"), _("Date")]
    rows = (
        [i, r.member.unit.name, r.member.name, distribution.item, r.amount, "", ""]
        for i, r in enumerate(recipients, start=1)
    )
    _sheet(wb, _("Sign-off sheet"), heading, headers, rows, [6, 24, 14, 30, 14, 24, 14])
    return _response(wb, f"signoff-{distribution.pk}.xlsx")


def spending_sheet(report) -> HttpResponse:
    wb = Workbook(write_only=True)
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
