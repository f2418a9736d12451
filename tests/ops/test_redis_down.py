"""Redis is down: pages and actions still work, nothing is lost, and the e-mails catch up afterwards.

"Down" is real: the Celery broker and the cache point at a port where nothing listens, so every
publish and every cache call meets a refused connection. The tests run on any database; the last
one needs the real Redis (it is "Redis back").
"""

from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from activities import services as activity_services
from activities.models import Registration
from nantong_union.celery import app as celery_app
from notifications import services as notification_services
from notifications.models import Notification, NotificationPreference
from notifications.services import notification_enqueue, notification_send, notifications_email_pending
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory, UserFactory, valid_id_number

NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused at once


def _reset_celery_pools() -> None:
    """Forget the app's pools; the next publish looks them up again for the current broker URL (kombu
    keeps one pool per URL, so nothing is closed here: the real broker's pool stays usable)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str, options: dict | None = None):
    """Point Celery's broker at ``url`` (its connection pools are rebuilt), then back."""
    saved = celery_app.conf.broker_url, celery_app.conf.broker_transport_options
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = options or {}
    _reset_celery_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_url, celery_app.conf.broker_transport_options = saved
        _reset_celery_pools()
        notification_services._broker_down_until = 0.0  # back: the next publish tries the broker at once


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "nantong_union.cache.ForgivingRedisCache",
            "LOCATION": NOWHERE,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with broker_at(NOWHERE):
        yield


def wants_email(user, address: str) -> None:
    NotificationPreference.objects.create(user=user, by_email=True, email=address)


# --- pages and actions --------------------------------------------------------------------------------
@pytest.mark.django_db
def test_pages_answer_while_redis_is_down(client, officer_a, members_abc, redis_down):
    cache.set("probe", 1)
    assert cache.get("probe") is None  # Redis really is unreachable, and that is a miss, not an error
    assert cache.get_many(["a", "b"]) == {} and cache.add("x", 1) is False
    client.force_login(officer_a)
    for url in ["/", "/members/", "/activities/", "/activities/calendar/", "/welfare/", "/assistance/",
                "/notifications/", "/voice/"]:  # fmt: skip
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db(transaction=True)
def test_a_cancellation_that_promotes_is_saved_and_its_emails_wait_for_the_sweep(
    client, tree, officer_a, redis_down, caplog
):
    """An officer cancels three confirmed places at once (a lower capacity is not allowed, so one by
    one): each promotes the next waiting person, who is told in the portal; the e-mails wait."""
    activity = ActivityFactory(organizer=tree["city"], capacity=3)
    people = [UserFactory() for _ in range(6)]
    for user in people:
        MemberFactory(unit=tree["a"], user=user)
    for user in people[3:]:
        wants_email(user, f"{user.username}@example.gov.cn")
    regs = [activity_services.registration_create(actor=u, activity_id=activity.pk) for u in people]
    assert [r.status for r in regs] == ["confirmed"] * 3 + ["waitlisted"] * 3

    client.force_login(officer_a)
    started = time.monotonic()
    for r in regs[:3]:
        response = client.post(f"/activities/registrations/{r.pk}/cancel/")
        assert response.status_code == 302
    assert time.monotonic() - started < 6
    tried = [r for r in caplog.records if r.getMessage().startswith("broker unavailable")]
    assert len(tried) == 1  # the dead broker is tried once, then left alone for a while, not once per e-mail
    status = dict(Registration.objects.filter(activity=activity).values_list("pk", "status"))
    assert [status[r.pk] for r in regs] == ["cancelled"] * 3 + ["confirmed"] * 3
    notes = Notification.objects.filter(kind="activity_promoted")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(u.pk for u in people[3:])
    assert not notes.filter(emailed_at__isnull=False).exists() and mail.outbox == []  # told; e-mails wait

    # The sweep (every 10 minutes, the daily run, send_daily_reminders) sends them, once.
    notes.update(created_at=timezone.now() - timedelta(minutes=6))
    assert notifications_email_pending().sent == 3
    assert notifications_email_pending().sent == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{u.username}@example.gov.cn" for u in people[3:])
    assert not notes.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db
