"""The home page dashboard per role: median and 95th percentile time, query count (target < 300 ms at 50,000).

The members' figures and per-unit counts are kept in the count cache until members or units change
(members.countcache): the officers' dashboards are also measured on the first view after such a change, when
they scan the members in scope again."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from bench.common import Context, Figure, measure_page, median_p95, timed
from members.countcache import members_changed

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
        if username != "member":

            def after_a_change(client=client):
                members_changed()
                client.get("/")

            median, _p95 = median_p95(timed(after_a_change, 5))
            out.append(Figure(f"dashboard ({label}): first view after a member change, median", median, "ms"))
    return out
