"""The welfare section on a member's page (registered in members.registry)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from members.festivals import festival_calendar
from members.scoping import require_read

from . import selectors


def member_section(request, member) -> dict | None:
    """The member's gifts of the year and what is left of each cap (the member page is already scoped;
    the model's rule is checked again here, without a query, before the member's rows are read)."""
    try:
        require_read(request.user, member)
    except Http404:
        return None
    year = timezone.localdate().year
    return {
        "year": year,
        "gifts": list(selectors.member_gifts(member=member, year=year)),
        "allowance": selectors.member_allowance(member=member, year=year),
    }


def dashboard_panel(request, scope) -> dict | None:
    """The next festivals of the national rule and how many days away they are (no queries)."""
    today = timezone.localdate()
    upcoming = [f for f in festival_calendar(today.year, today) if f["days_away"] >= 0]
    if len(upcoming) < 2 and today.year < 2099:
        upcoming += festival_calendar(today.year + 1, today)
    return {"festivals": upcoming[:3]}
