"""The sheets of the yearly report workbook: one writer that every app's sheet builder uses.

The builders (registered with ``members.registry.register_report_sheet``) describe their columns
and hand over rows; the writer gives every sheet the same look: a heading, Chinese headers frozen
at the top and repeated on every printed page, number formats by kind (counts, money to the fen,
dates, percentages), column widths, a bold totals row, and ``formula_safe`` on every text cell.
Totals are written as values (not formulas), so that every reader, openpyxl included, sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from .excel import formula_safe
from .models import Organization, OrganizationKind

FORMATS = {
    "text": "General",
    "count": "#,##0",
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "percent": "0.0%",
}


@dataclass(frozen=True)
class Col:
    header: Any  # a (lazy) translation, shown in Chinese
    width: int = 12
    kind: str = "text"  # text | count | money | date | percent
    total: bool = False  # summed into the totals row


def _install_styles(wb) -> None:
    if "rpt_text" in wb.named_styles:
        return
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for kind, fmt in FORMATS.items():
        wb.add_named_style(NamedStyle(name=f"rpt_{kind}", border=border, number_format=fmt))
        wb.add_named_style(
            NamedStyle(
                name=f"rpt_total_{kind}",
                border=Border(left=thin, right=thin, top=Side(style="medium"), bottom=Side(style="medium")),
                number_format=fmt,
                font=Font(bold=True),
                fill=PatternFill("solid", fgColor="FFF2CC"),
            )
        )
    wb.add_named_style(
        NamedStyle(
            name="rpt_header",
            border=border,
            font=Font(bold=True),
            fill=PatternFill("solid", fgColor="F2DCDB"),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        )
    )
    wb.add_named_style(NamedStyle(name="rpt_heading", font=Font(bold=True, size=14)))
    wb.add_named_style(NamedStyle(name="rpt_note", font=Font(italic=True, color="555555")))


class SheetWriter:
    """Writes one sheet: ``columns(...)`` once, ``row(...)`` per line, ``totals(...)`` at the end."""

    HEADER_ROW = 2

    def __init__(self, ws, *, heading: str):
        self.ws = ws
        self.heading = heading
        self.cols: list[Col] = []
        self.sums: list[Any] = []
        self.rows = 0  # lines written under the header (data, totals, notes)
        self.data_rows = 0  # data lines only (what an access record counts)
        self.notes = 0
        _install_styles(ws.parent)

    def columns(self, cols: list[Col]) -> None:
        ws = self.ws
        self.cols = list(cols)
        self.sums = [0 for _ in cols]
        head = ws.cell(row=1, column=1, value=formula_safe(self.heading))
        head.style = "rpt_heading"
        for i, col in enumerate(cols, start=1):
            cell = ws.cell(row=self.HEADER_ROW, column=i, value=formula_safe(str(col.header)))
            cell.style = "rpt_header"
            ws.column_dimensions[get_column_letter(i)].width = col.width
        ws.row_dimensions[self.HEADER_ROW].height = 30
        ws.freeze_panes = ws.cell(row=self.HEADER_ROW + 1, column=1).coordinate
        ws.print_title_rows = f"1:{self.HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToHeight = 0

    def _write(self, values: list, prefix: str) -> None:
        r = self.HEADER_ROW + 1 + self.rows
        for i, (col, value) in enumerate(zip(self.cols, values, strict=True), start=1):
            if isinstance(value, str):
                value = formula_safe(value)
            cell = self.ws.cell(row=r, column=i, value=value)
            cell.style = f"{prefix}{col.kind}"
        self.rows += 1

    def row(self, values: list) -> None:
        """One line; the values in column order (None for an empty cell)."""
        for i, (col, value) in enumerate(zip(self.cols, values, strict=True)):
            if col.total and value is not None:
                self.sums[i] += value
        self._write(list(values), "rpt_")
        self.data_rows += 1

    def totals(self, label: str, extra: dict[int, Any] | None = None) -> list:
        """The totals row: the label in the first column, the sums of the ``total`` columns, and any
        ``extra`` values by column index (e.g. a rate computed from the sums). Returns the row."""
        values: list[Any] = [None] * len(self.cols)
        for i, col in enumerate(self.cols):
            if col.total:
                s = self.sums[i]
                values[i] = s.quantize(Decimal("0.01")) if isinstance(s, Decimal) else s
        values[0] = label
        for i, value in (extra or {}).items():
            values[i] = value
        self._write(values, "rpt_total_")
        return values

    def note(self, text: str) -> None:
        """A line of explanation under the table (after one empty row)."""
        if not self.notes:
            self.rows += 1
        cell = self.ws.cell(row=self.HEADER_ROW + 1 + self.rows, column=1, value=formula_safe(text))
        cell.style = "rpt_note"
        self.rows += 1
        self.notes += 1

    def sum_of(self, index: int):
        return self.sums[index]


def rate(part, whole) -> float | None:
    """part / whole as a fraction for a percent cell; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def report_units(*, actor, organization: Organization | None) -> QuerySet[Organization]:
    """The units a report covers: all the actor reads (the city), a zone's units, or one unit."""
    units = Organization.objects.visible_to(actor).units()
    if organization is None or organization.kind == OrganizationKind.CITY:
        return units
    if organization.kind == OrganizationKind.ZONE:
        return units.filter(parent_id=organization.pk)
    return units.filter(pk=organization.pk)
