"""The portal's one access record (PIPL, GB/T 35273): every full view of a sensitive field, every
export and every own-data download, written through ``record_access``.

Every app calls it (the arrows point toward ``members``). It never records a sensitive value: only
who, when, which action, a short label of what, the object's reference, the unit, the number of
rows and the address the request came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.utils import translation

from .models import AccessAction, AccessRecord, Organization

__all__ = ["AccessAction", "Counted", "describe_filters", "record_access"]

#: An ID number (17 digits and a digit or X) or a run of 12+ digits (a bank account) inside a text.
_SENSITIVE = re.compile(r"\d{17}[\dXx]|\d{12,}")


def redact(text: str) -> str:
    """Replace anything shaped like an ID number or a bank account with asterisks."""
    return _SENSITIVE.sub(lambda m: "*" * len(m.group()), text or "")


def describe_filters(params) -> str:
    """The filters of an export as ``key=value`` pairs (empty ones and paging left out), redacted."""
    if params is None:
        return ""
    parts = []
    for key in sorted(params.keys()):
        if key in {"page", "per_page", "format", "csrfmiddlewaretoken"}:
            continue
        for value in params.getlist(key) if hasattr(params, "getlist") else [params[key]]:
            if value not in ("", None):
                parts.append(f"{key}={value}")
    return redact("&".join(parts))[:500]


def _client_ip(request) -> str | None:
    """The client's real address (X-Forwarded-For from a trusted proxy only: nantong_union.client_ip)."""
    from nantong_union.client_ip import client_ip

    return client_ip(request) if request is not None else None


def _unit_id(unit, obj) -> int | None:
    if isinstance(unit, Organization):
        return unit.pk
    if isinstance(unit, int):
        return unit
    for attr in ("unit_id", "organization_id"):
        value = getattr(obj, attr, None)
        if isinstance(value, int):
            return value
    return None


def record_access(
    *,
    actor,
    action: str,
    what: str,
    rows: int = 0,
    obj: Any = None,
    unit: Organization | int | None = None,
    request=None,
    app: str = "",
    ref: str = "",
    filters: str | None = None,
) -> AccessRecord:
    """Record one access. ``obj`` (a model instance) gives the reference, the app and, through its
    ``unit_id``, the unit; ``request`` gives the IP address and, for exports, the filters (its GET)."""
    if action not in AccessAction.values:
        raise ValueError(f"unknown access action {action!r}")
    target_model, target_id = "", None
    if obj is not None and getattr(obj, "pk", None) is not None:
        target_model, target_id = obj._meta.label_lower, obj.pk
        app = app or obj._meta.app_label
    if filters is None:
        filters = describe_filters(request.GET) if request is not None and action == AccessAction.EXPORT else ""
    with translation.override(settings.LANGUAGE_CODE):  # the record is kept in the portal's language
        what = str(what)
    record = AccessRecord(
        actor=actor,
        action=action,
        app=app or "members",
        what=redact(what)[:200],
        target_model=target_model,
        target_id=target_id,
        target_ref=redact(str(ref))[:100],
        unit_id=_unit_id(unit, obj),
        rows=max(int(rows or 0), 0),
        filters=redact(filters)[:500],
        ip_address=_client_ip(request),
    )
    record.save()
    return record


class Counted:
    """Wraps an iterable of rows and counts those consumed (an export's row count, when it streams)."""

    def __init__(self, iterable: Iterable):
        self.iterable = iterable
        self.count = 0

    def __iter__(self) -> Iterator:
        for item in self.iterable:
            self.count += 1
            yield item
