"""Capacity under concurrency, against a real server on PostgreSQL.

A gunicorn subprocess serves the test database with a bounded pool (4 workers x 4 threads = at most 16
database connections: the server is shared). The client opens 300 connections and releases all requests
at the same instant with a barrier.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from activities import services
from activities.models import Registration
from bench.loadtest import burst_post
from notifications.models import Notification
from tests.factories import MemberFactory

from .factories import ActivityFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
WORKERS, THREADS = 4, 4


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _db_url() -> str:
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d["PASSWORD"] else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


class Server:
    def __init__(self, *, remove_lock: bool = False):
        self.port = _free_port()
        env = dict(os.environ)
        env.update(
            DATABASE_URL=_db_url(),
            SECRET_KEY=settings.SECRET_KEY,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1",
            CONN_MAX_AGE="60",
            ACTIVITIES_TEST_REMOVE_LOCK="1" if remove_lock else "0",
        )
        env.pop("REDIS_URL", None)
        self.proc = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "tests.activities.live_wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={WORKERS}",
                f"--threads={THREADS}",
                "--worker-class=gthread",
                "--backlog=1024",
                "--timeout=120",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/healthz")
                c.getresponse().read()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        # Wait until the workers' database sessions are gone (the test database is dropped at the end).
        deadline = time.monotonic() + 15
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.2)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _session_for(user) -> str:
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


def _fire(port: int, requests: list[tuple[str, str]]) -> tuple[list[int], float]:
    """POST every (path, session) at once (the benchmark's burst: connections opened, then a barrier)."""
    cookie = settings.SESSION_COOKIE_NAME
    burst = burst_post(f"http://127.0.0.1:{port}", [(path, f"{cookie}={s}") for path, s in requests])
    return burst.statuses, burst.seconds


def _report(line: str) -> None:
    """The figures for the issue's note: printed and kept in test-artifacts/."""
    print("\n" + line)
    out = ROOT / "test-artifacts"
    out.mkdir(exist_ok=True)
    with open(out / "activities-concurrency.txt", "a", encoding="utf-8") as f:
        f.write(line + "\n")


def _people(tree, n: int) -> list:
    units = [tree["a"], tree["b"], tree["c"]]
    # No password hashing (300 PBKDF2 hashes would take minutes): the tests log in by session.
    User = get_user_model()
    start = User.objects.count()
    users = User.objects.bulk_create([User(username=f"conc{start + i}", password="!") for i in range(n)])
    for i, user in enumerate(users):
        MemberFactory(unit=units[i % 3], user=user)
    return users


def _register_300(tree, *, remove_lock: bool):
    activity = ActivityFactory(organizer=tree["city"], capacity=50)
    sessions = [_session_for(u) for u in _people(tree, 300)]
    with Server(remove_lock=remove_lock) as server:
        statuses, seconds = _fire(server.port, [(f"/activities/{activity.pk}/register/", s) for s in sessions])
    regs = Registration.objects.filter(activity=activity)
    return activity, regs, statuses, seconds


def test_300_simultaneous_registrations_for_50_places(require_postgres, tree):
    activity, regs, statuses, seconds = _register_300(tree, remove_lock=False)
    assert sorted(set(statuses)) == [302], {s: statuses.count(s) for s in set(statuses)}
    assert regs.count() == 300
    assert regs.filter(status="confirmed").count() == 50
    positions = sorted(regs.filter(status="waitlisted").values_list("waitlist_position", flat=True))
    assert positions == list(range(1, 251))
    # First come, first served: every waitlisted registration arrived after every confirmed one was decided.
    _report(
        f"300 simultaneous registrations for 50 places: 50 confirmed, 250 waitlisted 1..250, no errors; "
        f"{seconds:.2f} s, {300 / seconds:.0f} registrations/s ({WORKERS} gunicorn workers x {THREADS} threads)"
    )


def test_control_run_without_the_lock_oversells(require_postgres, tree):
    """The same test with the row lock taken out must fail its assertions: proof that it can fail."""
    activity, regs, statuses, seconds = _register_300(tree, remove_lock=True)
    confirmed = regs.filter(status="confirmed").count()
    positions = list(regs.filter(status="waitlisted").values_list("waitlist_position", flat=True))
    _report(
        f"control run without the lock: {confirmed} confirmed for 50 places, "
        f"{len(positions) - len(set(positions))} duplicate waitlist positions"
    )
    assert confirmed > 50 or len(set(positions)) < len(positions)


def test_parallel_cancellations_promote_each_freed_place_once_in_waitlist_order(require_postgres, tree):
    activity = ActivityFactory(organizer=tree["city"], capacity=50)
    users = _people(tree, 80)
    regs = [services.registration_create(actor=u, activity_id=activity.pk) for u in users]
    confirmed, waitlisted = regs[:50], regs[50:]
    assert [r.waitlist_position for r in waitlisted] == list(range(1, 31))
    cancellers = confirmed[:20]
    sessions = {r.pk: _session_for(users[i]) for i, r in enumerate(cancellers)}
    with Server() as server:
        statuses, _seconds = _fire(
            server.port, [(f"/activities/registrations/{pk}/cancel/", s) for pk, s in sessions.items()]
        )
    assert set(statuses) == {302}
    current = {r.pk: r for r in Registration.objects.filter(activity=activity)}
    assert all(current[r.pk].status == "cancelled" for r in cancellers)
    assert sum(1 for r in current.values() if r.status == "confirmed") == 50
    promoted, still = waitlisted[:20], waitlisted[20:]
    assert all(current[r.pk].status == "confirmed" for r in promoted)  # the first 20 in the queue, no one else
    assert [current[r.pk].waitlist_position for r in still] == list(range(1, 11))  # order kept, no gaps
    notes = Notification.objects.filter(kind="activity_promoted")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(users[50 + i].pk for i in range(20))
