"""Activities: registration throughput under the row lock, waitlist promotion, list/calendar/participants pages
and the xlsx exports with 1,000 registrations.
(the burst of 300 simultaneous registrations against gunicorn is d_registration_burst).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from activities import services
from activities.models import Activity, Registration
from bench.common import Context, Figure, measure_page
from members.models import Member, Organization, OrganizationKind

TITLE = "基准测试活动（bench）"
PEOPLE, PLACES = 1000, 500


def make_activity(title: str, capacity: int) -> Activity:
    """A city-wide contest open for registration now (any earlier one of that title removed first)."""
    Registration.objects.filter(activity__title=title).delete()
    Activity.objects.filter(title=title).delete()
    now = timezone.now()
    return Activity.objects.create(
        title=title,
        kind="skills_contest",
        organizer=Organization.objects.get(kind=OrganizationKind.CITY),
        place="市行政中心",
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=9),
        cancellation_deadline=now + timedelta(days=8),
        capacity=capacity,
    )


def run(ctx: Context) -> list[Figure]:
    admin = get_user_model().objects.get(username="admin")
    activity = make_activity(TITLE, PLACES)
    member_ids = list(Member.objects.current().order_by("pk").values_list("pk", flat=True)[:PEOPLE])
    t = time.perf_counter()
    for member_id in member_ids:
        services.registration_create(actor=admin, activity_id=activity.pk, member_id=member_id)
    seconds = time.perf_counter() - t
    regs = Registration.objects.filter(activity=activity)
    confirmed = regs.filter(status="confirmed").count()
    positions = sorted(regs.filter(status="waitlisted").values_list("waitlist_position", flat=True))
    assert confirmed == min(PLACES, len(member_ids)) and positions == list(range(1, len(positions) + 1))

    to_cancel = list(regs.filter(status="confirmed").order_by("pk").values_list("pk", flat=True)[:50])
    t = time.perf_counter()
    for pk in to_cancel:
        services.registration_cancel(actor=admin, registration_id=pk)
    cancel_ms = (time.perf_counter() - t) * 1000 / len(to_cancel)
    assert regs.filter(status="confirmed").count() == PLACES

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    out = [
        Figure("registrations in one process (row lock, sequential)", len(member_ids) / seconds, "per s", ">= 50"),
        Figure("cancellation promoting the head of a 500-long waitlist", cancel_ms, "ms", "< 100"),
    ]
    for label, url in [
        ("activity list", "/activities/"),
        ("activity calendar", "/activities/calendar/"),
        ("activity page", f"/activities/{activity.pk}/"),
        ("participants page (1,000 registered, 100 per page)", f"/activities/{activity.pk}/participants/"),
        ("participants xlsx (1,000 rows)", f"/activities/{activity.pk}/participants.xlsx"),
        ("sign-in sheet xlsx", f"/activities/{activity.pk}/sign-in-sheet.xlsx"),
    ]:
        median, p95, queries = measure_page(client, url, 15)
        out += [
            Figure(f"{label}: median", median, "ms", "< 300" if "xlsx" not in url else "< 1500"),
            Figure(f"{label}: p95", p95, "ms", "< 500" if "xlsx" not in url else "< 2500"),
            Figure(f"{label}: queries", queries, "queries"),
        ]
    return out
