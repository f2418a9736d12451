"""The portal's Celery app; tasks are autodiscovered from each app's tasks.py."""

import os

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_union.settings")


class ScopedTask(Task):
    """Every task runs with the scope rule enforced (members.scoping): a task that reads city-wide
    says why with ``unscoped("…")``, and one that acts for a person narrows with ``for_actor``."""

    def __call__(self, *args, **kwargs):
        from members.scoping import scope_enforced

        with scope_enforced():
            return super().__call__(*args, **kwargs)


app = Celery("nantong_union", task_cls=ScopedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
