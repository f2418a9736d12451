"""The reports app's periodic schedule (stored by django-celery-beat, editable in the admin)."""

from notifications.schedules import Schedule

SCHEDULES = [
    # Every hour at minute 20: delete the workbooks whose download time (REPORT_TTL_HOURS) has passed.
    Schedule(
        name="reports-purge-expired",
        task="reports.tasks.purge_expired_reports",
        minute="20",
        hour="*",
        description="每小时第 20 分钟删除已过期的年度报表文件 / every hour at minute 20: delete expired report files",
    ),
]
