"""The contests' sections on a member's page and a unit's page, and the member's own-data sheet."""

from __future__ import annotations

from django.utils.translation import gettext as _

from members.scoping import scope_for

from . import selectors
from .models import ContestStatus, Entry


def member_section(request, member) -> dict | None:
    """The member's placed entries in published or final contests (the page is already scoped)."""
    rows = [
        r
        for r in selectors.member_results(member)
        if r.contest.status in (ContestStatus.PUBLISHED, ContestStatus.FINAL)
    ]
    if not rows:
        return None
    own = scope_for(request.user).member_id == member.pk
    return {"results": rows[:20], "own": own}


def unit_section(request, organization) -> dict | None:
    """A unit's prizes in final contests: the unit honours of its team entries and its members' prizes."""
    if organization.kind != "unit":
        return None
    rows = list(selectors.unit_prizes(actor=request.user, unit=organization)[:30])
    return {"prizes": rows} if rows else None


def personal_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("Contest"),
        _("Entry code"),
        _("Title of the work"),
        _("Team"),
        _("Submitted at"),
        _("Rank"),
        _("Prize"),
    ]
    entries = (
        Entry.objects.via_parent().filter(member=member).select_related("contest", "result").order_by("submitted_at")
    )
    rows = []
    for e in entries:
        result = getattr(e, "result", None)
        public = result is not None and e.contest.status in (ContestStatus.PUBLISHED, ContestStatus.FINAL)
        rows.append(
            [
                e.contest.title,
                e.code,
                e.title,
                e.team_name,
                e.submitted_at,
                result.rank if public else None,
                result.get_prize_display() if public and result.prize else "",
            ]
        )
    return headers, rows
