"""The portal's Celery app; tasks are autodiscovered from each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_union.settings")

app = Celery("nantong_union")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
