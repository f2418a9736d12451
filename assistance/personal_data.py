"""This app's sheets of a member's own-data download (members.registry).

The member gets the own files' facts (number, category, causes, status and dates) and every grant
received. Not included: the case workers' visit findings and review reasons (internal assessments)
and the household's other people, health, disability and housing notes (they may describe
relatives, whose data is theirs, not the member's); the member asks the unit union for those.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from .models import Grant


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
    # The member's own files, reached from the member record (which the download read through its
    # scope), and the grants of each file.
    cases = member.hardship_cases.prefetch_related(
        Prefetch("grants", queryset=Grant.objects.via_parent().select_related("campaign"))
    )
    grants = sorted((g for c in cases for g in c.grants.all()), key=lambda g: (g.granted_on, g.pk))
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
