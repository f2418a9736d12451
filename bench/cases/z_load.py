"""The load test of the hardening issue: 50 concurrent users for 60 seconds each on the member list (as a unit
officer) and on an activity's registration page (as a member), against gunicorn (2 workers) with wrk on loopback.
"""

from __future__ import annotations

from bench.cases.d_activities import make_activity
from bench.common import Context, Figure
from bench.loadtest import gunicorn, load, session_cookie

USERS, SECONDS = 50, 60


def run(ctx: Context) -> list[Figure]:
    activity = make_activity("基准测试：报名页负载（bench）", 100)
    out: list[Figure] = []
    with gunicorn(workers=2) as base:
        for label, url, username in [
            ("member list (unit officer)", "/members/", "officer"),
            ("registration page (member)", f"/activities/{activity.pk}/", "member"),
        ]:
            result = load(base + url, connections=USERS, seconds=SECONDS, cookie=session_cookie(username))
            name = f"load {USERS} users x {SECONDS} s, {label}"
            out += [
                Figure(f"{name}: requests", result.requests, "requests"),
                Figure(f"{name}: errors", result.errors, "responses", "== 0"),
                Figure(f"{name}: median", result.p50_ms, "ms"),
                Figure(f"{name}: p95", result.p95_ms, "ms"),
                Figure(f"{name}: throughput", result.requests_per_s, "req/s"),
            ]
    return out
