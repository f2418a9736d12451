"""xlsx exports with Chinese headers (the catalogue's zh-hans strings, whatever the viewer's language)."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from members.excel import formula_safe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(title: str, headers: list[str], rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for row in rows:
        ws.append([formula_safe(value) for value in row])
    for col, header in zip(ws.columns, headers, strict=False):
        ws.column_dimensions[col[0].column_letter].width = max(10, len(header) * 2 + 4)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _when(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def participants_xlsx(activity, registrations, *, sign_in: bool = False) -> bytes:
    """Participants (status, waitlist, attendance), or the sign-in sheet (confirmed only, a column to sign)."""
    with translation.override("zh-hans"):
        if sign_in:
            headers = [
                _("No."),
                _("Name"),
                _("Unit"),
                _("Team"),
                _("Mobile number"),
                _("Checked in at"),
                _("Signature"),
            ]
            rows = [
                [
                    i,
                    r.member.name,
                    r.member.unit.name,
                    r.team.name if r.team else "",
                    r.member.mobile,
                    _when(r.attended_at),
                    "",
                ]
                for i, r in enumerate((r for r in registrations if r.status == "confirmed"), start=1)
            ]
            return _book(_("Sign-in sheet"), headers, rows)
        headers = [
            _("No."),
            _("Name"),
            _("Unit"),
            _("Team"),
            _("Status"),
            _("Waitlist position"),
            _("Registered at"),
            _("Attendance"),
            _("Checked in at"),
        ]
        rows = []
        for i, r in enumerate(registrations, start=1):
            position = r.team.waitlist_position if r.team else r.waitlist_position
            rows.append(
                [
                    i,
                    r.member.name,
                    r.member.unit.name,
                    r.team.name if r.team else "",
                    str(r.get_status_display()),
                    position or "",
                    _when(r.created_at),
                    _("Present") if r.attended_at else _("Absent"),
                    _when(r.attended_at),
                ]
            )
        return _book(_("Participants"), headers, rows)


def participation_xlsx(rows: list[dict], start, end) -> bytes:
    with translation.override("zh-hans"):
        headers = [_("Unit"), _("Activities joined"), _("People registered"), _("Confirmed places"), _("Attended")]
        data = [[r["name"], r["n_activities"], r["people"], r["confirmed"], r["attended"]] for r in rows]
        return _book(f"{start:%Y%m%d}-{end:%Y%m%d}", headers, data)
