"""A small counter in the cache against abuse of the public joining page (the login has django-axes; this page
has no login to lock). Per address and per unit, within a window: the page then answers with a message."""

from __future__ import annotations

from django.core.cache import cache

#: Applications one address may send in WINDOW_SECONDS, and one unit may receive.
PER_ADDRESS = 5
PER_UNIT = 30
WINDOW_SECONDS = 3600


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _hit(key: str, limit: int) -> bool:
    """Count one attempt; True while within the limit."""
    added = cache.add(key, 1, WINDOW_SECONDS)
    if added:
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        return True
    return count <= limit


def allow_application(*, address: str, unit_id: int) -> bool:
    by_address = _hit(f"care:join:addr:{address}", PER_ADDRESS)
    by_unit = _hit(f"care:join:unit:{unit_id}", PER_UNIT)
    return by_address and by_unit
