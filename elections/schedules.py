"""The elections app's periodic schedule (stored by django-celery-beat, editable in the admin)."""

from notifications.schedules import Schedule

SCHEDULES = [
    # Every 5 minutes, day and night: count the online votes whose window has closed, so that the count is
    # published when the window closes (the officer's button does the same, earlier runs change nothing).
    Schedule(
        name="elections-count-closed-rounds",
        task="elections.tasks.count_closed_rounds_task",
        minute="*/5",
        hour="*",
        description="每 5 分钟统计投票时间已结束的网上投票并公布结果 / every 5 minutes: count closed online votes",
    ),
]
