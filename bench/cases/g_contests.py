"""Works contests: the certificates of 500 prize winners as one PDF download, and the results page."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bench.common import Context, Figure, measure_page
from contests.models import Contest, Entry, Result
from members.models import Member, Organization, OrganizationKind

TITLE = "基准测试：征文比赛（bench）"
WINNERS = 500


def make_final_contest(title: str, winners: int) -> Contest:
    """A final city contest with ``winners`` prize-winning entries (rows as the services leave them)."""
    Contest.objects.filter(title=title).delete()
    now = timezone.now()
    contest = Contest.objects.create(
        title=title,
        kind="essay",
        organizer=Organization.objects.get(kind=OrganizationKind.CITY),
        allow_text=True,
        allow_image=False,
        submissions_close_at=now - timedelta(days=20),
        first_prizes=10,
        second_prizes=40,
        third_prizes=100,
        excellence_awards=winners - 150,
        status="final",
        final_at=now,
    )
    members = list(Member.objects.current().order_by("pk")[:winners])
    entries = Entry.objects.bulk_create(
        [
            Entry(contest=contest, code=f"B{i:05d}", member=m, unit_id=m.unit_id, title=f"征文作品{i}", text="正文")
            for i, m in enumerate(members)
        ]
    )
    prizes = ["first"] * 10 + ["second"] * 40 + ["third"] * 100 + ["excellence"] * (winners - 150)
    Result.objects.bulk_create(
        [
            Result(
                contest=contest,
                entry=e,
                score=Decimal(100 - i / 10),
                judges=5,
                rank=i + 1,
                prize=prizes[i],
                certificate_no=f"{now.year}-{contest.pk:04d}-{i + 1:04d}",
            )
            for i, e in enumerate(entries)
        ]
    )
    return contest


def run(ctx: Context) -> list[Figure]:
    contest = make_final_contest(TITLE, WINNERS)
    admin = get_user_model().objects.get(username="admin")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    t = time.perf_counter()
    response = client.get(f"/contests/{contest.pk}/certificates.pdf")
    seconds = time.perf_counter() - t
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    median, p95, queries = measure_page(client, f"/contests/{contest.pk}/results/", repeat=10)
    return [
        Figure(f"certificates of {WINNERS} winners as one PDF download", seconds, "s", "< 30"),
        Figure("  its size", len(response.content) / 1024, "KiB"),
        Figure("results page (50 per page): median", median, "ms", "< 300"),
        Figure("  queries", queries, "queries"),
    ]
