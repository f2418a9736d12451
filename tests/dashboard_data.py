"""Data of every kind the dashboard counts, for the dashboard's query-count and end-to-end tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from activities.models import Registration
from assistance.models import Campaign, CampaignBudget, Grant, HardshipCase
from welfare.defaults import ensure_jiangsu_policy
from welfare.models import Distribution, MemberBudget

from .activities.factories import ActivityFactory
from .factories import MemberFactory


def grow(tree, admin, n: int) -> None:
    """n more of every kind the dashboard counts, in every unit: members, activities of the year with
    registrations (confirmed, checked in), filed hardship files with grants of the year's campaign, and
    confirmed festival gifts with their yearly budget rows."""
    year = timezone.localdate().year
    policy = ensure_jiangsu_policy(year)
    campaign, _ = Campaign.objects.get_or_create(
        name=f"{year}年日常帮扶",
        defaults={"kind": "everyday", "opens_on": f"{year}-01-01", "closes_on": f"{year}-12-31", "created_by": admin},
    )
    for source, amount in (("union", "900000"), ("charity", "300000")):
        CampaignBudget.objects.get_or_create(campaign=campaign, source=source, defaults={"amount": Decimal(amount)})
    for key in ("a", "b", "c"):
        unit = tree[key]
        members = MemberFactory.create_batch(n, unit=unit)
        for i, member in enumerate(members):
            starts = timezone.make_aware(datetime(year, i % 12 + 1, 10, 9, 0))
            activity = ActivityFactory(
                organizer=unit if i % 2 else tree["city"],
                starts_at=starts,
                registration_opens_at=starts - timedelta(days=20),
                registration_closes_at=starts - timedelta(days=2),
                cancellation_deadline=starts - timedelta(days=3),
            )
            Registration.objects.create(
                activity=activity, member=member, status="confirmed", attended_at=starts if i % 3 else None
            )
            case = HardshipCase.objects.create(
                number=f"T{key}{member.pk}",
                member=member,
                unit=unit,
                status="filed",
                category="deep",
                household_size=2,
                income_per_head=Decimal("600"),
                minimum_living_standard=Decimal("960"),
                created_by=admin,
            )
            Grant.objects.create(
                case=case,
                campaign=campaign,
                purpose="living",
                amount=Decimal("1000"),
                source=("union", "charity")[i % 2],
                granted_on=f"{year}-03-01",
                approved_by=admin,
            )
            MemberBudget.objects.create(member=member, year=year, category="festival", spent=Decimal("300"))
        Distribution.objects.create(
            organization=unit,
            policy=policy,
            category="festival",
            festival="national",
            date=f"{year}-09-28",
            item="国庆礼包",
            amount=Decimal("300"),
            status="confirmed",
            created_by=admin,
        )
