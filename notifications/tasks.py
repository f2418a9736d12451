from celery import shared_task

from .services import notification_send


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notification_send_task(
    self, *, recipient_id: int, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> int | None:
    """Create one portal notification; idempotent by key, so a redelivery sends nothing twice."""
    notification = notification_send(recipient_id=recipient_id, kind=kind, key=key, title=title, body=body, url=url)
    return notification.pk if notification else None
