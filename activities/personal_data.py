"""This app's sheets of a member's own-data download (members.registry): the rows are reached from the
member record, which the download read through its scope."""

from __future__ import annotations

from django.utils.translation import gettext as _


def registration_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("Activity"),
        _("Kind"),
        _("Starts at"),
        _("Place"),
        _("Status"),
        _("Waitlist position"),
        _("Team"),
        _("Registered at"),
        _("Checked in at"),
        _("Cancelled at"),
    ]
    regs = member.registrations.select_related("activity", "team").order_by("activity__starts_at", "pk")
    rows = [
        [
            r.activity.title,
            r.activity.get_kind_display(),
            r.activity.starts_at,
            r.activity.place,
            r.get_status_display(),
            r.waitlist_position,
            r.team.name if r.team else "",
            r.created_at,
            r.attended_at,
            r.cancelled_at,
        ]
        for r in regs
    ]
    return headers, rows


def result_rows(member) -> tuple[list, list[list]]:
    headers = [_("Activity"), _("Rank"), _("Score"), _("Prize")]
    results = member.activity_results.select_related("activity").order_by("activity__starts_at", "pk")
    return headers, [[r.activity.title, r.rank, r.score, r.prize] for r in results]
