"""Excel files of the members app: the streamed export, the import template, hostile-file checks.

The export writes row by row with openpyxl's write-only mode into a temporary file, which the
response then streams: memory stays flat whatever the number of members. Text that a spreadsheet
would run as a formula (= + - @, tab, carriage return at the start) is written as a string cell
with the "quote prefix" style, so that it is shown, and stays, text.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime

import tablib
from defusedxml import ElementTree as DefusedET
from defusedxml.common import DefusedXmlException
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .choices import Education, EmploymentType, Ethnicity, Gender, MemberStatus, PoliticalStatus
from .sheets import DANGEROUS_PREFIXES, Col, Sheet, chinese, new_workbook

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


def read_dataset(data: bytes) -> tablib.Dataset:
    """The first sheet as a dataset (headers stripped, blank rows dropped). Call check_xlsx first."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure is a damaged file for the officer
        raise HostileFile(_("The file is damaged: it is not a readable .xlsx file.")) from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # do not trust (or compute, by a whole extra pass) the sheet's stated size
        rows = ws.iter_rows(values_only=True)
        headers = next(rows, None)
        if not headers:
            raise HostileFile(_("The first sheet is empty: use the template."))
        headers = [str(h).strip() if h is not None else "" for h in headers]
        dataset = tablib.Dataset(headers=headers)
        width = len(headers)
        for row in rows:
            if row is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            row = list(row[:width]) + [None] * (width - len(row))
            dataset.append([v.strip() if isinstance(v, str) else v for v in row])
        return dataset
    finally:
        wb.close()


#: (field, header, required, example): the import template's columns.
IMPORT_COLUMNS = [
    ("name", gettext_lazy("Name"), True, "张伟"),
    ("id_number", gettext_lazy("ID number"), True, "11010519491231002X"),
    ("gender", gettext_lazy("Gender"), False, ""),
    ("birth_date", gettext_lazy("Birth date"), False, ""),
    ("ethnicity", gettext_lazy("Ethnicity"), False, "汉族"),
    ("native_place", gettext_lazy("Native place"), False, "江苏南通"),
    ("political_status", gettext_lazy("Political status"), False, "群众"),
    ("education", gettext_lazy("Education"), False, "大学本科"),
    ("unit", gettext_lazy("Unit"), True, ""),
    ("position", gettext_lazy("Position"), False, "科员"),
    ("professional_title", gettext_lazy("Professional title"), False, ""),
    ("employment_type", gettext_lazy("Employment type"), False, "在编"),
    ("join_date", gettext_lazy("Join date"), True, date(2020, 5, 4)),
    ("card_number", gettext_lazy("Card number"), True, "NT0000001"),
    ("mobile", gettext_lazy("Mobile number"), False, "13912345678"),
    ("notes", gettext_lazy("Notes"), False, ""),
]


def template_workbook(unit_name: str = "") -> bytes:
    """The import template: Chinese headers, one example row, the allowed values on a second sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = chinese(gettext_lazy("Members"))
    bold = Font(bold=True)
    for i, (_f, label, required, example) in enumerate(IMPORT_COLUMNS, 1):
        cell = ws.cell(row=1, column=i, value=chinese(label))
        cell.font = Font(bold=True, color="B22222") if required else bold
        value = unit_name if _f == "unit" else example
        ws.cell(row=2, column=i, value=value)
        ws.column_dimensions[get_column_letter(i)].width = 20 if _f in ("id_number", "unit") else 13
    ws.freeze_panes = "A2"
    ref = wb.create_sheet(chinese(gettext_lazy("Allowed values")))
    headers = {f: label for f, label, _r, _e in IMPORT_COLUMNS}
    with translation.override("zh-hans"):
        for col, field in enumerate(["gender", "ethnicity", "political_status", "education", "employment_type"], 1):
            ref.cell(row=1, column=col, value=chinese(headers[field])).font = bold
            for r, (_code, label) in enumerate(CHOICES[field].choices, 2):
                ref.cell(row=r, column=col, value=str(label))
            ref.column_dimensions[get_column_letter(col)].width = 22
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def dataset_to_json(dataset: tablib.Dataset) -> str:
    """The parsed rows, kept between the preview and the confirmation (dates as ISO dates)."""
    import json

    def plain(v):
        return v.date().isoformat() if isinstance(v, datetime) else v.isoformat() if isinstance(v, date) else v

    return json.dumps(
        {"headers": dataset.headers, "rows": [[plain(v) for v in row] for row in dataset]}, ensure_ascii=False
    )


def dataset_from_json(text: str) -> tablib.Dataset:
    import json

    data = json.loads(text)
    dataset = tablib.Dataset(headers=data["headers"])
    for row in data["rows"]:
        dataset.append(row)
    return dataset


def seal(text: str) -> bytes:
    """The staged rows hold full ID numbers: encrypted on disk with the field-encryption keys."""
    from .idnumbers import _fernet

    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(text.encode())


def unseal(token: bytes) -> str:
    from .idnumbers import _fernet

    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token).decode()
