"""The activities' xlsx exports, written through members.sheets (Chinese headers whatever the
interface language). Each export reads its rows through the selectors and writes its access record
here, so that no view can hand out the file without the record."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from members.audit import AccessAction, record_access
from members.sheets import Col, chinese, new_workbook, write_sheet

from . import selectors
from .models import Activity, EntryStatus


def _when(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


SIGN_IN_COLUMNS = [
    Col(_("No."), 6),
    Col(_("Name"), 12),
    Col(_("Unit"), 24),
    Col(_("Team"), 14),
    Col(_("Mobile number"), 14),
    Col(_("Checked in at"), 18),
    Col(_("Signature"), 16),
]

PARTICIPANT_COLUMNS = [
    Col(_("No."), 6),
    Col(_("Name"), 12),
    Col(_("Unit"), 24),
    Col(_("Team"), 14),
    Col(_("Status"), 10),
    Col(_("Waitlist position"), 10),
    Col(_("Registered at"), 18),
    Col(_("Attendance"), 10),
    Col(_("Checked in at"), 18),
]


def participants_workbook(*, actor, activity: Activity, sign_in: bool = False, request=None) -> Workbook:
    """Participants (status, waitlist, attendance), or the sign-in sheet (confirmed only, a column to
    sign), of an activity the actor manages; the export is recorded."""
    regs = list(selectors.participants(actor=actor, activity=activity))
    wb = new_workbook()
    if sign_in:
        confirmed = [r for r in regs if r.status == EntryStatus.CONFIRMED]
        rows = (
            [
                i,
                r.member.name,
                r.member.unit.name,
                r.team.name if r.team else "",
                r.member.mobile,
                _when(r.attended_at),
                "",
            ]
            for i, r in enumerate(confirmed, start=1)
        )
        count = write_sheet(wb, _("Sign-in sheet"), SIGN_IN_COLUMNS, rows)
    else:
        present, absent = chinese(_("Present")), chinese(_("Absent"))
        rows = (
            [
                i,
                r.member.name,
                r.member.unit.name,
                r.team.name if r.team else "",
                chinese(EntryStatus(r.status).label),
                (r.team.waitlist_position if r.team else r.waitlist_position) or "",
                _when(r.created_at),
                present if r.attended_at else absent,
                _when(r.attended_at),
            ]
            for i, r in enumerate(regs, start=1)
        )
        count = write_sheet(wb, _("Participants"), PARTICIPANT_COLUMNS, rows)
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=_("Sign-in sheet") if sign_in else _("Participants"),
        obj=activity,
        unit=activity.organizer_id,
        ref=activity.title,
        rows=count,  # the sign-in sheet lists the confirmed only
        request=request,
    )
    return wb


PARTICIPATION_COLUMNS = [
    Col(_("Unit"), 28),
    Col(_("Activities joined"), 12, "count"),
    Col(_("People registered"), 12, "count"),
    Col(_("Confirmed places"), 12, "count"),
    Col(_("Attended"), 12, "count"),
]


def participation_workbook(*, actor, start: date, end: date, request=None) -> Workbook:
    """Participation per unit of the units the actor reads, over a period; the export is recorded."""
    data = selectors.participation_by_unit(actor=actor, start=start, end=end)
    wb = new_workbook()
    rows = ([r["name"], r["n_activities"], r["people"], r["confirmed"], r["attended"]] for r in data)
    count = write_sheet(wb, f"{start:%Y%m%d}-{end:%Y%m%d}", PARTICIPATION_COLUMNS, rows)
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=_("Participation by unit"),
        app="activities",
        ref=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
        rows=count,
        request=request,
    )
    return wb
