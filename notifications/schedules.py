"""The periodic schedules, declared in code and stored by django-celery-beat.

They are created when missing (after every migrate) and never overwritten, so that administrators
can change them in the admin (/admin/django_celery_beat/periodictask/). Times are Asia/Shanghai.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str
    hour: str
    description: str


SCHEDULES = [
    # Every morning at 08:00 Shanghai time: birthdays, festivals, campaigns, activity deadlines,
    # expiring committee terms and overdue reviews (every registered reminder source).
    Schedule(
        name="daily-reminders",
        task="notifications.tasks.daily_reminders_task",
        minute="0",
        hour="8",
        description="每天 08:00（北京时间）发送当天的全部提醒 / every day at 08:00 Asia/Shanghai",
    ),
    # Every 10 minutes, day and night: e-mails still pending (left behind while the broker was down,
    # or given up after mail-server failures) go out as soon as the worker runs again.
    Schedule(
        name="pending-emails",
        task="notifications.tasks.pending_emails_task",
        minute="*/10",
        hour="*",
        description="每 10 分钟补发未送出的邮件通知 / every 10 minutes: e-mails still pending",
    ),
    # Every night at 03:30 Shanghai time: the named retention job of the login log (kept at least 6 months)
    # and the access record; each run is itself recorded (members.security.records_purge).
    Schedule(
        name="records-purge",
        task="members.tasks.records_purge_task",
        minute="30",
        hour="3",
        description="每天 03:30（北京时间）清理超过保存期限的登录日志和访问记录 / daily 03:30: retention purge",
    ),
]


def sync_schedules(schedules: list[Schedule] | None = None) -> None:
    """Create the missing schedules (this app's, or another app's list); never change existing ones."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    for schedule in SCHEDULES if schedules is None else schedules:
        if PeriodicTask.objects.filter(name=schedule.name).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=schedule.minute,
            hour=schedule.hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.create(
            name=schedule.name, task=schedule.task, crontab=crontab, description=schedule.description
        )
