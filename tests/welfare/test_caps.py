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


def _three_near_the_cap(officer, unit):
    """Three members who received 1,400 (800 at spring + 600 at Qingming) and one who received 800: a 500
    mid-autumn batch takes the three over the 1,800 cap by 100 each."""
    near = [MemberFactory(unit=unit, name=name) for name in ("李近限", "周近限", "吴近限")]
    fine = MemberFactory(unit=unit, name="王正常")
    confirmed_batch(officer, unit, festival="spring", on=date(2026, 2, 10), amount="800")
    extra = festival_batch(officer, unit, festival="qingming", on=date(2026, 4, 3), amount="600")
    for r in extra.recipients.exclude(member__in=near):
        services.recipient_remove(actor=officer, recipient=r, reason="仅个别")
    services.distribution_confirm(actor=officer, distribution=extra)
    return near, fine


def test_the_cap_check_is_a_summary_with_the_largest_amount_that_passes(tree, officer_a, policy):
    near, _fine = _three_near_the_cap(officer_a, tree["a"])
    batch = festival_batch(officer_a, tree["a"], amount="500")
    check = services.cap_check(batch)
    assert check.people == 3 and check.total_over == Decimal("300") and check.max_over == Decimal("100")
    assert check.by_cap == [("节日慰问品", Decimal("1800"), 3)]
    assert check.largest_amount == Decimal("400")  # 1,800 − 1,400: passes for everyone
    services.distribution_set_amount(actor=officer_a, distribution=batch, amount=check.largest_amount)
    assert services.cap_check(batch).people == 0
    services.distribution_confirm(actor=officer_a, distribution=batch)


def test_one_action_takes_exactly_the_people_over_the_cap_out_with_the_reason(tree, officer_a, policy):
    near, fine = _three_near_the_cap(officer_a, tree["a"])
    batch = festival_batch(officer_a, tree["a"], amount="500")
    on_roster = set(batch.recipients.filter(included=True).values_list("member_id", flat=True))
    removed = services.distribution_remove_over_cap(actor=officer_a, distribution=batch, reason="已达年度节日慰问上限")
    assert {r.member_id for r in removed} == {m.pk for m in near}
    assert set(batch.recipients.filter(included=True).values_list("member_id", flat=True)) == on_roster - {
        m.pk for m in near
    }
    line = batch.recipients.get(member=near[0])
    assert not line.included and line.reason == "已达年度节日慰问上限"
    last = line.history.latest("history_date")
    assert last.history_change_reason == "已达年度节日慰问上限" and last.included is False
    assert batch.recipients.get(member=fine).included
    services.distribution_confirm(actor=officer_a, distribution=batch)
    with pytest.raises(ValidationError):  # a confirmed batch no longer changes
        services.distribution_remove_over_cap(actor=officer_a, distribution=batch, reason="x")


def test_the_remove_over_cap_action_needs_a_reason_and_someone_over(tree, officer_a, policy):
    _three_near_the_cap(officer_a, tree["a"])
    batch = festival_batch(officer_a, tree["a"], amount="500")
    with pytest.raises(ValidationError):
        services.distribution_remove_over_cap(actor=officer_a, distribution=batch, reason="  ")
    assert services.cap_check(batch).people == 3  # nothing changed
    services.distribution_set_amount(actor=officer_a, distribution=batch, amount=Decimal("400"))
    with pytest.raises(ValidationError):
        services.distribution_remove_over_cap(actor=officer_a, distribution=batch, reason="超限")
