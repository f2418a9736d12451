"""Member list, search and detail pages: median and 95th percentile time, query count."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from bench.common import Context, Figure, measure_page
from members.models import Member


def run(ctx: Context) -> list[Figure]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="admin"))
    some = Member.objects.order_by("pk")[Member.objects.count() // 2]
    out: list[Figure] = []
    for label, url in [
        ("member list (city admin, all members)", "/members/"),
        ("member list, 100 per page (issue #23: <= 25 ms median)", "/members/?per_page=100"),
        ("member list, last page", "/members/?page=999999"),
        ("member search by name", f"/members/?q={some.name[:2]}"),
        ("member search by card number", f"/members/?q={some.card_number}"),
        ("member search by pinyin initials", f"/members/?q={some.name_search.split()[0]}"),
        ("member search by full pinyin", f"/members/?q={some.name_search.split()[1]}"),
        ("member search by part of a mobile number", f"/members/?q={some.mobile[-6:]}"),
        ("member search by full ID number", f"/members/?q={some.reveal_id_number()}"),
        ("member list sorted by name (pinyin)", "/members/?sort=name"),
        ("member list, one unit (pinyin order)", f"/members/?unit={some.unit_id}"),
        ("member detail page", f"/members/{some.pk}/"),
    ]:
        median, p95, queries = measure_page(client, url, 30)
        out += [
            Figure(f"{label}: median", median, "ms", "< 300"),
            Figure(f"{label}: p95", p95, "ms", "< 500"),
            Figure(f"{label}: queries", queries, "queries"),
        ]
    return out
