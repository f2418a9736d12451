"""Excel files of the members app: the streamed export, the import template, hostile-file checks.

The export writes row by row with openpyxl's write-only mode into a temporary file, which the
response then streams: memory stays flat whatever the number of members. Text that a spreadsheet
would run as a formula (= + - @, tab, carriage return at the start) is written as a string cell
with the "quote prefix" style, so that it is shown, and stays, text.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from .choices import Education, EmploymentType, Ethnicity, Gender, MemberStatus, PoliticalStatus
from .sheets import (
    DANGEROUS_PREFIXES,
    Col,
    Sheet,
    chinese,  # noqa: F401 - re-exported: the headers of the import and its tests
    new_workbook,
)

#: (field, header, width): the export's columns; the import uses the same headers.
EXPORT_COLUMNS = [
    ("name", gettext_lazy("Name"), 12),
    ("gender", gettext_lazy("Gender"), 6),
    ("ethnicity", gettext_lazy("Ethnicity"), 8),
    ("birth_date", gettext_lazy("Birth date"), 12),
    ("id_number_masked", gettext_lazy("ID number"), 21),
    ("native_place", gettext_lazy("Native place"), 12),
    ("political_status", gettext_lazy("Political status"), 14),
    ("education", gettext_lazy("Education"), 12),
    ("unit", gettext_lazy("Unit"), 24),
    ("position", gettext_lazy("Position"), 14),
    ("professional_title", gettext_lazy("Professional title"), 14),
    ("employment_type", gettext_lazy("Employment type"), 14),
    ("join_date", gettext_lazy("Join date"), 12),
    ("card_number", gettext_lazy("Card number"), 14),
    ("mobile", gettext_lazy("Mobile number"), 13),
    ("status", gettext_lazy("Status"), 10),
    ("notes", gettext_lazy("Notes"), 30),
]
CHOICES = {
    "gender": Gender,
    "ethnicity": Ethnicity,
    "political_status": PoliticalStatus,
    "education": Education,
    "employment_type": EmploymentType,
    "status": MemberStatus,
}


def formula_safe(value):
    """The one rule for every export (xlsx and CSV): a text that a spreadsheet would run as a formula
    (= + - @, tab or carriage return at the start) gets a leading apostrophe and stays text."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


def safe_text(value: str, ws=None):
    """A string a spreadsheet shows and never runs."""
    if value and value.startswith(DANGEROUS_PREFIXES):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


def header_cells(ws, labels) -> list[WriteOnlyCell]:
    """The header row of a write-only sheet: bold on the portal's pale red (the caller freezes it)."""
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2DCDB")
    cells = []
    for label in labels:
        cell = WriteOnlyCell(ws, value=label)
        cell.font, cell.fill = bold, fill
        cells.append(cell)
    return cells


def write_members_xlsx(rows: Iterable[tuple], out) -> int:
    """Write the member rows (tuples in EXPORT_COLUMNS order, codes already labelled) to ``out``."""
    wb = new_workbook()
    sheet = Sheet(wb, gettext_lazy("Members"), [Col(label, width) for _field, label, width in EXPORT_COLUMNS])
    sheet.rows(rows)  # dates stay dates (openpyxl gives them a date format)
    wb.save(out)
    return sheet.rows_written


def labelled_rows(values: Iterable[tuple]) -> Iterable[tuple]:
    """Turn codes into their Chinese labels, once per distinct code."""
    with translation.override("zh-hans"):
        maps = {f: {k: str(v) for k, v in CHOICES[f].choices} for f in CHOICES}
    positions = [(i, maps[f]) for i, (f, _l, _w) in enumerate(EXPORT_COLUMNS) if f in maps]
    for row in values:
        row = list(row)
        for i, mapping in positions:
            row[i] = mapping.get(row[i], row[i] or "")
        yield row


def export_to_tempfile(rows: Iterable[tuple]):
    """A temporary file (deleted on close) holding the xlsx, positioned at its start."""
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    write_members_xlsx(labelled_rows(rows), tmp)
    tmp.seek(0)
    return tmp


