"""The home page dashboard per role: median and 95th percentile time, query count (target < 300 ms at 50,000)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from bench.common import Context, Figure, measure_page

ROLES = [
    ("city admin, all units", "admin"),
    ("zone lead", "zonelead"),
    ("unit officer", "officer"),
    ("member", "member"),
]


def run(ctx: Context) -> list[Figure]:
    out: list[Figure] = []
    for label, username in ROLES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(get_user_model().objects.get(username=username))
        median, p95, queries = measure_page(client, "/", 20)
        out += [
            Figure(f"dashboard ({label}): median", median, "ms", "< 300"),
            Figure(f"dashboard ({label}): p95", p95, "ms", "< 500"),
            Figure(f"dashboard ({label}): queries", queries, "queries"),
        ]
    return out
