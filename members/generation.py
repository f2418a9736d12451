"""A generation token in the shared cache: what is kept under it goes stale, all at once, when it is replaced.

The kept scopes (``members.scopecache``), the kept member counts (``members.countcache``) and the kept unread
counts (``notifications.unread``) each store ``(token, value)`` and trust a value only while the token they read
is still the current one. Replacing the token (:meth:`Generation.bump`) is the invalidation: once at once, and
again when the transaction commits, so that a request that read the database before the commit and stored what
it saw under the new token is made stale by the second replacement.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction


class Generation:
    def __init__(self, prefix: str, enabled: Callable[[], bool]):
        self.prefix = prefix
        self.enabled = enabled

    def key(self, *_ignored) -> str:
        """The token's cache key. The database name keeps apart databases that share one Redis (test workers,
        the bench). (Extra arguments are ignored, so that it can serve as a per-login key function too.)"""
        return f"{self.prefix}:{connection.settings_dict['NAME']}:gen"

    def start(self) -> str | None:
        """A token where none was set (a fresh cache): the new one, or None when someone else set one first or the
        cache is down, in which case the caller computes and keeps nothing."""
        token = uuid.uuid4().hex
        return token if cache.add(self.key(), token, None) else None

    def bump(self) -> None:
        """Make everything kept under the token stale, now and again when the current transaction commits."""
        if not self.enabled():
            return
        self._replace()
        transaction.on_commit(self._replace)

    def bumped_by(self, model) -> None:
        """Bump on every save or delete of ``model`` (its signals; bulk writes that send none bump themselves)."""
        from django.db.models.signals import post_delete, post_save

        uid = f"{self.prefix}-{model._meta.label}"
        post_save.connect(self._on_change, sender=model, weak=False, dispatch_uid=f"{uid}-save")
        post_delete.connect(self._on_change, sender=model, weak=False, dispatch_uid=f"{uid}-delete")

    def _on_change(self, sender, **kwargs) -> None:
        self.bump()

    def _replace(self) -> None:
        cache.set(self.key(), uuid.uuid4().hex, None)
