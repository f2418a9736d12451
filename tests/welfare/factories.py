"""Welfare factories: a policy with its caps, and batches in each state with their rosters, built as
rows (no workflow), so that a test that needs a state does not depend on every step before it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.db.models import F
from django.utils import timezone

from tests.factories import MemberFactory, OrganizationFactory, UserFactory
from welfare.models import (
    Category,
    CategoryCap,
    Distribution,
    DistributionStatus,
    FestivalCap,
    GiftForm,
    MemberBudget,
    Recipient,
    WelfarePolicy,
)

#: The Jiangsu figures the tests use (苏工发〔2018〕13号): category: (cap or None, goods, coupon, money).
JIANGSU_CAPS = {
    "festival": (Decimal("1800"), True, False, False),
    "birthday": (Decimal("400"), True, True, False),
    "marriage": (Decimal("1000"), True, False, False),
    "childbirth": (Decimal("1000"), True, False, False),
    "illness": (None, True, False, True),
    "retirement": (None, True, False, False),
}
JIANGSU_FESTIVAL_SPLIT = {"spring": Decimal("800"), "dragon_boat": Decimal("500"), "mid_autumn": Decimal("500")}


class WelfarePolicyFactory(factory.django.DjangoModelFactory):
    """A Jiangsu policy with the caps above; ``caps={...}`` / ``festival_caps={...}`` for others, ``{}`` for none."""

    class Meta:
        model = WelfarePolicy
        skip_postgeneration_save = True

    year = 2026
    province = "江苏"
    document = "苏工发〔2018〕13号"

    @factory.post_generation
    def caps(self, create, extracted, **kwargs):
        figures = JIANGSU_CAPS if extracted is None else extracted
        for category, (cap, goods, coupon, money) in figures.items():
            CategoryCapFactory(
                policy=self, category=category, cap=cap, allow_goods=goods, allow_coupon=coupon, allow_money=money
            )

    @factory.post_generation
    def festival_caps(self, create, extracted, **kwargs):
        split = JIANGSU_FESTIVAL_SPLIT if extracted is None else extracted
        for festival, cap in split.items():
            FestivalCapFactory(policy=self, festival=festival, cap=cap)


class CategoryCapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryCap

    policy = factory.SubFactory(WelfarePolicyFactory, caps={}, festival_caps={})
    category = Category.FESTIVAL
    cap = Decimal("1800")
    allow_goods = True


class FestivalCapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FestivalCap

    policy = factory.SubFactory(WelfarePolicyFactory, caps={}, festival_caps={})
    festival = "mid_autumn"
    cap = Decimal("500")


class DistributionFactory(factory.django.DjangoModelFactory):
    """A draft festival batch of a unit; ``roster=[members]`` puts them on it at the batch's amount."""

    class Meta:
        model = Distribution
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    policy = factory.SubFactory(WelfarePolicyFactory, year=factory.SelfAttribute("..date.year"))
    category = Category.FESTIVAL
    festival = "mid_autumn"
    date = date(2026, 9, 20)
    item = "中秋月饼礼盒"
    form = GiftForm.GOODS
    amount = Decimal("500")
    status = DistributionStatus.DRAFT
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def roster(self, create, extracted, **kwargs):
        for member in extracted or []:
            RecipientFactory(distribution=self, member=member)


class ConfirmedDistributionFactory(DistributionFactory):
    """A confirmed batch: its roster's yearly budget rows are charged as the confirmation charges them
    (the category's row, and the festival's share row where the policy splits the festival cap)."""

    status = DistributionStatus.CONFIRMED
    confirmed_by = factory.SelfAttribute("created_by")
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def roster(self, create, extracted, **kwargs):
        keys = [""]
        if self.festival and self.policy.festival_caps.filter(festival=self.festival).exists():
            keys.append(self.festival)
        for member in extracted or []:
            recipient = RecipientFactory(distribution=self, member=member)
            for key in keys:
                row, _created = MemberBudget.objects.get_or_create(
                    member=member, year=self.date.year, category=self.category, festival=key
                )
                MemberBudget.objects.filter(pk=row.pk).update(spent=F("spent") + recipient.amount)


class RecipientFactory(factory.django.DjangoModelFactory):
    """A person on a batch's roster (a member of the batch's unit unless given)."""

    class Meta:
        model = Recipient

    distribution = factory.SubFactory(DistributionFactory)
    member = factory.SubFactory(MemberFactory, unit=factory.SelfAttribute("..distribution.organization"))
    amount = factory.SelfAttribute("distribution.amount")
