"""The one xlsx writer: every export, sheet and workbook of the portal is written through here.

What every sheet gets, whatever the interface language: Chinese headers (the files are the
contract with the officers and the finance office), formula-safe text cells (members.excel.safe_text),
column widths, number formats, a frozen header row, the header repeated on every printed page, and
a bold totals row where one is given. Sheets are write-only (openpyxl's streaming mode), so memory
stays flat for a whole city; responses are ``FileResponse(as_attachment=True, filename=...)``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .excel import DANGEROUS_PREFIXES, XLSX_CONTENT_TYPE

MONEY = "#,##0.00"
INTEGER = "#,##0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0.0%"


def chinese(label) -> str:
    """A header or title in Chinese, whatever language the person browses in."""
    with translation.override("zh-hans"):
        return str(label)


@dataclass(frozen=True)
class Col:
    """A column: its header (a lazy translation or plain text), width, and number format."""

    header: Any
    width: int = 14
    number_format: str | None = None


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
            plain = value.__class__ is str and not bold
            if plain or (value is None and not bold) or (not col.number_format and not bold):
                out.append(self._text(value) if value.__class__ is str else value)
                continue
            cell = self._text(value) if isinstance(value, str) else None
            if not isinstance(cell, WriteOnlyCell):
                cell = WriteOnlyCell(self.ws, value=value)
            if col.number_format and not isinstance(value, str):
                cell.number_format = col.number_format
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
