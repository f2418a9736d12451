"""HTTP throughput of the member list under gunicorn (2 workers) against a trivial view, as a ratio."""

from __future__ import annotations

from bench.common import Context, Figure
from bench.loadtest import gunicorn, load, session_cookie

SECONDS = 15


def run(ctx: Context) -> list[Figure]:
    cookie = session_cookie("officer")
    with gunicorn(workers=2) as base:
        trivial = load(base + "/healthz/live", connections=20, seconds=SECONDS)
        listing = load(base + "/members/", connections=20, seconds=SECONDS, cookie=cookie)
    return [
        Figure("HTTP trivial view (gunicorn 2 workers): throughput", trivial.requests_per_s, "req/s"),
        Figure("HTTP member list (officer): throughput", listing.requests_per_s, "req/s"),
        Figure("HTTP member list: p95 latency", listing.p95_ms, "ms"),
        Figure("HTTP member list: errors", listing.errors + trivial.errors, "responses", "== 0"),
        Figure("HTTP member list / trivial view throughput", listing.requests_per_s / trivial.requests_per_s, "ratio"),
    ]
