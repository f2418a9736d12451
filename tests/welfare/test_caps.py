"""The cap check: boundaries, the festival split, forbidden forms, the Asia/Shanghai year."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import MemberFactory
from welfare import services
from welfare.models import Category, CategoryCap, DistributionStatus, FestivalCap, MemberBudget

from .conftest import confirmed_batch, festival_batch

pytestmark = pytest.mark.django_db


def spent(member, year=2026, festival=""):
    row = MemberBudget.objects.filter(member=member, year=year, category="festival", festival=festival).first()
    return row.spent if row else Decimal("0")


@pytest.fixture
def one(tree, officer_a):
    """Unit A with exactly one member besides the officer: the officer is removed from each roster."""
    return MemberFactory(unit=tree["a"])


def batch_for(officer, unit, member, **kwargs):
    batch = festival_batch(officer, unit, **kwargs)
    for r in batch.recipients.exclude(member=member):
        services.recipient_remove(actor=officer, recipient=r, reason="另行发放")
    return batch


def test_exactly_at_the_cap_passes_and_one_fen_over_fails(tree, officer_a, policy, one):
    # 春节 800 + 端午 500 + 清明 0 ... the split leaves 中秋 500 and the whole cap 1,800.
    for festival, on, amount in [("spring", date(2026, 2, 10), "800"), ("dragon_boat", date(2026, 6, 15), "500")]:
        batch = batch_for(officer_a, tree["a"], one, festival=festival, on=on, amount=amount)
        services.distribution_confirm(actor=officer_a, distribution=batch)
    assert spent(one) == Decimal("1300")
    over = batch_for(officer_a, tree["a"], one, festival="national", on=date(2026, 9, 28), amount="500.01")
    problems = services.cap_problems(over)
    assert [(p.name, p.spent, p.cap, p.adding) for p in problems] == [
        (one.name, Decimal("1300"), Decimal("1800"), Decimal("500.01"))
    ]
    with pytest.raises(services.CapExceeded) as exc:
        services.distribution_confirm(actor=officer_a, distribution=over)
    assert exc.value.problems[0].over_by == Decimal("0.01")
    over.refresh_from_db()
    assert over.status == DistributionStatus.DRAFT and spent(one) == Decimal("1300")  # nothing half-saved
    services.distribution_set_amount(actor=officer_a, distribution=over, amount=Decimal("500.00"))
    services.distribution_confirm(actor=officer_a, distribution=over)
    assert spent(one) == Decimal("1800")


def test_the_festival_share_is_a_cap_of_its_own(tree, officer_a, policy, one):
    first = batch_for(officer_a, tree["a"], one, festival="mid_autumn", on=date(2026, 9, 10), amount="300")
    services.distribution_confirm(actor=officer_a, distribution=first)
    second = batch_for(officer_a, tree["a"], one, festival="mid_autumn", on=date(2026, 9, 20), amount="200.01")
    problems = services.cap_problems(second)
    assert len(problems) == 1 and problems[0].cap == Decimal("500") and problems[0].spent == Decimal("300")
    with pytest.raises(services.CapExceeded):
        services.distribution_confirm(actor=officer_a, distribution=second)


def test_caps_are_data_the_administrator_changes(tree, officer_a, policy, one):
    CategoryCap.objects.filter(policy=policy, category="festival").update(cap=Decimal("100"))
    batch = batch_for(officer_a, tree["a"], one, festival="national", on=date(2026, 9, 28), amount="100.01")
    assert services.cap_problems(batch)[0].cap == Decimal("100")
    FestivalCap.objects.filter(policy=policy).delete()
    CategoryCap.objects.filter(policy=policy, category="festival").update(cap=Decimal("2000"))
    assert services.cap_problems(batch) == []


@pytest.mark.parametrize("category", [Category.FESTIVAL, Category.BIRTHDAY])
def test_money_is_refused_for_festivals_and_birthdays_even_if_a_policy_allowed_it(tree, officer_a, policy, category):
    CategoryCap.objects.filter(policy=policy).update(allow_money=True)
    with pytest.raises(ValidationError) as exc:
        services.distribution_create(
            actor=officer_a,
            organization=tree["a"],
            category=category,
            festival="spring" if category == Category.FESTIVAL else "",
            on=date(2026, 2, 10),
            item="现金",
            form="money",
            amount=Decimal("100"),
        )
    assert "form" in exc.value.message_dict


def test_a_coupon_is_allowed_for_birthdays_but_not_for_festivals(tree, officer_a, policy):
    services.distribution_create(
        actor=officer_a,
        organization=tree["a"],
        category=Category.BIRTHDAY,
        festival="",
        on=date(2026, 3, 1),
        item="蛋糕券",
        form="coupon",
        amount=Decimal("300"),
    )
    with pytest.raises(ValidationError):
        festival_batch(officer_a, tree["a"], form="coupon")


def test_money_for_illness_where_the_policy_allows_it_once_a_cap_is_set(tree, officer_a, policy):
    kwargs = {
        "actor": officer_a,
        "organization": tree["a"],
        "category": Category.ILLNESS,
        "festival": "",
        "on": date(2026, 5, 1),
        "item": "住院慰问金",
        "form": "money",
        "amount": Decimal("500"),
    }
    with pytest.raises(ValidationError) as exc:
        services.distribution_create(**kwargs)  # the seed leaves the figure empty: no invented numbers
    assert "category" in exc.value.message_dict
    CategoryCap.objects.filter(policy=policy, category="illness").update(cap=Decimal("1000"))
    assert services.distribution_create(**kwargs).form == "money"


def test_a_year_without_a_policy_is_refused_with_a_clear_message(tree, officer_a, policy):
    with pytest.raises(ValidationError) as exc:
        festival_batch(officer_a, tree["a"], on=date(2031, 9, 20))
    assert "2031" in str(exc.value.message_dict["date"])


def test_a_gift_on_31_december_2330_local_time_counts_in_that_year(tree, officer_a, policy, policy_2027, one):
    late = datetime(2026, 12, 31, 15, 30, tzinfo=UTC)  # 23:30 in Asia/Shanghai
    batch = batch_for(officer_a, tree["a"], one, festival="new_year", on=late, amount="200")
    assert batch.date == date(2026, 12, 31) and batch.policy == policy
    services.distribution_confirm(actor=officer_a, distribution=batch)
    assert spent(one, 2026) == Decimal("200") and spent(one, 2027) == Decimal("0")
    # Half an hour after local midnight: still 31 December in UTC, but 2027 in Nantong.
    early = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)
    batch = batch_for(officer_a, tree["a"], one, festival="new_year", on=early, amount="300", item="元旦")
    assert batch.date == date(2027, 1, 1) and batch.policy == policy_2027
    services.distribution_confirm(actor=officer_a, distribution=batch)
    assert spent(one, 2027) == Decimal("300") and spent(one, 2026) == Decimal("200")


def test_a_confirmed_batch_cannot_change(tree, officer_a, policy, one):
    batch = confirmed_batch(officer_a, tree["a"])
    r = batch.recipients.first()
    for call in (
        lambda: services.recipient_remove(actor=officer_a, recipient=r, reason="x"),
        lambda: services.distribution_set_amount(actor=officer_a, distribution=batch, amount=Decimal("1")),
        lambda: services.distribution_confirm(actor=officer_a, distribution=batch),
        lambda: services.distribution_delete(actor=officer_a, distribution=batch),
    ):
        with pytest.raises(ValidationError):
            call()
    assert spent(one) == Decimal("500")  # confirming twice charged once
