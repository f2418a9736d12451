"""Every posting source, made through its own app's service: posted once in its category, reversed once, and a
second undo adds nothing (the ledger refuses it, the monthly totals stay right).

Which sources have an undo in their app (issue #20, "reversed if the source is undone"):
- an activity cost: removing it (``activities.costs.cost_remove``) reverses its posting;
- a manual voucher: ``funds.services.posting_reverse`` with a reason;
- a welfare batch, an aid grant, a recuperation, a dues list, an allocation: none — a confirmed batch is final
  (only a draft is deleted, and a draft posts nothing; the admin is read-only), grants and recuperation are
  records with no cancel. ``members.ledger.reverse_spending`` is ready for them; the tests below call it
  directly so that an undo added later reverses exactly once.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from activities import costs
from assistance import services as aid
from assistance.models import Source
from funds import services
from funds.models import MonthTotal, Posting
from members.ledger import reverse_spending, source_of
from members.models import Honour
from tests.activities.factories import ActivityFactory
from tests.assistance.conftest import make_campaign
from tests.assistance.factories import HardshipCaseFactory
from tests.factories import MemberFactory
from welfare import services as welfare

from .conftest import cat

pytestmark = pytest.mark.django_db


def _welfare_batch(tree, officer_a, city_admin):
    from tests.welfare.factories import WelfarePolicyFactory
    from welfare.models import WelfarePolicy

    if not WelfarePolicy.objects.filter(year=2026).exists():
        WelfarePolicyFactory(year=2026)
    MemberFactory.create_batch(2, unit=tree["a"])
    batch = welfare.distribution_create(
        actor=officer_a,
        organization=tree["a"],
        category="festival",
        festival="mid_autumn",
        on=date(2026, 9, 20),
        item="中秋月饼礼盒",
        form="goods",
        amount=Decimal("300"),
    )
    return welfare.distribution_confirm(actor=officer_a, distribution=batch), officer_a


def _grant(tree, officer_a, city_admin, campaign=make_campaign, purpose="university"):
    case = HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]))
    grant = aid.grant_create(
        actor=city_admin,
        case=case,
        campaign=campaign(city_admin),
        purpose=purpose,
        amount=Decimal("2000"),
        source=Source.UNION,
        granted_on=timezone.localdate(),
    )
    return grant, city_admin


def _winter_campaign(city_admin):
    from assistance.models import CampaignKind

    today = timezone.localdate()
    return aid.campaign_create(
        actor=city_admin,
        data={
            "name": "冬送温暖",
            "kind": CampaignKind.WINTER,
            "opens_on": today - timedelta(days=5),
            "closes_on": today + timedelta(days=50),
            "default_amount": Decimal("2000"),
        },
        budgets={Source.UNION: Decimal("8000")},
    )


def _winter_grant(tree, officer_a, city_admin):
    return _grant(tree, officer_a, city_admin, campaign=_winter_campaign, purpose="living")


def _recuperation(tree, officer_a, city_admin):
    honour = Honour.objects.create(member=MemberFactory(unit=tree["a"]), title="model_worker", level="city", year=2024)
    today = timezone.localdate()
    trip = aid.recuperation_create(
        actor=city_admin,
        honour=honour,
        starts_on=today,
        ends_on=today + timedelta(days=4),
        place="无锡太湖",
        cost=Decimal("3200"),
    )
    return trip, city_admin


def _activity_cost(tree, officer_a, city_admin):
    activity = ActivityFactory(organizer=tree["a"], kind="badminton", mode="individual")
    cost = costs.cost_add(
        actor=officer_a,
        activity_id=activity.pk,
        kind="venue",
        amount=Decimal("800"),
        paid_on=timezone.localdate(),
        payee="市体育馆",
    )
    return cost, officer_a


SOURCES = {
    "welfare batch": (_welfare_batch, "2104", "a"),
    "aid grant (student aid)": (_grant, "2204", "city"),
    "aid grant (winter warmth)": (_winter_grant, "2205", "city"),
    "recuperation": (_recuperation, "2109", "city"),
    "activity cost": (_activity_cost, "2102", "a"),
}


def _month_sum(union, category) -> Decimal:
    return MonthTotal.objects.filter(union=union, category=category).aggregate(s=Sum("total"))["s"]


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_source_posts_once_in_its_category_and_is_reversed_once(name, tree, officer_a, city_admin):
    make, code, union = SOURCES[name]
    obj, actor = make(tree, officer_a, city_admin)
    posting = Posting.objects.get()
    assert posting.category == cat(code) and posting.union == tree[union]
    assert (posting.source_app, posting.source_model, posting.source_pk) == tuple(source_of(obj))
    reversal = reverse_spending(actor=actor, source=source_of(obj))
    assert reversal.reverses == posting and reversal.amount == -posting.amount
    with pytest.raises(ValidationError, match="已被冲销"):  # undone again: nothing more
        reverse_spending(actor=actor, source=source_of(obj))
    assert Posting.objects.count() == 2
    assert _month_sum(tree[union], cat(code)) == Decimal("0")


def test_removing_an_activity_cost_reverses_it_once_and_a_second_removal_finds_nothing(tree, officer_a, city_admin):
    cost, _actor = _activity_cost(tree, officer_a, city_admin)
    costs.cost_remove(actor=officer_a, cost_id=cost.pk)
    assert Posting.objects.filter(reverses__isnull=False).count() == 1
    with pytest.raises(Http404):
        costs.cost_remove(actor=officer_a, cost_id=cost.pk)
    assert Posting.objects.count() == 2 and _month_sum(tree["a"], cat("2102")) == Decimal("0")


def test_a_manual_voucher_is_reversed_once_with_its_reason(tree, officer_a):
    posting = services.posting_create(
        actor=officer_a,
        union=tree["a"],
        on=timezone.localdate(),
        category=cat("2103"),
        amount=Decimal("260"),
        payee="南通印务",
        voucher_number="记-101",
    )
    reversal = services.posting_reverse(actor=officer_a, posting=posting, reason="重复录入")
    assert reversal.amount == Decimal("-260") and "重复录入" in reversal.summary
    with pytest.raises(ValidationError, match="已被冲销"):
        services.posting_reverse(actor=officer_a, posting=posting, reason="再次")
    with pytest.raises(ValidationError):  # a reversal is not reversed
        services.posting_reverse(actor=officer_a, posting=reversal, reason="再次")
    assert Posting.objects.count() == 2 and _month_sum(tree["a"], cat("2103")) == Decimal("0")


def test_a_posting_from_another_page_is_not_reversed_by_hand(tree, officer_a, city_admin):
    cost, _actor = _activity_cost(tree, officer_a, city_admin)
    with pytest.raises(ValidationError, match="撤销原业务"):
        services.posting_reverse(actor=officer_a, posting=Posting.objects.get(), reason="手工冲销")
    assert Posting.objects.count() == 1 and cost.pk


def test_a_confirmed_welfare_batch_cannot_be_deleted_so_its_posting_stands(tree, officer_a, city_admin):
    batch, _actor = _welfare_batch(tree, officer_a, city_admin)
    with pytest.raises(ValidationError):
        welfare.distribution_delete(actor=officer_a, distribution=batch)
    assert Posting.objects.filter(reverses__isnull=True).count() == 1
    assert not Posting.objects.filter(reverses__isnull=False).exists()
