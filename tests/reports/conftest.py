"""A small known data set for the yearly report (2025), and Celery run in-process."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.models import EntryStatus, Registration
from assistance.models import Campaign, CampaignBudget, Grant, HardshipCase, Source, Status
from members.models import Committee, CommitteePost, OrganizationKind
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory, OrganizationFactory
from welfare.defaults import ensure_jiangsu_policy
from welfare.models import MemberBudget

YEAR = 2025
CHAIR_NAME = '=HYPERLINK("http://x","主席")'
HOSTILE_UNIT = "+市测试局"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def eager_celery():
    """Tasks run in-process when enqueued (the code path is the same .delay() as in production)."""
    from nantong_union.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


def at(day: date, hour: int = 9):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour), timezone.get_current_timezone())


def activity(organizer, day: date, **kwargs):
    starts = at(day)
    return ActivityFactory(
        organizer=organizer,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_opens_at=starts - timedelta(days=20),
        registration_closes_at=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=2),
        **kwargs,
    )


def register(act, member, status=EntryStatus.CONFIRMED, attended=False):
    return Registration.objects.create(
        activity=act, member=member, status=status, attended_at=act.starts_at if attended else None
    )


def hardship_case(member, user, n: int, **extra):
    return HardshipCase.objects.create(
        number=f"KN{YEAR}{n:04d}",
        member=member,
        unit=member.unit,
        status=extra.pop("status", Status.FILED),
        category="deep",
        household_size=3,
        income_per_head=Decimal("700"),
        minimum_living_standard=Decimal("960"),
        filed_on=extra.pop("filed_on", date(YEAR, 3, 1)),
        created_by=user,
        **extra,
    )


@pytest.fixture
def year_data(tree, city_admin, members_abc):
    """2025 in units A, B (zone 1) and C (zone 2), plus a unit with a formula-like name in zone 2.

    Members: A 3+1 (the administrator), B 3 (one a woman), C 3, the hostile unit 2 (one joined in 2025).
    """
    a, b, c = tree["a"], tree["b"], tree["c"]
    hostile = OrganizationFactory(name=HOSTILE_UNIT, parent=tree["zone2"], kind=OrganizationKind.UNIT, sort_order=9)
    MemberFactory(unit=hostile)
    MemberFactory(unit=hostile, join_date=date(YEAR, 4, 1))
    woman = members_abc["b"][0]
    woman.gender = "F"
    woman.save(update_fields=["gender"])
    ma, mb, mc = members_abc["a"], members_abc["b"], members_abc["c"]

    # Activities: one of the city (A: 2 confirmed, 1 present; B: 1 cancelled; C: 1 confirmed, present),
    # one of unit C (C: 1 confirmed), and one in 2024 that the report leaves out.
    city_act = activity(tree["city"], date(YEAR, 5, 10), title="=建功新时代技能竞赛")
    register(city_act, ma[0], attended=True)
    register(city_act, ma[1])
    register(city_act, mb[0], status=EntryStatus.CANCELLED)
    register(city_act, mc[0], attended=True)
    c_act = activity(c, date(YEAR, 6, 1), title="市公安局读书会")
    register(c_act, mc[1])
    old = activity(tree["city"], date(YEAR - 1, 12, 31), title="去年的活动")
    register(old, ma[2], attended=True)

    # Assistance: a campaign with a union budget of 5,000; grants to files of A (union 1,000 and
    # government 500) and of C (union 800); one grant in 2024 that the report leaves out.
    campaign = Campaign.objects.create(
        name="2025年金秋助学",
        kind="student",
        opens_on=date(YEAR, 7, 1),
        closes_on=date(YEAR, 8, 31),
        created_by=city_admin,
    )
    CampaignBudget.objects.create(campaign=campaign, source=Source.UNION, amount=Decimal("5000"))
    case_a = hardship_case(ma[0], city_admin, 1)
    case_c = hardship_case(mc[0], city_admin, 2, filed_on=date(YEAR - 1, 5, 1))
    for case, purpose, source, amount, on in (
        (case_a, "university", Source.UNION, "1000", date(YEAR, 8, 10)),
        (case_a, "living", Source.GOVERNMENT, "500", date(YEAR, 8, 12)),
        (case_c, "high_school", Source.UNION, "800", date(YEAR, 8, 15)),
        (case_c, "living", Source.UNION, "300", date(YEAR - 1, 8, 15)),
    ):
        Grant.objects.create(
            case=case,
            campaign=campaign,
            purpose=purpose,
            amount=Decimal(amount),
            source=source,
            granted_on=on,
            approved_by=city_admin,
        )

    # Welfare: the 2025 Jiangsu caps; A's member got 1,900 in festival gifts (A's cap: 1,800 × 4 members),
    # C's member a 300 birthday cake; a 2024 row the report leaves out.
    ensure_jiangsu_policy(YEAR)
    MemberBudget.objects.create(member=ma[0], year=YEAR, category="festival", spent=Decimal("1900"))
    MemberBudget.objects.create(member=ma[0], year=YEAR, category="festival", festival="spring", spent=Decimal("800"))
    MemberBudget.objects.create(member=mc[0], year=YEAR, category="birthday", spent=Decimal("300"))
    MemberBudget.objects.create(member=mc[1], year=YEAR - 1, category="birthday", spent=Decimal("300"))

    # Committees: A's (2021 + 5 years, a chair with a formula-like name, an audit member), C's (ended 2024).
    chair = ma[1]
    chair.name = CHAIR_NAME  # as if an import had let it through
    chair.save(update_fields=["name"])
    committee_a = Committee.objects.create(unit=a, term_start=date(2021, 3, 1), term_years=5)
    CommitteePost.objects.create(committee=committee_a, member=chair, post="chair", elected_on=date(2021, 3, 1))
    CommitteePost.objects.create(committee=committee_a, member=ma[2], post="audit", elected_on=date(2021, 3, 1))
    committee_c = Committee.objects.create(unit=c, term_start=date(2019, 6, 1), term_years=5)
    CommitteePost.objects.create(committee=committee_c, member=mc[2], post="member", elected_on=date(2019, 6, 1))
    return {"hostile": hostile, "campaign": campaign, "a": a, "b": b, "c": c}
