"""Staff voice: inbox, statistics, export and the talk lists with many items (20,000 suggestions)."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bench.common import Context, Figure, measure_page, vacuum_analyze
from members.models import Member, Organization, OrganizationKind
from voice.models import Category, ItemKind, ItemStatus, VoiceItem

ITEMS = 20_000


def _seed() -> None:
    have = VoiceItem.objects.filter(subject__startswith="BENCH ").count()
    if have >= ITEMS:
        return
    rng = random.Random(10)
    senders = list(Member.objects.order_by("pk").values_list("pk", "unit_id")[:5000])
    city = Organization.objects.get(kind=OrganizationKind.CITY)
    now = timezone.now()
    batch = []
    for n in range(have, ITEMS):
        pk, unit_id = rng.choice(senders)
        anonymous = rng.random() < 0.3  # an anonymous item keeps no sender (issue #17)
        sent = now - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 1440))
        answered = rng.random() < 0.7
        days = rng.randint(0, 14)
        batch.append(
            VoiceItem(
                sender_id=None if anonymous else pk,
                sender_unit_id=unit_id,
                addressee_id=unit_id if rng.random() < 0.8 else city.pk,
                kind=rng.choice(ItemKind.values),
                category=rng.choice(Category.values),
                subject=f"BENCH {n}",
                text="基准测试",
                anonymous=anonymous,
                created_at=sent,
                waiting_since=sent,
                status=ItemStatus.ANSWERED if answered else ItemStatus.NEW,
                answer="已答复" if answered else "",
                first_answered_at=sent + timedelta(days=days) if answered else None,
                answered_in_time=answered and days <= 7,
                satisfied=rng.choice([True, False, None]) if answered else None,
            )
        )
    VoiceItem.objects.bulk_create(batch, batch_size=2000)
    vacuum_analyze()  # as autovacuum does shortly after a bulk load: the planner's statistics of the new items


def run(ctx: Context) -> list[Figure]:
    t = time.monotonic()
    _seed()
    out = [Figure("voice: seed 20,000 items", round(time.monotonic() - t, 1), "s")]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="admin"))
    officer = Client(HTTP_HOST="127.0.0.1")
    officer.force_login(get_user_model().objects.get(username="officer"))
    year_start = timezone.localdate().replace(month=1, day=1)
    for label, c, url in [
        ("voice inbox (city admin, all items)", client, "/voice/inbox/"),
        ("voice inbox, overdue 14 days", client, "/voice/inbox/?overdue=14"),
        ("voice inbox, search", client, "/voice/inbox/?q=BENCH%20123"),
        ("voice inbox (unit officer)", officer, "/voice/inbox/"),
        (
            "voice statistics, one year (city admin)",
            client,
            f"/voice/stats/?start={year_start.replace(year=year_start.year - 1)}",
        ),
        ("voice inbox xlsx export (unit officer)", officer, "/voice/inbox/export/"),
        ("members without a talk in 12 months (city admin)", client, "/voice/talks/due/"),
    ]:
        median, p95, queries = measure_page(c, url, 20)
        out += [
            Figure(f"{label}: median", median, "ms", "< 300"),
            Figure(f"{label}: p95", p95, "ms", "< 500"),
            Figure(f"{label}: queries", queries, "queries"),
        ]
    return out
