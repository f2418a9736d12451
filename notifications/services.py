"""Writes of notifications. Idempotent by key: inserting the key first is what sends once."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import Notification


def notification_send(
    *, recipient_id: int, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> Notification | None:
    """Create the notification unless one with this key exists; return it, or None if it did."""
    try:
        with transaction.atomic():
            return Notification.objects.create(
                recipient_id=recipient_id, kind=kind, key=key[:200], title=title[:200], body=body, url=url
            )
    except IntegrityError:
        return None


def notification_enqueue(**kwargs) -> None:
    """Send through the worker once the current transaction commits (ids and text only)."""
    from .tasks import notification_send_task

    transaction.on_commit(lambda: notification_send_task.delay(**kwargs))
