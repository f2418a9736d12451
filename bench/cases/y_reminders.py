"""The daily reminder scan over 100,000 members: time and query count (target under 5 s).

Runs after the page cases: it grows the database to 100,000 members (the HTTP cases z_* then run on that) and
gives every unit an officer, so that the scan really has people to tell.
"""

from __future__ import annotations

import time
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import Context, Figure, vacuum_analyze
from members.models import Member, Organization, OrganizationKind, Role, RoleAssignment
from notifications.models import Notification, ReminderRun
from notifications.reminders import run_daily_reminders

SCAN_MEMBERS = 100_000
DAY = date(2027, 3, 1)  # the first of a month: every birthday source has work to do


def _officers_everywhere() -> None:
    User = get_user_model()
    for unit in Organization.objects.filter(kind=OrganizationKind.UNIT):
        user, _ = User.objects.get_or_create(username=f"bench_officer_{unit.pk}")
        RoleAssignment.objects.get_or_create(user=user, organization=unit, role=Role.UNIT_OFFICER)


def run(ctx: Context) -> list[Figure]:
    if Member.objects.count() < SCAN_MEMBERS:
        call_command("seed_demo", members=SCAN_MEMBERS, skip_apps=True, verbosity=0)
        vacuum_analyze()  # the HTTP cases after this one read the 100,000-member table
    _officers_everywhere()
    Notification.objects.filter(key__endswith=DAY.isoformat()).delete()
    ReminderRun.objects.filter(day=DAY).delete()  # the day's scans not yet done: the first run scans
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        sent = run_daily_reminders(DAY, enqueue_email=False)
        elapsed = time.perf_counter() - started
    again = time.perf_counter()
    resent = run_daily_reminders(DAY, enqueue_email=False)
    again = time.perf_counter() - again
    return [
        Figure(f"daily reminder scan ({Member.objects.count():,} members): time", elapsed, "s", "<= 1"),
        Figure("daily reminder scan: queries", len(queries), "queries"),
        Figure("daily reminder scan: reminders sent", sum(sent.values()), "notices"),
        Figure("daily reminder scan, second run the same day: sent", sum(resent.values()), "notices", "== 0"),
        Figure("daily reminder scan, second run: time", again, "s", "<= 0.3"),
    ]
