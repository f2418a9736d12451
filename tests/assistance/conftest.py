"""Fixtures of the assistance tests: files at each step, a campaign with budgets.

The fixtures build their objects with the factories (tests/assistance/factories.py), so that a broken
workflow step fails only its own tests; ``open_case``/``file_case``/``make_campaign`` go through the
services, for the tests of the workflow itself and for other apps' tests that want the real path."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from assistance import services
from assistance.models import CampaignKind, Category, Source
from tests.factories import MemberFactory

from .factories import CampaignFactory, HardshipCaseFactory

DATA = {
    "category": Category.DEEP,
    "causes": ["illness", "low_income"],
    "household_size": 3,
    "income_per_head": Decimal("700.00"),
    "minimum_living_standard": Decimal("960.00"),
    "housing": "老旧小区两室一厅",
}


def open_case(actor, member, household=(), **extra):
    return services.case_open(actor=actor, member=member, data={**DATA, **extra}, household=list(household))


def file_case(officer, admin, member):
    """A case taken through every step to "filed"."""
    today = timezone.localdate()
    case = open_case(officer, member)
    services.case_submit(actor=officer, case=case)
    services.case_record_visit(
        actor=officer, case=case, visited_on=today, visitors="王主席", findings="属实", consent=True
    )
    services.case_review(actor=admin, case=case)
    services.case_start_notice(actor=admin, case=case, start=today - timedelta(days=21), end=today - timedelta(days=1))
    return services.case_approve(actor=admin, case=case)


@pytest.fixture
def applicant_a(tree):
    return MemberFactory(unit=tree["a"], name="张小明")


@pytest.fixture
def draft_a(officer_a, applicant_a):
    return open_case(officer_a, applicant_a)


@pytest.fixture
def filed_a(officer_a, applicant_a):
    """A filed case of unit A (approved after its notice ended a week ago)."""
    return HardshipCaseFactory(filed=True, member=applicant_a, created_by=officer_a, housing="老旧小区两室一厅")


@pytest.fixture
def campaign(city_admin):
    """Student aid, open now: 3,000 per university and 1,500 per high-school student; union 10,000, charity 5,000."""
    return CampaignFactory(name="2026年金秋助学", created_by=city_admin)


@pytest.fixture
def winter(city_admin):
    """Winter warmth, open now: 2,000 per file; charity 8,000."""
    today = timezone.localdate()
    return CampaignFactory(
        name="2026年冬送温暖",
        kind=CampaignKind.WINTER,
        opens_on=today - timedelta(days=5),
        closes_on=today + timedelta(days=50),
        university_amount=None,
        high_school_amount=None,
        default_amount=Decimal("2000"),
        created_by=city_admin,
        budgets={Source.CHARITY: Decimal("8000")},
    )


def make_campaign(city_admin):
    today = timezone.localdate()
    return services.campaign_create(
        actor=city_admin,
        data={
            "name": "2026年金秋助学",
            "kind": CampaignKind.STUDENT,
            "opens_on": today - timedelta(days=30),
            "closes_on": today + timedelta(days=30),
            "university_amount": Decimal("3000"),
            "high_school_amount": Decimal("1500"),
        },
        budgets={Source.UNION: Decimal("10000"), Source.CHARITY: Decimal("5000")},
    )


def make_winter(city_admin):
    today = timezone.localdate()
    return services.campaign_create(
        actor=city_admin,
        data={
            "name": "2026年冬送温暖",
            "kind": CampaignKind.WINTER,
            "opens_on": today - timedelta(days=5),
            "closes_on": today + timedelta(days=50),
            "default_amount": Decimal("2000"),
        },
        budgets={Source.CHARITY: Decimal("8000")},
    )
