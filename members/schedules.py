"""The retention job's schedule, declared in code and stored by django-celery-beat, created **switched off**.

Created when missing (after every migrate) and never changed afterwards: a city administrator switches it on
in the admin (/admin/django_celery_beat/periodictask/, "个人信息保存期限清理", tick "Enabled") after reading a dry run;
whether it is on is theirs to decide. Times are Asia/Shanghai.
"""

from __future__ import annotations

RETENTION = "个人信息保存期限清理"  # the periodic task's name, shown in the admin


def sync_retention_schedule() -> None:
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    if PeriodicTask.objects.filter(name=RETENTION).exists():
        return
    # Every Sunday at 03:00 Beijing time (a quiet hour): what has passed its retention period.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="3", day_of_week="0", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.create(
        name=RETENTION,
        task="members.tasks.retention_task",
        crontab=crontab,
        enabled=False,
        description="每周日 03:00（北京时间）按保存期限删除或匿名化到期数据；"
        "默认关闭，由市级机关工会管理员在阅读试运行报告后开启",
    )
