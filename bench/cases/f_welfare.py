"""Welfare: roster generation, the cap check and confirmation of big batches, and the pages over them."""

from __future__ import annotations

import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client

from bench.common import Context, Figure, budget_room, measure_page
from members.festivals import festival_dates
from members.models import Member, Organization
from welfare import services
from welfare.defaults import ensure_jiangsu_policy


def _ms(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def run(ctx: Context) -> list[Figure]:
    admin = get_user_model().objects.get(username="admin")
    year = 2026
    ensure_jiangsu_policy(year)
    on = festival_dates(year)["mid_autumn"]
    city = Organization.objects.get(kind="city")
    unit = Organization.objects.get(name="市财政局")
    unit_members = Member.objects.filter(unit=unit).count()
    out: list[Figure] = []

    def create(org, item):
        return services.distribution_create(
            actor=admin,
            organization=org,
            category="festival",
            festival="mid_autumn",
            on=on,
            item=item,
            form="goods",
            amount=Decimal("300"),
        )

    # A city-wide batch: its roster covers every current member (rolled back afterwards).
    with transaction.atomic():
        ms, batch = _ms(lambda: create(city, "bench city-wide"))
        people = batch.recipients.count()
        out.append(Figure(f"city-wide roster generation ({people} people)", ms, "ms", "< 15000"))
        ms, _ = _ms(lambda: services.cap_problems(batch))
        out.append(Figure("city-wide cap check preview", ms, "ms", "< 5000"))
        budget_room(year, people * Decimal("3000"))
        ms, _ = _ms(lambda: services.distribution_confirm(actor=admin, distribution=batch))
        out.append(Figure(f"city-wide confirm (lock + charge {people} budgets)", ms, "ms", "< 30000"))
        transaction.set_rollback(True)

    # A unit batch, kept as a draft for the page figures; rolled back at the end.
    with transaction.atomic():
        ms, batch = _ms(lambda: create(unit, "bench unit"))
        out.append(Figure(f"unit roster generation ({unit_members} members)", ms, "ms", "< 1000"))
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(admin)
        for label, url in [
            ("batch page (draft, cap check)", f"/welfare/distributions/{batch.pk}/"),
            ("batch list", "/welfare/distributions/"),
            ("spending report", f"/welfare/report/?year={year}"),
            ("welfare home", "/welfare/"),
        ]:
            median, p95, queries = measure_page(client, url, 15)
            out += [
                Figure(f"{label}: median", median, "ms", "< 300"),
                Figure(f"{label}: p95", p95, "ms", "< 500"),
                Figure(f"{label}: queries", queries, "queries"),
            ]
        t = time.perf_counter()
        response = client.get(f"/welfare/distributions/{batch.pk}/signoff.xlsx")
        out.append(Figure("sign-off sheet xlsx (unit batch)", (time.perf_counter() - t) * 1000, "ms", "< 1000"))
        assert response.status_code == 200
        t = time.perf_counter()
        client.get(f"/welfare/report.xlsx?year={year}")
        out.append(Figure("spending report xlsx", (time.perf_counter() - t) * 1000, "ms", "< 1000"))
        ms, _ = _ms(lambda: services.distribution_confirm(actor=admin, distribution=batch))
        out.append(Figure("unit confirm", ms, "ms", "< 1000"))
        transaction.set_rollback(True)
    return out
