"""The surveys app's periodic schedule (stored by django-celery-beat, editable in the admin)."""

from notifications.schedules import Schedule

SCHEDULES = [
    # Every 5 minutes, day and night: close the surveys whose end has passed (an anonymous one is mixed once
    # more as a whole), as the officer's "close" button does; earlier runs change nothing.
    Schedule(
        name="surveys-close-ended",
        task="surveys.tasks.close_ended_surveys_task",
        minute="*/5",
        hour="*",
        description="每 5 分钟关闭已到截止时间的问卷 / every 5 minutes: close the surveys whose end has passed",
    ),
]
