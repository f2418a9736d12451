"""Thin Celery tasks: take ids or ISO dates, call a service; retries live here."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone

from .reminders import run_daily_reminders
from .services import EmailDeliveryError, notification_email, notification_send, notifications_email_pending

#: Retry delays stay far below the broker's visibility timeout (1 h), so no ETA outlives it.
EMAIL_RETRY_DELAYS = (30, 60, 120, 300, 600, 600)


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notification_send_task(
    self, *, recipient_id: int, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> int | None:
    """Create one portal notification; idempotent by key, so a redelivery sends nothing twice."""
    notification = notification_send(recipient_id=recipient_id, kind=kind, key=key, title=title, body=body, url=url)
    return notification.pk if notification else None


@shared_task(bind=True, max_retries=len(EMAIL_RETRY_DELAYS))
def notification_email_task(self, *, notification_id: int) -> bool:
    """E-mail a notification; on a mail-server failure retry with growing delays (30 s … 10 min)."""
    try:
        return notification_email(notification_id=notification_id)
    except EmailDeliveryError as exc:
        delay = EMAIL_RETRY_DELAYS[min(self.request.retries, len(EMAIL_RETRY_DELAYS) - 1)]
        raise self.retry(exc=exc, countdown=delay) from exc


def parse_day(value: str | None) -> date:
    """Today in Asia/Shanghai, or the given YYYY-MM-DD; a clear error for anything else."""
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"date must be YYYY-MM-DD, got {value!r}") from None


@shared_task
def daily_reminders_task(day: str | None = None) -> dict[str, int]:
    """All daily reminders for the day (default: today in Asia/Shanghai), then the e-mails still
    pending from earlier (e.g. while the broker was down). Safe to run twice."""
    sent = run_daily_reminders(parse_day(day))
    notifications_email_pending()
    return sent


@shared_task
def pending_emails_task() -> dict[str, int]:
    """E-mail what is still pending: notifications created while the broker was down, or given up
    by the e-mail task after the mail server refused them (up to MAX_EMAIL_ATTEMPTS in all)."""
    result = notifications_email_pending()
    return {"sent": result.sent, "failed": result.failed}
