"""Signed addresses of the public pages: a unit's joining page and an applicant's status page.

The joining page's address holds the unit's id signed with the portal's secret (an officer prints it or its QR
code); nobody can make the address of a unit that did not give it out, and the unit's id alone opens nothing.
The status page's address holds the application's random reference, signed as well.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

_JOIN_SALT = "care.join"
_STATUS_SALT = "care.application-status"


def join_key(unit_id: int) -> str:
    return signing.Signer(salt=_JOIN_SALT).sign(str(unit_id)).replace(":", ".")


def unit_id_from_key(key: str) -> int | None:
    try:
        value = signing.Signer(salt=_JOIN_SALT).unsign(key.replace(".", ":"))
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def join_url(unit_id: int) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("care:join", args=[join_key(unit_id)])


def status_key(application) -> str:
    return signing.Signer(salt=_STATUS_SALT).sign(application.reference.hex).replace(":", ".")


def reference_from_key(key: str) -> str | None:
    try:
        return signing.Signer(salt=_STATUS_SALT).unsign(key.replace(".", ":"))
    except signing.BadSignature:
        return None


def status_url(application) -> str:
    return settings.PORTAL_URL.rstrip("/") + reverse("care:join_status", args=[status_key(application)])
