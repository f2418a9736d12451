"""The one xlsx writer: every export, sheet and workbook of the portal is written through here.

What every sheet gets, whatever the interface language: Chinese headers and titles (the files are
the contract with the officers and the finance office), formula-safe text cells, column widths,
number formats by column kind, a frozen header row, the header repeated on every printed page, and
a bold totals row where one is given. Two writers share the columns (``Col``):

- ``Sheet`` / ``write_sheet``: streaming (openpyxl's write-only mode) for lists and exports, so
  memory stays flat for a whole city;
- ``SheetWriter``: a formatted report sheet (the yearly workbook), with named styles and notes.

Responses are ``FileResponse(as_attachment=True, filename=...)`` (``xlsx_response``, ``file_response``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import translation
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Text a spreadsheet would run as a formula: written as a string cell with the "quote prefix".
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY = "#,##0.00"
INTEGER = "#,##0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"
FORMATS = {"text": "General", "count": INTEGER, "money": MONEY, "date": DATE, "datetime": DATETIME, "percent": PERCENT}


def chinese(label) -> str:
    """A header or title in Chinese, whatever language the person browses in."""
    with translation.override("zh-hans"):
        return str(label)


@dataclass(frozen=True)
class Col:
    """A column: its header (a lazy translation or plain text, always written in Chinese), width, and
    kind (text | count | money | date | percent) or an explicit number format; ``total`` sums it
    into the totals row of a SheetWriter."""

    header: Any
    width: int = 12
    kind: str = "text"
    total: bool = False
    number_format: str | None = None

    @property
    def fmt(self) -> str | None:
        return self.number_format or (FORMATS[self.kind] if self.kind != "text" else None)


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
    """A sheet of a formatted report (the yearly workbook): random access, named styles, a heading,
    the header frozen and repeated on every printed page, landscape fitted to the page width, a bold
    totals row (values, not formulas, so that every reader sees them) and notes.
    ``columns(...)`` once, ``row(...)`` per line, ``totals(...)`` at the end."""

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
        head = ws.cell(row=1, column=1, value=_safe(chinese(self.heading)))
        head.style = "rpt_heading"
        for i, col in enumerate(cols, start=1):
            cell = ws.cell(row=self.HEADER_ROW, column=i, value=_safe(chinese(col.header)))
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
                value = _safe(value)
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
        cell = self.ws.cell(row=self.HEADER_ROW + 1 + self.rows, column=1, value=_safe(text))
        cell.style = "rpt_note"
        self.rows += 1
        self.notes += 1

    def sum_of(self, index: int):
        return self.sums[index]


def _safe(value):
    """A text a spreadsheet would run as a formula gets a leading apostrophe (random-access sheets;
    the streaming Sheet uses the quote-prefix style instead)."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


class Sheet:
    """One write-only sheet with a header row (and an optional heading line above it)."""

    _BOLD = Font(bold=True)
    _HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")

    def __init__(self, wb: Workbook, title, columns: Sequence[Col], *, heading=None):
        self.ws = wb.create_sheet(chinese(title)[:31])
        self.columns = list(columns)
        self.rows_written = 0
        header_row = 2 if heading else 1
        self.ws.freeze_panes = f"A{header_row + 1}"
        self.ws.print_title_rows = f"{header_row}:{header_row}"
        for i, col in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width
        if heading:
            cell = WriteOnlyCell(self.ws, value=self._text(chinese(heading)))
            cell.font = Font(bold=True, size=14)
            self.ws.append([cell])
        header = []
        for col in self.columns:
            cell = WriteOnlyCell(self.ws, value=chinese(col.header))
            cell.font, cell.fill = self._BOLD, self._HEADER_FILL
            header.append(cell)
        self.ws.append(header)

    def _text(self, value):
        if value.__class__ is str and value and value.startswith(DANGEROUS_PREFIXES):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value

    def _cells(self, values: Iterable, *, bold: bool = False) -> list:
        out = []
        for col, value in zip(self.columns, values, strict=False):
            if isinstance(value, Promise):  # a lazy label in a cell (a totals row's "合计"): Chinese too
                value = chinese(value)
            plain = value.__class__ is str and not bold
            if plain or (value is None and not bold) or (not col.fmt and not bold):
                out.append(self._text(value) if value.__class__ is str else value)
                continue
            cell = self._text(value) if isinstance(value, str) else None
            if not isinstance(cell, Cell):  # WriteOnlyCell is a factory of Cells
                cell = WriteOnlyCell(self.ws, value=value)
            if col.fmt and not isinstance(value, str):
                cell.number_format = col.fmt
            if bold:
                cell.font = self._BOLD
            out.append(cell)
        return out

    def row(self, values: Iterable) -> None:
        self.ws.append(self._cells(values))
        self.rows_written += 1

    def rows(self, rows: Iterable[Iterable]) -> int:
        for values in rows:
            self.row(values)
        return self.rows_written

    def totals(self, values: Iterable) -> None:
        """The bold totals row (not counted as a data row)."""
        self.ws.append(self._cells(values, bold=True))

    def lines(self, texts: Iterable[str]) -> None:
        """Lines of text under the table: signature lines, notes (not data rows)."""
        self.ws.append([])
        for text in texts:
            self.ws.append([self._text(chinese(text))])


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def write_sheet(
    wb: Workbook,
    title,
    columns: Sequence[Col],
    rows: Iterable[Iterable],
    *,
    heading=None,
    totals: Iterable | None = None,
) -> int:
    """A whole sheet in one call; returns the number of data rows."""
    sheet = Sheet(wb, title, columns, heading=heading)
    sheet.rows(rows)
    if totals is not None:
        sheet.totals(totals)
    return sheet.rows_written


def xlsx_response(wb: Workbook, filename: str) -> FileResponse:
    """The workbook as a download, spooled through a temporary file (memory stays flat)."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it
    wb.save(tmp)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def file_response(handle, filename: str) -> FileResponse:
    """An xlsx already written to an open binary file (positioned at its start)."""
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
