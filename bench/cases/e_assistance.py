"""Assistance pages and exports at scale: file list, file page, grant report, xlsx roster, batch grants."""

from __future__ import annotations

import time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.utils import timezone

from assistance import services
from assistance.models import Campaign, CampaignKind, Grant, HardshipCase, HouseholdMember, RosterEntry, Status
from bench.common import Context, Figure, budget_room, measure_page, vacuum_analyze
from members.models import Member

FILES = 3000
BATCH = 500


def _seed(admin) -> tuple[Campaign, Campaign]:
    today = timezone.localdate()
    main = Campaign.objects.filter(name="BENCH 冬送温暖").first()
    if main is None:
        main = services.campaign_create(
            actor=admin,
            data={
                "name": "BENCH 冬送温暖",
                "kind": CampaignKind.WINTER,
                "opens_on": today,
                "closes_on": today,
                "default_amount": Decimal("800"),
            },
            budgets={"union": Decimal("100000000"), "charity": Decimal("100000000")},
        )
        batch = services.campaign_create(
            actor=admin,
            data={
                "name": "BENCH 日常帮扶",
                "kind": CampaignKind.EVERYDAY,
                "opens_on": today,
                "closes_on": today,
                "default_amount": Decimal("500"),
            },
            budgets={"union": Decimal("100000000")},
        )
    else:
        batch = Campaign.objects.get(name="BENCH 日常帮扶")
    have = HardshipCase.objects.count()
    if have < FILES:
        taken = set(HardshipCase.objects.values_list("member_id", flat=True))
        members = [
            m
            for m in Member.objects.order_by("pk").only("pk", "unit_id", "name", "id_number_hash", "id_number_masked")[
                : FILES * 2
            ]
            if m.pk not in taken
        ][: FILES - have]
        cases = HardshipCase.objects.bulk_create(
            HardshipCase(
                number=f"BN-{m.pk:08d}",
                member=m,
                unit_id=m.unit_id,
                status=Status.FILED,
                category="deep",
                causes=["illness"],
                household_size=3,
                income_per_head=Decimal("700"),
                minimum_living_standard=Decimal("960"),
                created_by=admin,
                filed_on=today,
                review_due=today.replace(year=today.year + 1),
                bank_account_masked="***************1234",
            )
            for m in members
        )
        HouseholdMember.objects.bulk_create(
            HouseholdMember(
                case=c,
                name=m.name,
                relation="本人",
                id_number_hash=m.id_number_hash,
                id_number_masked=m.id_number_masked,
            )
            for c, m in zip(cases, members, strict=True)
        )
        Grant.objects.bulk_create(
            Grant(
                case=c,
                campaign=main,
                purpose="living",
                amount=Decimal("800"),
                source="union",
                granted_on=today,
                approved_by=admin,
            )
            for c in cases
        )
    return main, batch


def run(ctx: Context) -> list[Figure]:
    admin = get_user_model().objects.get(username="admin")
    main, batch = _seed(admin)
    vacuum_analyze()  # as autovacuum does shortly after a bulk load (the seed's files, households and grants)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    some = HardshipCase.objects.order_by("pk")[HardshipCase.objects.count() // 2]
    out: list[Figure] = [
        Figure("hardship files in the database", HardshipCase.objects.count(), "files"),
        Figure("grants in the database", Grant.objects.count(), "grants"),
    ]
    for label, url in [
        ("file list (city admin)", "/assistance/"),
        ("file list, overdue filter", "/assistance/?due=overdue"),
        ("file page", f"/assistance/{some.pk}/"),
        ("grant report (all grants)", "/assistance/reports/"),
    ]:
        median, p95, queries = measure_page(client, url, 15)
        out += [
            Figure(f"{label}: median", median, "ms", "< 300"),
            Figure(f"{label}: p95", p95, "ms", "< 500"),
            Figure(f"{label}: queries", queries, "queries"),
        ]
    n = Grant.objects.filter(campaign=main).count()
    median, p95, queries = measure_page(client, f"/assistance/reports/xlsx/?campaign={main.pk}", 3)
    out += [
        Figure(f"xlsx disbursement roster, {n} rows: median", median, "ms", "< 5000"),
        Figure("xlsx roster: queries", queries, "queries"),
    ]
    # Batch grant creation from a roster of BATCH files (fresh each run).
    Grant.objects.filter(campaign=batch).delete()
    RosterEntry.objects.filter(campaign=batch).delete()
    ids = list(HardshipCase.objects.filter(status=Status.FILED).order_by("pk").values_list("pk", flat=True)[:BATCH])
    RosterEntry.objects.bulk_create(
        RosterEntry(campaign=batch, case_id=i, purpose="living", amount=Decimal("500"), source="union", added_by=admin)
        for i in ids
    )
    with transaction.atomic():  # rolled back: the grants post to the units' budgets (issue #20)
        budget_room(timezone.localdate().year, Decimal("100000000"))
        t = time.perf_counter()
        created, _ = services.grants_from_roster(actor=admin, campaign=batch, granted_on=timezone.localdate())
        elapsed = time.perf_counter() - t
        transaction.set_rollback(True)
    out += [
        Figure(f"batch grants from a roster of {created}", elapsed * 1000, "ms", "< 10000"),
        Figure("batch grants per second", created / elapsed if elapsed else 0, "grants/s"),
    ]
    return out