# --- Import: hostile files refused before parsing ------------------------------------------------
class HostileFile(ValueError):
    """A file refused before it is parsed; the message says why."""


MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100
MAX_MEMBERS = 200


def check_xlsx(data: bytes) -> None:
    """Refuse an upload that is too big, not an xlsx, a zip bomb or XML with entity declarations."""
    limit = settings.UPLOAD_MAX_BYTES
    if len(data) > limit:
        raise HostileFile(
            _("The file is larger than %(mb)s MB; split the roster into smaller files.")
            % {"mb": limit // (1024 * 1024)}
        )
    if not data.startswith(b"PK\x03\x04"):
        raise HostileFile(_("This is not an Excel (.xlsx) file. Save the roster as .xlsx and upload it again."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise HostileFile(_("The file is damaged: it is not a readable .xlsx file.")) from None
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise HostileFile(_("This is not an Excel (.xlsx) file. Save the roster as .xlsx and upload it again."))
    check_office_archive(archive)


def check_office_archive(archive: zipfile.ZipFile) -> None:
    """Refuse an Office (OOXML) zip that unpacks to far more than it holds, or whose XML declares entities."""
    infos = archive.infolist()
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if len(infos) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise HostileFile(_("The file unpacks to far more data than a roster holds (a “zip bomb”); it was refused."))
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(info) as fh:
            rest_has_doctype = False
            tail = b""
            chunk = fh.read(4096)
            while chunk:
                window = tail + chunk  # a declaration split across two reads is still seen
                if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                    rest_has_doctype = True
                    break
                tail = chunk[-16:]
                chunk = fh.read(1 << 20)
        if rest_has_doctype:
            raise HostileFile(
                _("The file contains XML entity declarations, which a roster never needs; it was refused.")
            )
        if info.file_size < 1 << 20:  # the small parts are also parsed by defusedxml
            try:
                DefusedET.fromstring(archive.read(info))
            except DefusedXmlException:
                raise HostileFile(
                    _("The file contains XML entity declarations, which a roster never needs; it was refused.")
                ) from None
            except DefusedET.ParseError:
                raise HostileFile(_("The file is damaged: it is not a readable .xlsx file.")) from None


@dataclass
class RawRoster:
    """The roster's first sheet as read: the header row's number and headers, and every non-blank
    row under it with its row number as Excel shows it (blank, hidden and title rows count)."""

    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)

    def to_json(self) -> str:
        """Kept (sealed) between the upload and the confirmation; dates stay dates."""

        def plain(v):
            if isinstance(v, datetime):
                return {"d": v.date().isoformat()} if not (v.hour or v.minute or v.second) else {"t": v.isoformat()}
            if isinstance(v, date):
                return {"d": v.isoformat()}
            if isinstance(v, (time, timedelta)):
                return str(v)
            return v

        return json.dumps(
            {
                "header_row": self.header_row,
                "headers": self.headers,
                "rows": [[n, [plain(v) for v in r]] for n, r in self.rows],
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> RawRoster:
        def value(v):
            if isinstance(v, dict):
                return date.fromisoformat(v["d"]) if "d" in v else datetime.fromisoformat(v["t"])
            return v

        data = json.loads(text)
        return cls(data["header_row"], data["headers"], [(n, [value(v) for v in r]) for n, r in data["rows"]])


#: Rows searched for the header row (a title or a note may stand above it).
HEADER_SEARCH_ROWS = 10


def _blank_cell(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def read_roster(data: bytes, *, is_header: Callable[[object], bool]) -> RawRoster:
    """The first sheet: the header row is the first of the top rows with two or more known headers
    (``is_header``); every non-blank row under it, numbered as Excel numbers it. Call check_xlsx first."""
    from .xlsxrows import sheet_rows

    wb = None
    try:
        rows = iter(sheet_rows(data))  # the sheet's XML read directly: a fifth of openpyxl's time
    except Exception:  # noqa: BLE001 - XML this reader does not expect: openpyxl reads it (or says it is damaged)
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any parser failure is a damaged file for the officer
            raise HostileFile(_("The file is damaged: it is not a readable .xlsx file.")) from None
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # do not trust (or compute, by a whole extra pass) the sheet's stated size
        # missing (blank) rows come as empty rows: numbering holds
        rows = enumerate(ws.iter_rows(values_only=True), 1)
    try:
        header_row, headers = 0, None
        for number, row in rows:
            if number > HEADER_SEARCH_ROWS:
                break
            if sum(1 for v in row or () if not _blank_cell(v) and is_header(v)) >= 2:
                header_row, headers = number, [str(v).strip() if v is not None else "" for v in row]
                break
        if headers is None:
            raise HostileFile(
                _(
                    "No header row found in the first %(n)s rows of the first sheet: the column headers "
                    "(姓名, 身份证号, 会员证号 …) must stand above the members. Start from the template."
                )
                % {"n": HEADER_SEARCH_ROWS}
            )
        roster = RawRoster(header_row, headers)
        width = len(headers)
        for number, row in rows:
            if not row or all(_blank_cell(v) for v in row):
                continue
            row = list(row[:width])
            roster.rows.append((number, row + [None] * (width - len(row))))
        return roster
    finally:
        if wb is not None:
            wb.close()


def count_rows(data: bytes) -> int:
    """About how many rows the first sheet holds, without parsing it: its <row> elements counted in
    the decompressed XML (fast), so that a big file goes to a task before it is read."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    try:
        path = _first_sheet_path(archive)
        count = 0
        tail = b""
        with archive.open(path) as fh:
            while chunk := fh.read(1 << 20):
                window = tail + chunk
                count += window.count(b"<row ") + window.count(b"<row>") - tail.count(b"<row ") - tail.count(b"<row>")
                tail = chunk[-8:]
        return count
    except (KeyError, IndexError, DefusedET.ParseError, OSError, zipfile.BadZipFile):
        return 0


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    book = DefusedET.fromstring(archive.read("xl/workbook.xml"))
    first = book.find(f"{ns_main}sheets/{ns_main}sheet")
    rel_id = first.get(f"{ns_rel}id")
    rels = DefusedET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise KeyError(rel_id)


#: The template's example row carries this card number: the import skips the row (no real member
#: can hold it: card numbers never contain Chinese characters).
EXAMPLE_CARD = "示例-请删除本行"

#: (field, header, required, example): the import template's columns.
IMPORT_COLUMNS = [
    ("name", gettext_lazy("Name"), True, "张三"),
    ("id_number", gettext_lazy("ID number"), True, "11010519491231002X"),
    ("gender", gettext_lazy("Gender"), False, "女"),
    ("birth_date", gettext_lazy("Birth date"), False, date(1949, 12, 31)),
    ("ethnicity", gettext_lazy("Ethnicity"), False, "汉族"),
    ("native_place", gettext_lazy("Native place"), False, "江苏南通"),
    ("political_status", gettext_lazy("Political status"), False, "群众"),
    ("education", gettext_lazy("Education"), False, "大学本科"),
    ("unit", gettext_lazy("Unit"), True, ""),
    ("position", gettext_lazy("Position"), False, "科员"),
    ("professional_title", gettext_lazy("Professional title"), False, ""),
    ("employment_type", gettext_lazy("Employment type"), False, "在编"),
    ("join_date", gettext_lazy("Join date"), True, date(2020, 5, 4)),
    ("card_number", gettext_lazy("Card number"), True, EXAMPLE_CARD),
    ("mobile", gettext_lazy("Mobile number"), False, "13912345678"),
    ("notes", gettext_lazy("Notes"), False, ""),
]
#: Columns Excel must keep as text (it would turn them into numbers and round them).
TEXT_COLUMNS = ("id_number", "card_number", "mobile")
TEMPLATE_CHOICES = ("gender", "ethnicity", "political_status", "education", "employment_type")

#: What the explanation sheet says of each column (filled in, required, how).
COLUMN_HELP = {
    "name": gettext_lazy(
        "Required for a new member. Chinese characters or letters; the middle dot · in names such as 阿依古丽·买买提."
    ),
    "id_number": gettext_lazy(
        "Required for a new member: the 18 characters, last one a digit or "
        "X. The column is text: type the number as it is."
    ),
    "gender": gettext_lazy("May stay blank: taken from the ID number. If filled, it must agree with it."),
    "birth_date": gettext_lazy("May stay blank: taken from the ID number. If filled, it must agree with it."),
    "ethnicity": gettext_lazy("Pick from the list (e.g. 汉族; “汉” is read too). Blank for a new member: 汉族."),
    "native_place": gettext_lazy("Free text, at most 50 characters, e.g. 江苏南通."),
    "political_status": gettext_lazy(
        "Pick from the list; 党员, 团员 and similar spellings are read too. Blank for a new member: 群众."
    ),
    "education": gettext_lazy("Pick from the list; 本科, 大专, 硕士 and similar spellings are read too."),
    "unit": gettext_lazy("The unit's full name as in the portal. May stay blank when you manage one unit only."),
    "position": gettext_lazy("Free text, at most 50 characters."),
    "professional_title": gettext_lazy("Free text, at most 50 characters."),
    "employment_type": gettext_lazy(
        "Pick from the list; 编外, 合同制, 聘用, 派遣 are read too. Blank for a new member: 在编."
    ),
    "join_date": gettext_lazy(
        "Required for a new member. A date such as 2020-05-04 (2020/5/4, "
        "2020年5月4日 and 20200504 are read too); not in the future."
    ),
    "card_number": gettext_lazy(
        "Required: it says which member the row is. A known card number updates that member, a new one adds a member."
    ),
    "mobile": gettext_lazy("11 digits; spaces, dashes and +86 are removed."),
    "notes": gettext_lazy("Free text."),
}


def template_workbook(unit_name: str = "") -> bytes:
    """The import template: a frozen header (required headers in red), text-formatted ID, card and
    mobile columns, a drop-down on every choice column (the values the import accepts), one example
    row the import skips, and a second sheet explaining each column. Written through members.sheets."""
    from .sheets import FormCol, write_form_workbook

    with translation.override("zh-hans"):
        lists = {f: [str(label) for _c, label in CHOICES[f].choices] for f in TEMPLATE_CHOICES}
    cols = [
        FormCol(
            header=label,
            width=20 if f in ("id_number", "unit") else 13,
            required=required,
            text=f in TEXT_COLUMNS,
            choices=lists.get(f),
            help=COLUMN_HELP[f],
        )
        for f, label, required, _e in IMPORT_COLUMNS
    ]
    example = [unit_name if f == "unit" else e for f, _l, _r, e in IMPORT_COLUMNS]
    out = io.BytesIO()
    write_form_workbook(
        out,
        title=gettext_lazy("Members"),
        columns=cols,
        example=example,
        help_title=gettext_lazy("How to fill in"),
        help_intro=[
            gettext_lazy("One member per row, under the header row. Red headers are required for a new member."),
            gettext_lazy("Row 2 is an example: overwrite it or delete it (the import skips it)."),
            gettext_lazy("A blank cell never erases what is stored: to clear a field, use the member's page."),
            gettext_lazy(
                "Members already registered (same card number) are updated only if you tick it when you confirm."
            ),
        ],
    )
    return out.getvalue()


def seal(text: str) -> bytes:
    """The staged rows hold full ID numbers: encrypted on disk with the field-encryption keys."""
    from .idnumbers import fernet

    return fernet().encrypt(text.encode())


def unseal(token: bytes) -> str:
    from .idnumbers import fernet

    return fernet().decrypt(token).decode()
