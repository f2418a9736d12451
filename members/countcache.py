"""Member counts kept between requests (issue #23): the member list's paginator counts the members of each
unit on every page (a scan of the whole visible table: 50,000 rows for the city, a million at province
scale) although they change only when a member is added, changed or removed.

:func:`remembered` keeps such a result in the shared cache under the exact SQL that computes it (so the
actor's scope and the filters are part of the key) beside a *generation* token that every write to
members or organisations replaces:

- ``Member`` and ``Organization`` saved or deleted (model signals, connected in ``MembersConfig.ready``);
- the bulk writes that bypass the signals call :func:`members_changed` themselves: the roster import
  (``members.roster.save_plan``), the retention job's anonymising update, ``seed_demo``.

The token is replaced at once and again on commit (a request that counted before the commit and stored
under the new token is made stale by the second replacement), and a count also expires after
``MEMBER_COUNT_CACHE_SECONDS`` (setting; 0 switches this off, the default without Redis). Reading costs
one round trip to the cache (the token and the entry together).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection

from .generation import Generation

T = TypeVar("T")
_PREFIX = "union-counts"


def enabled() -> bool:
    return getattr(settings, "MEMBER_COUNT_CACHE_SECONDS", 0) > 0


GENERATION = Generation(_PREFIX, enabled)


def query_key(queryset) -> str | None:
    """A key for what ``queryset`` reads: its SQL and parameters (None for a queryset that reads nothing)."""
    if queryset.query.is_empty():
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter on no ids (an empty page, a scope without units): nothing to keep
        return None
    digest = hashlib.sha256(repr((sql, params)).encode()).hexdigest()[:40]
    return f"{_PREFIX}:{connection.settings_dict['NAME']}:{digest}"


def remembered(key: str | None, compute: Callable[[], T]) -> T:
    """``compute()``, or what it gave since the last change to members or organisations."""
    if key is None or not enabled():
        return compute()
    gen_key = GENERATION.key()
    got = cache.get_many([gen_key, key])
    gen = got.get(gen_key)
    entry = got.get(key)
    if gen is not None and entry is not None and entry[0] == gen:
        return entry[1]
    if gen is None:
        gen = GENERATION.start()
        if gen is None:
            return compute()  # set meanwhile by someone else, or no cache: keep nothing
    value = compute()
    cache.set(key, (gen, value), settings.MEMBER_COUNT_CACHE_SECONDS)
    return value


def members_changed() -> None:
    """Every remembered count is stale: now, and again when the current transaction commits."""
    GENERATION.bump()


def also_changed_by(model) -> None:
    """Every save or delete of ``model`` makes the remembered counts stale: members and organisations here, and
    the rows of other apps that counts of members depend on (voice's members without a talk in 12 months: a talk
    recorded or deleted changes them). Bulk updates of such rows must call :func:`members_changed` themselves (a
    queryset's ``delete()`` sends the signals once a receiver is connected)."""
    GENERATION.bumped_by(model)


def connect() -> None:
    from .models import Member, Organization

    for model in (Member, Organization):
        also_changed_by(model)
