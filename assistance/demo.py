"""Demo data for the assistance app (called by ``manage.py seed_demo``; running it twice changes nothing).

It acts as the demo's ``admin`` (a superuser), so every read goes through that actor's scope (everything)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members.models import Honour, HonourLevel, HonourTitle, Member

from .models import Campaign, CampaignKind, Category, HardshipCase, Source, Status
from .workdays import end_after

CAUSES = (["illness"], ["schooling", "low_income"], ["disability"], ["single_parent", "low_income"], ["disaster"])
HOUSING = ("老旧小区两室一厅，约55平方米", "租住公房，约40平方米", "与父母同住，约70平方米")


@transaction.atomic
def seed(*, stdout, rng) -> None:
    from . import services

    admin = get_user_model().objects.filter(username="admin").first()
    if (
        admin is None
        or Campaign.objects.for_actor(admin).filter(name=f"{timezone.localdate().year}年金秋助学").exists()
    ):
        return
    today = timezone.localdate()
    year = today.year
    campaigns = {
        "student": services.campaign_create(
            actor=admin,
            data={
                "name": f"{year}年金秋助学",
                "kind": CampaignKind.STUDENT,
                "opens_on": today.replace(month=7, day=1),
                "closes_on": today.replace(month=8, day=31),
                "university_amount": Decimal("3000"),
                "high_school_amount": Decimal("1500"),
            },
            budgets={Source.UNION: Decimal("60000"), Source.CHARITY: Decimal("20000")},
        ),
        "winter": services.campaign_create(
            actor=admin,
            data={
                "name": f"{year}年冬送温暖",
                "kind": CampaignKind.WINTER,
                "opens_on": today.replace(month=12, day=15),
                "closes_on": today.replace(month=12, day=31) + timedelta(days=40),
                "default_amount": Decimal("2000"),
            },
            budgets={
                Source.UNION: Decimal("80000"),
                Source.GOVERNMENT: Decimal("30000"),
                Source.CHARITY: Decimal("30000"),
            },
        ),
    }
    members = list(Member.objects.for_actor(admin).filter(card_number__startswith="NT").order_by("pk")[:40:4])
    opened = 0
    for n, member in enumerate(members):
        if HardshipCase.objects.for_actor(admin).filter(member=member).exists():
            continue
        case = services.case_open(
            actor=admin,
            member=member,
            data={
                "category": [Category.DEEP, Category.RELATIVE, Category.ACCIDENT][n % 3],
                "causes": CAUSES[n % 5],
                "household_size": 3 + n % 3,
                "income_per_head": Decimal(700 + 90 * n),
                "minimum_living_standard": Decimal("960"),
                "housing": HOUSING[n % 3],
                "bank_name": "南通农商银行",
            },
            household=[],
            bank_account=f"6228480{n:012d}",
        )
        opened += 1
        if n % 5 == 4:
            continue  # stays a draft
        services.case_submit(actor=admin, case=case)
        services.case_record_visit(
            actor=admin,
            case=case,
            visited_on=today,
            visitors="工会主席、工会委员",
            findings="家中确有困难，情况属实。",
            consent=True,
        )
        services.case_review(actor=admin, case=case)
        if n % 5 == 3:
            services.case_start_notice(actor=admin, case=case, start=today, end=end_after(today, 5))
            continue  # in public notice
        services.case_start_notice(
            actor=admin, case=case, start=today - timedelta(days=21), end=today - timedelta(days=1)
        )
        case = services.case_approve(actor=admin, case=case)
        services.roster_add(
            actor=admin,
            campaign=campaigns["student"],
            case=case,
            purpose="university" if n % 2 else "high_school",
            source=Source.UNION,
        )
    services.grants_from_roster(actor=admin, campaign=campaigns["student"], granted_on=today)
    for n, member in enumerate(
        Member.objects.for_actor(admin).filter(card_number__startswith="NT").order_by("pk")[3:6]
    ):
        Honour.objects.for_actor(admin).get_or_create(
            member=member,
            title=HonourTitle.MODEL_WORKER,
            year=year - 2 - n,
            defaults={"level": HonourLevel.CITY, "name": f"{year - 2 - n}年度南通市劳动模范"},
        )
    stdout.write(
        f"Assistance: {opened} hardship files, {len(campaigns)} campaigns, "
        f"{HardshipCase.objects.for_actor(admin).filter(status=Status.FILED).count()} filed."
    )
