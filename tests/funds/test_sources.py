"""Every posting source lands in the right category once and is reversed once: a welfare batch, a grant from
union funds (not government aid or charity), recuperation, an activity's costs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities import costs
from assistance import services as aid
from assistance.models import Source
from funds import services
from funds.models import Posting
from members.ledger import SourceRef, post_spending, reverse_spending
from members.models import Honour
from tests.activities.factories import ActivityFactory
from tests.assistance.conftest import make_campaign
from tests.assistance.factories import HardshipCaseFactory
from tests.factories import MemberFactory
from welfare import services as welfare

from .conftest import approved_budget, cat

pytestmark = pytest.mark.django_db


def _festival_batch(officer, unit, amount="500"):
    from tests.welfare.factories import WelfarePolicyFactory
    from welfare.models import WelfarePolicy

    if not WelfarePolicy.objects.filter(year=2026).exists():  # a transactional test flushed the migration's
        WelfarePolicyFactory(year=2026)
    batch = welfare.distribution_create(
        actor=officer,
        organization=unit,
        category="festival",
        festival="mid_autumn",
        on=date(2026, 9, 20),
        item="中秋月饼礼盒",
        form="goods",
        amount=Decimal(amount),
    )
    return batch


def test_a_confirmed_festival_batch_posts_its_total_to_collective_welfare(tree, officer_a):
    MemberFactory.create_batch(3, unit=tree["a"])
    batch = _festival_batch(officer_a, tree["a"])
    assert not Posting.objects.exists()  # a draft posts nothing
    welfare.distribution_confirm(actor=officer_a, distribution=batch)
    posting = Posting.objects.get()
    on_roster = batch.recipients.filter(included=True).count()
    assert posting.union == tree["a"] and posting.category == cat("2104")
    assert posting.amount == Decimal("500") * on_roster and posting.date == date(2026, 9, 20)
    assert (posting.source_app, posting.source_model, posting.source_pk) == ("welfare", "distribution", str(batch.pk))


def test_a_batch_over_the_unions_budget_is_not_confirmed(tree, officer_a):
    MemberFactory.create_batch(3, unit=tree["a"])
    approved_budget(officer_a, tree["a"], year=2026, amounts={"2104": "1000"})
    batch = _festival_batch(officer_a, tree["a"])
    with pytest.raises(services.BudgetExceeded):
        welfare.distribution_confirm(actor=officer_a, distribution=batch)
    batch.refresh_from_db()
    assert batch.is_draft and not Posting.objects.exists()  # nothing half-saved


def test_a_grant_from_union_funds_posts_to_the_city_union_and_charity_does_not(tree, city_admin):
    campaign = make_campaign(city_admin)
    union_case = HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]))
    charity_case = HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]))
    today = timezone.localdate()
    grant = aid.grant_create(
        actor=city_admin,
        case=union_case,
        campaign=campaign,
        purpose="university",
        amount=Decimal("3000"),
        source=Source.UNION,
        granted_on=today,
    )
    aid.grant_create(
        actor=city_admin,
        case=charity_case,
        campaign=campaign,
        purpose="university",
        amount=Decimal("2000"),
        source=Source.CHARITY,
        granted_on=today,
    )
    posting = Posting.objects.get()
    assert posting.union == tree["city"] and posting.category == cat("2204") and posting.amount == Decimal("3000")
    assert posting.source_pk == str(grant.pk) and posting.payee == union_case.number  # no name in the ledger


def test_recuperation_posts_its_cost(tree, city_admin):
    honour = Honour.objects.create(member=MemberFactory(unit=tree["a"]), title="model_worker", level="city", year=2024)
    today = timezone.localdate()
    aid.recuperation_create(
        actor=city_admin,
        honour=honour,
        starts_on=today,
        ends_on=today + timedelta(days=4),
        place="无锡太湖",
        cost=Decimal("3200"),
    )
    posting = Posting.objects.get()
    assert posting.union == tree["city"] and posting.category == cat("2109") and posting.amount == Decimal("3200")


def test_an_activity_cost_posts_once_and_its_removal_reverses_it_once(tree, officer_a):
    sports = ActivityFactory(organizer=tree["a"], kind="badminton", mode="individual")
    training = ActivityFactory(organizer=tree["a"], kind="training")
    today = timezone.localdate()
    cost = costs.cost_add(
        actor=officer_a, activity_id=sports.pk, kind="venue", amount=Decimal("800"), paid_on=today, payee="市体育馆"
    )
    costs.cost_add(
        actor=officer_a, activity_id=training.pk, kind="materials", amount=Decimal("120"), paid_on=today, payee="书店"
    )
    assert {p.category.code for p in Posting.objects.all()} == {"2102", "2101"}
    costs.cost_remove(actor=officer_a, cost_id=cost.pk)
    reversal = Posting.objects.get(reverses__isnull=False)
    assert reversal.amount == Decimal("-800") and reversal.reverses.source_pk == str(cost.pk)
    ref = SourceRef("activities", "activitycost", str(cost.pk))
    with pytest.raises(ValidationError):  # reversed once
        reverse_spending(actor=officer_a, source=ref)


def test_a_zone_activity_posts_to_the_city_union(tree, city_admin):
    activity = ActivityFactory(organizer=tree["zone1"], kind="fitness")
    costs.cost_add(
        actor=city_admin,
        activity_id=activity.pk,
        kind="prizes",
        amount=Decimal("50"),
        paid_on=timezone.localdate(),
        payee="奖品店",
    )
    assert Posting.objects.get().union == tree["city"]


def test_a_source_posts_once(tree, officer_a):
    ref = SourceRef("welfare", "distribution", "999")
    kwargs = {
        "actor": officer_a,
        "kind": "welfare.birthday",
        "union_id": tree["a"].pk,
        "on": timezone.localdate(),
        "amount": Decimal("10"),
        "source": ref,
    }
    post_spending(**kwargs)
    with pytest.raises(ValidationError):
        post_spending(**kwargs)
    assert Posting.objects.count() == 1
    reverse_spending(actor=officer_a, source=ref)
    assert Posting.objects.count() == 2
    assert reverse_spending(actor=officer_a, source=SourceRef("welfare", "distribution", "1000")) is None


def test_another_units_officer_cannot_add_or_remove_costs(tree, officer_a, officer_b):
    from django.http import Http404

    activity = ActivityFactory(organizer=tree["a"], kind="fitness")
    cost = costs.cost_add(
        actor=officer_a,
        activity_id=activity.pk,
        kind="prizes",
        amount=Decimal("50"),
        paid_on=timezone.localdate(),
        payee="奖品店",
    )
    with pytest.raises(Http404):
        costs.cost_remove(actor=officer_b, cost_id=cost.pk)
    assert not Posting.objects.filter(reverses__isnull=False).exists()
