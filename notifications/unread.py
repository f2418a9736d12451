"""The navbar's unread count kept between requests (issue #23): a COUNT on every page otherwise.

The count is kept per login in the shared cache beside a *generation* token of the whole inbox, and both are read
in the request's first cache round trip, with the actor's scope (``members.scopecache.keep_beside``). Every write
of a notice replaces the token, so every kept count is stale at once and the next page of each person counts
again: a notice created or saved (``post_save``: sending one, opening one), many sent at once
(``notifications_send_many``), all marked read (``notifications_mark_all_read``) and the retention job's purge
(``purge``). The token is replaced at once and again when the transaction commits, so that a page that counted
before the commit cannot keep what it saw. Without the scope cache (``SCOPE_CACHE_SECONDS`` 0, no Redis) the
count is taken on every page, as before.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from members import scopecache
from members.generation import Generation

_PREFIX = "union-unread"
GENERATION = Generation(_PREFIX, scopecache.enabled)


def _count_key(user) -> str:
    return f"{_PREFIX}:{connection.settings_dict['NAME']}:{scopecache.user_key_part(user)}"


def register() -> None:
    """Read the token and the person's kept count in the request's first cache read (NotificationsConfig.ready)."""
    scopecache.keep_beside("unread-gen", GENERATION.key)  # one token for every login
    scopecache.keep_beside("unread", _count_key)


def unread_count_kept(*, actor) -> int:
    """The actor's unread notices: the kept count when it is current, else counted (and kept)."""
    from .selectors import unread_count

    if not scopecache.enabled():
        return unread_count(actor=actor)
    gen, entry = scopecache.beside(actor, "unread-gen"), scopecache.beside(actor, "unread")
    if gen is not None and entry is not None and entry[0] == gen:
        return entry[1]
    count = unread_count(actor=actor)
    if gen is None:  # never set, or not read at the request's start (a task, a page without the middleware)
        gen = GENERATION.start()
        if gen is None:
            return count  # set meanwhile (or the cache is down): keep nothing under a token not read first
    cache.set(_count_key(actor), (gen, count), settings.SCOPE_CACHE_SECONDS)
    return count


def bump() -> None:
    """Make every kept count stale, now and again when the current transaction commits."""
    GENERATION.bump()


def purge(queryset) -> int:
    """The retention rule's delete: the old notices go, and the kept counts with them."""
    deleted = queryset.delete()[0]
    if deleted:
        bump()
    return deleted


#: Fields whose change does not alter anyone's unread count (the e-mail delivery's bookkeeping).
_DELIVERY_FIELDS = frozenset({"emailed_at", "email_attempts", "email_error"})


def _on_save(sender, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= _DELIVERY_FIELDS:
        return
    bump()
