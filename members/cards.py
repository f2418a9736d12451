"""The member card's token (电子会员卡): what its QR code holds.

A signed, expiring token naming the member by the record's id, never by the ID number. The phone's card
shows a short-lived one (it is made anew each time the page opens); the printed card a long-lived one.
Activities' check-in verifies it here (activities may import members; the card pages live in the care app).
"""

from __future__ import annotations

import time

from django.core import signing

_SALT = "members.card"
#: How long the token on the phone's card is valid: a screenshot forwarded to someone else soon stops working.
PHONE_TTL_SECONDS = 15 * 60
#: How long the token of a printed card is valid.
PRINT_TTL_SECONDS = 366 * 24 * 3600


def card_token(member_id: int, *, ttl_seconds: int = PHONE_TTL_SECONDS, now: float | None = None) -> str:
    """A token for the card of member ``member_id``, valid for ``ttl_seconds``."""
    expires = int((now if now is not None else time.time()) + ttl_seconds)
    return signing.dumps({"m": int(member_id), "e": expires}, salt=_SALT, compress=True)


def card_member_id(token: str, *, now: float | None = None) -> int | None:
    """The member id of a valid, unexpired token; None for anything else (forged, expired, garbage)."""
    token = (token or "").strip()
    if not token or len(token) > 300:
        return None
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    member_id, expires = data.get("m"), data.get("e")
    if not isinstance(member_id, int) or not isinstance(expires, int):
        return None
    if expires < (now if now is not None else time.time()):
        return None
    return member_id
