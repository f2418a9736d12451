"""Workbooks about personal data: the access record's export and a member's own-data download.

Cells go through ``members.excel.formula_safe``; aware datetimes are written in Asia/Shanghai.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from . import registry
from .excel import formula_safe, header_cells
from .models import Member, MembershipChange
from .services import EXPORT_FIELDS

#: Sheet names: at most 31 characters, none of []:*?/\
_BAD_SHEET_CHARS = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def cell_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float | Decimal) or hasattr(value, "isoformat"):
        return value
    return formula_safe(str(value))


def _write_sheet(wb: Workbook, title, headers: list, rows: Iterable[Iterable]) -> int:
    ws = wb.create_sheet(str(title).translate(_BAD_SHEET_CHARS)[:31])
    ws.freeze_panes = "A2"
    ws.append(header_cells(ws, [formula_safe(str(label)) for label in headers]))
    count = 0
    for row in rows:
        ws.append([cell_value(v) for v in row])
        count += 1
    return count


# --- The access record's export ------------------------------------------------------------------
ACCESS_RECORD_HEADERS = [
    gettext_lazy("At"),
    gettext_lazy("Username"),
    gettext_lazy("Name"),
    gettext_lazy("Action"),
    gettext_lazy("Section"),
    gettext_lazy("What"),
    gettext_lazy("Reference"),
    gettext_lazy("Unit"),
    gettext_lazy("Rows"),
    gettext_lazy("Filters"),
    gettext_lazy("IP address"),
]


def actor_name(user) -> str:
    member = getattr(user, "member", None)
    return (member.name if member else "") or user.get_full_name() or user.username


def access_records_xlsx(queryset) -> tuple[object, int]:
    """The (filtered) access record as an xlsx temporary file, and the number of rows written."""
    wb = Workbook(write_only=True)
    rows = (
        [
            r.at,
            r.actor.username,
            actor_name(r.actor),
            r.get_action_display(),
            r.app,
            r.what,
            r.target_ref,
            r.unit.name if r.unit else "",
            r.rows,
            r.filters,
            r.ip_address,
        ]
        for r in queryset.iterator(chunk_size=2000)
    )
    count = _write_sheet(wb, _("Access record"), ACCESS_RECORD_HEADERS, rows)
    tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response closes it
    wb.save(tmp)
    tmp.seek(0)
    return tmp, count


# --- A member's own data -------------------------------------------------------------------------
#: The record's fields: those of the member export (the ID number is added in full after the birth date).
RECORD_FIELDS = tuple(f.removesuffix("__name") for f in EXPORT_FIELDS if f != "id_number_masked")


def record_rows(member: Member) -> tuple[list, list[list]]:
    """The record, field by field. The ID number is shown in full: it is the member's own."""
    rows = []
    for name in RECORD_FIELDS:
        field = Member._meta.get_field(name)
        if name == "unit":
            value = member.unit.name
        elif field.choices:
            value = getattr(member, f"get_{name}_display")()
        else:
            value = getattr(member, name)
        rows.append([str(field.verbose_name), value])
        if name == "birth_date":
            rows.append([_("ID number"), member.reveal_id_number()])
    if member.user_id:
        rows.append([_("Username"), member.user.username])
    return [_("Field"), _("Value")], rows


def history_rows(member: Member) -> tuple[list, list[list]]:
    headers = [_("Date"), _("Type"), _("From unit"), _("To unit"), _("Status before"), _("Status after"), _("Reason")]
    changes = MembershipChange.objects.filter(member=member).select_related("from_unit", "to_unit").order_by("on", "pk")
    rows = [
        [
            c.on,
            c.get_kind_display(),
            c.from_unit.name if c.from_unit else "",
            c.to_unit.name if c.to_unit else "",
            c.get_from_status_display() if c.from_status else "",
            c.get_to_status_display(),
            c.reason,
        ]
        for c in changes
    ]
    return headers, rows


def honour_rows(member: Member) -> tuple[list, list[list]]:
    headers = [_("Year"), _("Honour"), _("Name of the honour"), _("Level"), _("Awarded by")]
    rows = [
        [h.year, h.get_title_display(), h.name, h.get_level_display(), h.awarded_by]
        for h in member.honours.order_by("year", "pk")
    ]
    return headers, rows


def own_data_xlsx(member: Member) -> tuple[bytes, int]:
    """Every sheet the apps registered, for this member only; and the number of data rows written."""
    import io

    wb = Workbook(write_only=True)
    total = 0
    for section in registry.personal_data_sections():
        headers, rows = section.rows(member)
        total += _write_sheet(wb, section.title, headers, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), total
