"""Factories of the assistance app: a file already in any state of the workflow, campaigns with budgets,
roster lines, grants and recuperation trips, without walking the workflow through the services.

A test about one step (or about a page) builds the file in the state it needs, so that a broken step
fails its own tests only. Tests of the workflow itself still go through ``assistance.services``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from assistance.models import (
    Campaign,
    CampaignBudget,
    CampaignKind,
    Category,
    CloseReason,
    Grant,
    HardshipCase,
    HomeVisit,
    HouseholdMember,
    Purpose,
    Recuperation,
    RosterEntry,
    Source,
    Status,
)
from members.models import Honour, HonourLevel, HonourTitle
from tests.factories import MemberFactory, UserFactory


def _today():
    return timezone.localdate()


class HardshipCaseFactory(factory.django.DjangoModelFactory):
    """A draft file of the member's unit, with the applicant as the household's first person.

    ``HardshipCaseFactory(submitted=True)`` (or ``visited``, ``reviewed``, ``notice``, ``filed``,
    ``closed``, ``rejected``) gives a file at that state, with the dates that state has."""

    class Meta:
        model = HardshipCase
        skip_postgeneration_save = True

    class Params:
        submitted = factory.Trait(status=Status.SUBMITTED)
        visited = factory.Trait(status=Status.VISITED)
        reviewed = factory.Trait(status=Status.REVIEWED)
        notice = factory.Trait(
            status=Status.NOTICE,
            notice_start=factory.LazyFunction(lambda: _today() - timedelta(days=1)),
            notice_end=factory.LazyFunction(lambda: _today() + timedelta(days=5)),
        )
        filed = factory.Trait(
            status=Status.FILED,
            notice_start=factory.LazyFunction(lambda: _today() - timedelta(days=14)),
            notice_end=factory.LazyFunction(lambda: _today() - timedelta(days=7)),
            filed_on=factory.LazyFunction(lambda: _today() - timedelta(days=7)),
            review_due=factory.LazyFunction(lambda: _today() + timedelta(days=358)),
        )
        closed = factory.Trait(
            status=Status.CLOSED,
            close_reason=CloseReason.OUT,
            closed_on=factory.LazyFunction(_today),
            follow_up_on=factory.LazyFunction(lambda: _today() + timedelta(days=180)),
        )
        rejected = factory.Trait(status=Status.REJECTED)

    number = factory.Sequence(lambda n: f"KN{_today().year}-F{n:05d}")
    member = factory.SubFactory(MemberFactory)
    unit = factory.LazyAttribute(lambda o: o.member.unit)
    status = Status.DRAFT
    category = Category.DEEP
    causes = factory.LazyFunction(lambda: ["illness", "low_income"])
    household_size = 3
    income_per_head = Decimal("700.00")
    minimum_living_standard = Decimal("960.00")
    housing = "老旧小区两室一厅"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def applicant(case, create, extracted, **kwargs):  # noqa: N805 - factory_boy passes the object
        """The applicant in the household, as ``case_open`` puts them (not for closed or rejected files)."""
        if create and extracted is not False:
            HouseholdMember.objects.create(
                case=case,
                name=case.member.name,
                relation="本人",
                id_number_hash=case.member.id_number_hash,
                id_number_masked=case.member.id_number_masked,
                case_open=case.is_open,
            )


class HomeVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeVisit

    case = factory.SubFactory(HardshipCaseFactory, visited=True)
    visited_on = factory.LazyFunction(_today)
    visitors = "王主席"
    findings = "家中确有困难，情况属实。"
    income_check_consent = True
    recorded_by = factory.SubFactory(UserFactory)


class CampaignFactory(factory.django.DjangoModelFactory):
    """A student-aid campaign open now (30 days each side), with a union budget of 10,000 and a charity
    budget of 5,000 (``budgets={...}`` for others, ``budgets={}`` for none)."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"{_today().year}年金秋助学{n}")
    kind = CampaignKind.STUDENT
    opens_on = factory.LazyFunction(lambda: _today() - timedelta(days=30))
    closes_on = factory.LazyFunction(lambda: _today() + timedelta(days=30))
    university_amount = Decimal("3000")
    high_school_amount = Decimal("1500")
    default_amount = None
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def budgets(campaign, create, extracted, **kwargs):  # noqa: N805
        if not create:
            return
        amounts = {Source.UNION: Decimal("10000"), Source.CHARITY: Decimal("5000")} if extracted is None else extracted
        for source, amount in amounts.items():
            CampaignBudget.objects.create(campaign=campaign, source=source, amount=amount)


class RosterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RosterEntry

    campaign = factory.SubFactory(CampaignFactory)
    case = factory.SubFactory(HardshipCaseFactory, filed=True)
    purpose = Purpose.UNIVERSITY
    amount = Decimal("3000")
    source = Source.UNION
    added_by = factory.SubFactory(UserFactory)


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    case = factory.SubFactory(HardshipCaseFactory, filed=True)
    campaign = factory.SubFactory(CampaignFactory)
    purpose = Purpose.UNIVERSITY
    amount = Decimal("3000")
    source = Source.UNION
    granted_on = factory.LazyFunction(_today)
    approved_by = factory.SubFactory(UserFactory)


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    member = factory.SubFactory(MemberFactory)
    title = HonourTitle.MODEL_WORKER
    level = HonourLevel.CITY
    year = factory.LazyFunction(lambda: _today().year - 2)


class RecuperationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recuperation

    honour = factory.SubFactory(HonourFactory)
    member = factory.LazyAttribute(lambda o: o.honour.member)
    starts_on = factory.LazyFunction(_today)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=5))
    place = "无锡"
    cost = Decimal("3000")
    created_by = factory.SubFactory(UserFactory)
