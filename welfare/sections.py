"""The welfare section on a member's page (registered in members.registry)."""

from __future__ import annotations

from django.utils import timezone

from members.festivals import festival_calendar
from members.scoping import scope_for

from . import selectors


def member_section(request, member) -> dict | None:
    """The member's gifts of the year and what is left of each cap (the member page is already scoped)."""
    scope = scope_for(request.user)
    if not (scope.member_id == member.pk or scope.can_read_unit(member.unit_id)):
        return None
    year = timezone.localdate().year
    return {
        "year": year,
        "gifts": list(selectors.member_gifts(member_id=member.pk, year=year)),
        "allowance": selectors.member_allowance(member_id=member.pk, year=year),
    }


def dashboard_panel(request, scope) -> dict | None:
    """The next festivals of the national rule and how many days away they are (no queries)."""
    today = timezone.localdate()
    upcoming = [f for f in festival_calendar(today.year, today) if f["days_away"] >= 0]
    if len(upcoming) < 2 and today.year < 2099:
        upcoming += festival_calendar(today.year + 1, today)
    return {"festivals": upcoming[:3]}
