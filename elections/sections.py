"""What the elections app shows on others' pages: a unit's elections, the dashboard panel."""

from __future__ import annotations

from members.scoping import scope_for

from . import selectors
from .models import ACTIVE_STATUSES, Election


def unit_elections(request, unit):
    if not scope_for(request.user).can_read_unit(unit.pk):
        return None
    elections = list(Election.objects.for_actor(request.user).filter(unit=unit).order_by("-vote_date")[:5])
    return {"elections": elections, "unit": unit}


def dashboard_panel(request, scope):
    """The city: what awaits its approval; a unit officer: the own elections under way; everyone: open ballots."""
    ballots = [b for b in selectors.my_ballots(actor=request.user) if b["open"] and not b["voted"]]
    awaiting = list(selectors.awaiting_city(actor=request.user)[:10]) if scope.is_city_admin else []
    under_way = []
    if scope.manageable_unit_ids and not scope.is_city_admin:
        under_way = list(
            Election.objects.for_actor(request.user, manage=True)
            .filter(status__in=ACTIVE_STATUSES)
            .select_related("unit")[:10]
        )
    if not (ballots or awaiting or under_way):
        return None
    return {"ballots": ballots, "awaiting": awaiting, "under_way": under_way}
