from celery import shared_task

from .services import overdue_notify


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def voice_overdue_remind_task(self) -> dict[str, int]:
    """Remind officers of items unanswered 7 days and city administrators of those unanswered 14 days.

    Idempotent (keys per item and waiting start), so a daily beat tick or a retry sends nothing twice.
    The daily reminders (notifications.tasks.daily_reminders_task, 08:00) run the same source.
    """
    return overdue_notify()
