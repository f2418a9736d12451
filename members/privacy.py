"""Workbooks about personal data: the access record's export and a member's own-data download.

Written through the one xlsx writer (members.sheets); aware datetimes are written in Asia/Shanghai.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import registry, sheets
from .audit import AccessAction, record_access
from .models import Member
from .scoping import scope_for
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
    return str(value)


def _write_sheet(wb, title, headers: list, rows: Iterable[Iterable]) -> int:
    columns = [sheets.Col(label, width=16) for label in headers]
    title = str(title).translate(_BAD_SHEET_CHARS)
    return sheets.write_sheet(wb, title, columns, ([cell_value(v) for v in row] for row in rows))


# --- The access record's export ------------------------------------------------------------------
ACCESS_RECORD_HEADERS = [
    gettext_lazy("At"),
    gettext_lazy("Username"),
    gettext_lazy("Name"),
    gettext_lazy("Action"),
    gettext_lazy("Section"),
    gettext_lazy("Object"),
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


def access_records_export(*, actor, filters, request=None):
    """The filtered access record as an xlsx temporary file; the export is itself recorded."""
    from .selectors import access_record_list

    with translation.override("zh-hans"):
        tmp, count = access_records_xlsx(access_record_list(actor=actor, filters=filters))
    record_access(
        actor=actor, action=AccessAction.EXPORT, what=gettext_lazy("Access record"), rows=count, request=request
    )
    return tmp


def access_records_xlsx(queryset) -> tuple[object, int]:
    """The (filtered) access record as an xlsx temporary file, and the number of rows written."""
    from .selectors import access_record_apps, access_record_kinds

    sections, kinds = dict(access_record_apps()), dict(access_record_kinds())
    wb = sheets.new_workbook()
    rows = (
        [
            r.at,
            r.actor.username,
            actor_name(r.actor),
            r.get_action_display(),
            sections.get(r.app, r.app),
            kinds.get(r.target_model, r.target_model),
            r.what,
            r.target_ref,
            r.unit.name if r.unit else "",
            r.rows,
            r.filters,
            r.ip_address,
        ]
        for r in queryset.iterator(chunk_size=2000)
    )
    count = _write_sheet(wb, gettext_lazy("Access record"), ACCESS_RECORD_HEADERS, rows)
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
    changes = member.changes.select_related("from_unit", "to_unit").order_by("on", "pk")
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


def correction_rows(member: Member) -> tuple[list, list[list]]:
    """The member's own correction requests and their answers (who answered is left out: an officer's name is
    not the member's data; the unit union tells on request)."""
    headers = [
        _("Asked at"),
        _("Fields to correct"),
        _("What it should say"),
        _("Reason"),
        _("Status"),
        _("Answer due by"),
        _("Answered at"),
        _("Answer"),
    ]
    rows = [
        [
            c.created_at,
            "、".join(c.field_labels()),
            c.proposed,
            c.reason,
            c.get_status_display(),
            c.due_on,
            c.answered_at,
            c.answer,
        ]
        for c in member.corrections.order_by("created_at", "pk")
    ]
    return headers, rows


def own_data_xlsx(member: Member) -> tuple[bytes, int]:
    """Every sheet the apps registered, for this member only, in Chinese; and the number of data rows."""
    import io

    wb = sheets.new_workbook()
    total = 0
    with translation.override("zh-hans"):
        for section in registry.personal_data_sections():
            headers, rows = section.rows(member)
            total += _write_sheet(wb, section.title, headers, rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), total


def own_data_download(*, actor, request=None) -> bytes:
    """The actor's own data as one workbook (404 without a member record); the download is recorded."""
    from django.http import Http404

    member_id = scope_for(actor).member_id
    if member_id is None:
        raise Http404
    member = Member.objects.for_actor(actor).select_related("unit", "user").get(pk=member_id)
    content, rows = own_data_xlsx(member)
    record_access(
        actor=actor,
        action=AccessAction.OWN_DATA,
        what=gettext_lazy("Own data"),
        obj=member,
        ref=f"{member.name} · {member.card_number}",
        rows=rows,
        request=request,
    )
    return content
