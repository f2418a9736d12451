"""Union funds: importing a 50,000-member payroll deduction list of dues, and the budget execution page of the
city union over a year of 500,000 postings (everything rolled back afterwards)."""

from __future__ import annotations

import time
from datetime import date
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from bench.common import Context, Figure, measure_page
from funds import dues, services
from funds.defaults import ensure_defaults
from members.models import Member, MemberStatus, Organization

POSTINGS = 500_000


def _list(members) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["会员证号", "姓名", "会费"])
    for card, name in members:
        ws.append([card, name, 25.5])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def run(ctx: Context) -> list[Figure]:
    ensure_defaults()
    admin = get_user_model().objects.get(username="admin")
    out: list[Figure] = []
    unit = Organization.objects.get(name="市财政局")
    city = Organization.objects.get(kind="city")
    year = timezone.localdate().year

    # Dues: every active member moved into one unit for the measurement, one month's list of all of them.
    with transaction.atomic():
        Member.objects.filter(status=MemberStatus.ACTIVE).update(unit=unit)
        members = list(
            Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE)
            .order_by("pk")
            .values_list("card_number", "name")
        )
        data = _list(members)
        t = time.perf_counter()
        batch = dues.dues_import(actor=admin, union=unit, month=date(year - 1, 1, 1), data=data, file_name="bench.xlsx")
        seconds = time.perf_counter() - t
        out.append(Figure(f"dues list import ({batch.rows} rows): time", seconds * 1000, "ms"))
        out.append(Figure("dues list import: rows per second", batch.rows / seconds, "rows/s", ">= 2000"))
        transaction.set_rollback(True)

    # Budget execution over a year of 500,000 postings of the city union (loaded with SQL, their monthly
    # totals rebuilt as the services keep them).
    with transaction.atomic():
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO funds_posting (union_id, date, category_id, amount, payee, summary, voucher_number,
                    attachment, attachment_type, source_kind, source_app, source_model, source_pk, created_at)
                SELECT %s, make_date(%s, 1, 1) + (g %% 365), c.ids[1 + g %% array_length(c.ids, 1)],
                       (10 + g %% 97)::numeric, '基准', '', '', '', '', '', '', '', '', now()
                FROM generate_series(1, %s) g,
                     (SELECT array_agg(id ORDER BY id) ids FROM funds_category WHERE is_leaf) c
                """,
                [city.pk, year, POSTINGS],
            )
            cursor.execute("ANALYZE funds_posting")
        services.rebuild_month_totals(city.pk)
        out.append(
            Figure(f"load {POSTINGS} postings and rebuild the monthly totals", (time.perf_counter() - t) * 1000, "ms")
        )
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(admin)
        for label, url in [
            ("budget execution, city union, 500k postings", f"/funds/execution/?union={city.pk}&year={year}"),
            ("statement, city union", f"/funds/statement/?union={city.pk}&year={year}"),
            ("ledger list, city union", f"/funds/ledger/?union={city.pk}"),
        ]:
            median, p95, queries = measure_page(client, url, 15)
            out += [
                Figure(f"{label}: median", median, "ms", "< 300"),
                Figure(f"{label}: p95", p95, "ms"),
                Figure(f"{label}: queries", queries, "queries", "<= 16"),
            ]
        t = time.perf_counter()
        response = client.get(f"/funds/execution/export/?union={city.pk}&year={year}")
        assert response.status_code == 200
        b"".join(response.streaming_content)
        out.append(Figure("budget execution xlsx, city union", (time.perf_counter() - t) * 1000, "ms", "< 1000"))
        transaction.set_rollback(True)
    return out