def test_without_a_broker_a_queued_notification_is_created_in_process(
    member_a, redis_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notification_enqueue(recipient_id=member_a.pk, kind="test", key="test:redis-down", title="通知")
    assert Notification.objects.filter(recipient=member_a, key="test:redis-down").count() == 1


@pytest.mark.django_db
def test_the_sweep_leaves_young_unwanted_and_given_up_emails_alone(tree, redis_down):
    user = UserFactory(email="u@example.gov.cn")
    wants_email(user, "")
    silent = UserFactory(email="s@example.gov.cn")  # no preference: portal only
    old = timezone.now() - timedelta(hours=1)
    for key, recipient, attempts, created in [
        ("due", user, 0, old),
        ("young", user, 0, timezone.now()),
        ("given-up", user, 7, old),
        ("too-old", user, 0, timezone.now() - timedelta(days=8)),
        ("portal-only", silent, 0, old),
    ]:
        n = Notification.objects.create(recipient=recipient, kind="t", key=key, title=key, email_attempts=attempts)
        Notification.objects.filter(pk=n.pk).update(created_at=created)
    assert notifications_email_pending().sent == 1
    assert [m.subject for m in mail.outbox] == ["due"] and mail.outbox[0].to == ["u@example.gov.cn"]


@pytest.mark.django_db
def test_send_daily_reminders_runs_without_redis_and_sends_what_was_pending(tree, officer_a, redis_down):
    wants_email(officer_a, "officer@example.gov.cn")
    MemberFactory(unit=tree["a"], id_number=valid_id_number(9101, born=date(1980, 3, 12)))
    earlier = Notification.objects.create(
        recipient=officer_a, kind="activity_promoted", key="left-behind", title="旧通知"
    )
    call_command("send_daily_reminders", "--date", "2027-03-10")
    birthday = Notification.objects.get(recipient=officer_a, kind="birthdays_upcoming")
    earlier.refresh_from_db()
    assert birthday.emailed_at is not None and earlier.emailed_at is not None
    assert sorted(m.subject for m in mail.outbox) == sorted([birthday.title, "旧通知"])


def test_the_pending_emails_are_swept_every_ten_minutes_by_beat(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name="pending-emails")  # created by migrate
    assert task.crontab.minute == "*/10" and task.crontab.hour == "*" and task.enabled
    assert task.task in celery_app.tasks


@pytest.mark.django_db
def test_healthz_names_the_broker_while_redis_is_down(client, redis_down):
    started = time.monotonic()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "broker": "unavailable", "status": "degraded"}
    assert time.monotonic() - started < 10


@pytest.mark.django_db
def test_login_and_its_throttling_work_while_redis_is_down(client, officer_a, settings, redis_down):
    settings.AXES_ENABLED = True
    assert client.post("/accounts/login/", {"username": "officer_a", "password": "Test@pass-2026"}).status_code == 302
    client.logout()
    statuses = [client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"}).status_code
                for _ in range(5)]  # fmt: skip
    assert statuses == [200, 200, 200, 200, 429]  # locked out as usual (attempts live in the database)


# --- Redis back ----------------------------------------------------------------------------------------
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_pending_emails_go_out_through_the_worker_once_redis_is_back(require_redis, tree, officer_a):
    from celery.contrib.testing.worker import start_worker

    from notifications.tasks import pending_emails_task

    wants_email(officer_a, "officer@example.gov.cn")
    with broker_at(NOWHERE), transaction.atomic():
        note = notification_send(recipient_id=officer_a.pk, kind="test", key="test:while-down", title="停机时的通知")
    assert Notification.objects.get(pk=note.pk).emailed_at is None  # the publish failed: pending
    Notification.objects.filter(pk=note.pk).update(created_at=timezone.now() - timedelta(minutes=6))

    assert celery_app.conf.broker_url.startswith("redis://") and celery_app.conf.broker_url != NOWHERE
    queue = f"test-{uuid.uuid4().hex[:8]}"  # private queue: parallel test workers cannot steal it
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
        pending_emails_task.apply_async(queue=queue)  # what beat sends every 10 minutes
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not Notification.objects.get(pk=note.pk).emailed_at:
            time.sleep(0.2)
    assert Notification.objects.get(pk=note.pk).emailed_at is not None
    assert [m.subject for m in mail.outbox] == ["停机时的通知"]
