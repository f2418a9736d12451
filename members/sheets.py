"""The one xlsx writer: every export, sheet and workbook of the portal is written through here.

What every sheet gets, whatever the interface language: Chinese headers and titles (the files are
the contract with the officers and the finance office), formula-safe text cells, column widths,
number formats by column kind, a frozen header row, the header repeated on every printed page, and
a bold totals row where one is given. Two writers share the columns (``Col``):

- ``Sheet`` / ``write_sheet``: streaming (openpyxl's write-only mode) for lists and exports, so
  memory stays flat for a whole city;
- ``SheetWriter``: a formatted report sheet (the yearly workbook), with named styles and notes;
- ``write_form_workbook``: a template people fill in (the member import's): text-formatted columns,
  drop-down lists (data validation) on choice columns, an example row and a sheet explaining each column.

Responses are ``FileResponse(as_attachment=True, filename=...)`` (``xlsx_response``, ``file_response``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

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


@dataclass(frozen=True)
class FormCol:
    """A column of a template people fill in: ``text`` keeps what is typed as text (Excel would turn
    an ID number into a rounded number), ``choices`` gives a drop-down list, ``help`` explains it."""

    header: Any
    width: int = 13
    required: bool = False
    text: bool = False
    choices: Sequence[str] | None = None
    help: Any = ""


#: Rows of a template that carry the column formats and drop-downs.
FORM_ROWS = 5000


def write_form_workbook(out, *, title, columns: Sequence[FormCol], example: Sequence, help_title, help_intro) -> None:
    """A template: the header in row 1 (frozen, required headers in red), one example row, the text
    format and drop-downs on the first FORM_ROWS rows, a sheet explaining every column, and the lists
    of the drop-downs on a hidden sheet (a list longer than 255 characters cannot stand in the rule)."""
    wb = Workbook()
    ws = wb.active
    ws.title = chinese(title)[:31]
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    list_col = 0
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=_safe(chinese(col.header)))
        cell.font = Font(bold=True, color="B22222" if col.required else "000000")
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
        ws.column_dimensions[letter].width = col.width
        value = example[i - 1] if i - 1 < len(example) else None
        sample = ws.cell(row=2, column=i, value=_safe(value) if isinstance(value, str) else value)
        sample.font = Font(color="808080", italic=True)
        if isinstance(value, (date,)):
            sample.number_format = FORMATS["date"]
        if col.text:
            ws.column_dimensions[letter].number_format = "@"
            sample.number_format = "@"
        if col.choices:
            list_col += 1
            list_letter = get_column_letter(list_col)
            for r, label in enumerate(col.choices, start=1):
                lists.cell(row=r, column=list_col, value=label)
            rule = DataValidation(
                type="list",
                formula1=f"{quote_sheetname(lists.title)}!${list_letter}$1:${list_letter}${len(col.choices)}",
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",  # another spelling (党员 for 中共党员) may still be typed
                errorTitle=chinese(col.header),
                error=chinese(col.help)[:255],
            )
            rule.add(f"{letter}2:{letter}{FORM_ROWS}")
            ws.add_data_validation(rule)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    notes = wb.create_sheet(chinese(help_title)[:31], 1)
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 90
    for r, line in enumerate(help_intro, start=1):
        notes.cell(row=r, column=1, value=_safe(chinese(line)))
    first = len(help_intro) + 2
    for j, head in enumerate((gettext_lazy("Column"), help_title), start=1):
        cell = notes.cell(row=first, column=j, value=chinese(head))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2DCDB")
    for r, col in enumerate(columns, start=first + 1):
        head = notes.cell(row=r, column=1, value=_safe(chinese(col.header)))
        head.font = Font(bold=col.required, color="B22222" if col.required else "000000")
        text = chinese(col.help)
        if col.choices:
            text += " " + "、".join(col.choices)
        cell = notes.cell(row=r, column=2, value=_safe(text))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wb.active = 0
    wb.save(out)
