"""What the voice app adds to members' and units' pages and to the dashboard (via members.registry)."""

from __future__ import annotations

from django.utils import timezone

from . import selectors


def last_talk(request, member) -> dict | None:
    """When the member's last heart-to-heart talk took place: only to those who may keep talk records."""
    if not selectors.can_manage_talks(actor=request.user, unit_id=member.unit_id):
        return None
    return {"member": member, "last_talk": selectors.last_talk_on(member=member)}


def unit_honours(request, unit) -> dict | None:
    if unit.kind != "unit":
        return None
    return {"honours": selectors.unit_honours(unit=unit)}


def overdue_panel(request, scope) -> dict | None:
    # Whether to show the panel at all (to those who handle items: the city, a unit's officers), not
    # which rows it counts: the counts come through the model's rule (selectors.overdue_count).
    if not scope.manages_any_unit:
        return None
    counts = selectors.overdue_count(actor=request.user, now=timezone.now())
    return {"counts": counts, "city": scope.is_city_admin}
