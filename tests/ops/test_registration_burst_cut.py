"""The database connections of a real server are cut in the middle of a registration burst.

The gunicorn server of the activities' concurrency test takes 300 simultaneous registrations for 50
places; while they are being decided, every database connection of the server is terminated
(``pg_terminate_backend``), twice. The requests caught in a transaction get the 503 page, the others
complete, and the places are still consistent: never more confirmed than the capacity, the waitlist
1..n without gaps or duplicates, every redirected registration saved.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections

from activities.models import Registration
from tests.activities.factories import ActivityFactory
from tests.activities.test_concurrency import Server, _fire, _people, _session_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _cut_when(activity_id: int, counts: list[int], own_pid: int, stop: threading.Event, cuts: list[int]) -> None:
    """In a thread (own connection): each time the registrations reach the next count, terminate
    every other connection to the test database (the server's)."""
    try:
        with connection.cursor() as cursor:
            pending = list(counts)
            while pending and not stop.is_set():
                cursor.execute("SELECT count(*) FROM activities_registration WHERE activity_id = %s", [activity_id])
                done = cursor.fetchone()[0]
                if done >= pending[0]:
                    cursor.execute(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
                        [own_pid],
                    )
                    cuts.append(cursor.fetchone()[0])
                    pending.pop(0)
                time.sleep(0.005)
    finally:
        connections.close_all()


def test_a_registration_burst_cut_twice_keeps_places_consistent(require_postgres, tree):
    activity = ActivityFactory(organizer=tree["city"], capacity=50)
    users = _people(tree, 300)
    sessions = [_session_for(u) for u in users]
    connection.ensure_connection()
    own_pid = connection.connection.info.backend_pid
    stop, cuts = threading.Event(), []
    with Server() as server:
        watcher = threading.Thread(target=_cut_when, args=(activity.pk, [40, 150], own_pid, stop, cuts))
        watcher.start()
        try:
            statuses, _seconds = _fire(server.port, [(f"/activities/{activity.pk}/register/", s) for s in sessions])
        finally:
            stop.set()
            watcher.join()
    assert len(cuts) == 2 and all(n > 0 for n in cuts), cuts  # the server's connections were really cut
    by_status = {s: statuses.count(s) for s in set(statuses)}
    assert set(statuses) <= {302, 503}, by_status  # the clear error, never a 500 or a dropped connection
    assert statuses.count(503) > 0, by_status  # the cuts hit requests in flight

    regs = Registration.objects.filter(activity=activity)
    confirmed = regs.filter(status="confirmed").count()
    positions = sorted(regs.filter(status="waitlisted").values_list("waitlist_position", flat=True))
    assert confirmed <= 50
    assert positions == list(range(1, len(positions) + 1))  # contiguous, no duplicates
    assert confirmed == 50 or not positions  # nobody waits while a place is free
    assert not regs.exclude(status__in=["confirmed", "waitlisted"]).exists()
    # Every redirected request's registration is saved, complete; a 503 left nothing behind (or, if the
    # cut came after the commit, a complete registration).
    member_of = {u.pk: u.member.pk for u in users}
    saved = set(regs.values_list("member_id", flat=True))
    redirected = {member_of[u.pk] for u, s in zip(users, statuses, strict=True) if s == 302}
    assert redirected <= saved
    assert len(saved) - len(redirected) <= statuses.count(503)
    assert regs.count() == len(saved)  # one registration per member
