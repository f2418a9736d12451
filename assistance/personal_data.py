"""This app's sheets of a member's own-data download (members.registry).

The member gets the own files' facts (number, category, causes, status and dates) and every grant
received. Not included: the case workers' visit findings and review reasons (internal assessments)
and the household's other people, health, disability and housing notes (they may describe
relatives, whose data is theirs, not the member's); the member asks the unit union for those.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.scoping import unscoped

from .models import Grant

#: The own-data download has no actor to scope by: it is about one member, whom members.privacy resolved.
OWN_DATA = "the own-data download: only the rows of the one member it is for (members.privacy resolved them)"


def file_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("File number"),
        _("Category"),
        _("Causes"),
        _("Status"),
        _("Filed on"),
        _("Re-verification due"),
        _("Closed on"),
        _("Closing reason"),
    ]
    cases = member.hardship_cases.order_by("created_at", "pk")
    rows = [
        [
            c.number,
            c.get_category_display(),
            "、".join(c.cause_labels()),
            c.get_status_display(),
            c.filed_on,
            c.review_due,
            c.closed_on,
            c.get_close_reason_display() if c.close_reason else "",
        ]
        for c in cases
    ]
    return headers, rows


def grant_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("Grant date"),
        _("Campaign"),
        _("Purpose"),
        _("Amount (yuan)"),
        _("Source"),
        _("Received on"),
        _("File number"),
    ]
    with unscoped(OWN_DATA):
        grants = list(
            Grant.objects.filter(case__member=member).select_related("campaign", "case").order_by("granted_on", "pk")
        )
    rows = [
        [
            g.granted_on,
            g.campaign.name,
            g.get_purpose_display(),
            g.amount,
            g.get_source_display(),
            g.received_on,
            g.case.number,
        ]
        for g in grants
    ]
    return headers, rows
