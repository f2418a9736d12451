"""A real Celery worker consumes a task from Redis and the notification lands in the database."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from nantong_union.celery import app as celery_app
from notifications.models import Notification
from notifications.tasks import notification_send_task
from tests.factories import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_worker_consumes_from_redis_and_sends_once(require_redis):
    assert celery_app.conf.broker_url.startswith("redis://")
    user = UserFactory()
    queue = f"test-{uuid.uuid4().hex[:8]}"  # private queue: parallel test workers cannot steal it
    kwargs = {"recipient_id": user.pk, "kind": "test", "key": f"test:{user.pk}:{queue}", "title": "测试通知"}
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
        notification_send_task.apply_async(kwargs=kwargs, queue=queue)
        notification_send_task.apply_async(kwargs=kwargs, queue=queue)  # a duplicate delivery
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Notification.objects.filter(recipient=user).exists():
            time.sleep(0.2)
        time.sleep(1)  # give the duplicate the chance to (wrongly) insert
    assert Notification.objects.filter(recipient=user, title="测试通知").count() == 1


def test_worker_runs_the_daily_reminders_from_redis(require_redis, tree, officer_a):
    from datetime import date

    from notifications.tasks import daily_reminders_task
    from tests.notifications.test_reminders import born

    born(date(1980, 3, 12), tree["a"])
    queue = f"test-{uuid.uuid4().hex[:8]}"
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
        daily_reminders_task.apply_async(kwargs={"day": "2027-03-10"}, queue=queue)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Notification.objects.filter(recipient=officer_a).exists():
            time.sleep(0.2)
    note = Notification.objects.get(recipient=officer_a, kind="birthdays_upcoming")
    assert "生日" in note.title
