"""Who reads which welfare rows: the rule declared on the models (scope_path/scope_owner), tried by an
officer of another unit, a zone lead and a plain member; and the data migration's frozen figures."""

from __future__ import annotations

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from members.models import Member
from members.scoping import scope_enforced
from welfare import defaults
from welfare.models import CategoryCap, Distribution, FestivalCap, MemberBudget, Recipient, WelfarePolicy

from .factories import ConfirmedDistributionFactory, DistributionFactory, WelfarePolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def batches(tree, officer_a, city_admin, member_a, policy):
    """A confirmed batch of unit A (its members charged) and a city-wide one that lists member_a too."""
    unit_a = list(Member.objects.filter(unit=tree["a"]))
    a = ConfirmedDistributionFactory(organization=tree["a"], policy=policy, created_by=officer_a, roster=unit_a)
    city = ConfirmedDistributionFactory(
        organization=tree["city"],
        policy=policy,
        festival="national",
        date=date(2026, 9, 28),
        created_by=city_admin,
        roster=[member_a.member],
    )
    return {"a": a, "city": city}


def read(model, actor, **kwargs) -> set[int]:
    with scope_enforced():
        return set(model.objects.for_actor(actor, **kwargs).values_list("pk", flat=True))


def test_an_officer_of_another_unit_reads_none_of_unit_as_batch_roster_or_budgets(batches, officer_a, officer_b):
    a = batches["a"]
    a_lines = set(a.recipients.values_list("pk", flat=True))
    a_budgets = set(MemberBudget.objects.filter(member__unit=a.organization).values_list("pk", flat=True))
    assert a_lines and a_budgets
    # The control: unit A's officer reads and manages them...
    assert a.pk in read(Distribution, officer_a, manage=True) and a_lines <= read(Recipient, officer_a)
    assert a_budgets <= read(MemberBudget, officer_a)
    # ...the officer of unit B reads none of them.
    assert a.pk not in read(Distribution, officer_b)
    assert not read(Recipient, officer_b) & a_lines
    assert not read(MemberBudget, officer_b) & a_budgets


def test_a_city_wide_batch_is_the_city_administrators_and_a_member_reads_the_own_line(
    batches, officer_a, zone_lead, member_a, city_admin
):
    city = batches["city"]
    own_line = city.recipients.get(member=member_a.member).pk
    assert city.pk in read(Distribution, city_admin, manage=True)
    for officer in (officer_a, zone_lead):
        assert city.pk not in read(Distribution, officer) and own_line not in read(Recipient, officer)
    assert city.pk not in read(Distribution, member_a)  # the batch itself: no
    assert own_line in read(Recipient, member_a)  # the own line of it: yes
    others = set(batches["a"].recipients.exclude(member=member_a.member).values_list("pk", flat=True))
    assert others and not read(Recipient, member_a) & others


def test_an_officer_of_another_unit_gets_404_for_the_sign_off_sheet_and_the_print_view(
    client, batches, officer_a, officer_b
):
    urls = [reverse(name, args=[batches["a"].pk]) for name in ("welfare:signoff_xlsx", "welfare:signoff_print")]
    client.force_login(officer_a)
    assert [client.get(url).status_code for url in urls] == [200, 200]  # the control
    client.force_login(officer_b)
    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_a_roster_line_of_another_batch_cannot_be_signed_through_the_own_batch(
    client, tree, officer_a, officer_b, policy
):
    """Officer B signs on B's own confirmed batch, but with a roster line of unit A: 404, nothing recorded."""
    own = ConfirmedDistributionFactory(
        organization=tree["b"], policy=policy, created_by=officer_b, roster=[officer_b.member]
    )
    foreign = DistributionFactory(
        organization=tree["a"], policy=policy, created_by=officer_a, roster=[officer_a.member]
    ).recipients.get()
    client.force_login(officer_b)
    data = {"received_on": "2026-09-20", "received_by": ""}
    own_line = own.recipients.get()
    assert client.post(reverse("welfare:recipient_sign", args=[own.pk, own_line.pk]), data).status_code == 302
    assert client.post(reverse("welfare:recipient_sign", args=[own.pk, foreign.pk]), data).status_code == 404
    foreign.refresh_from_db()
    own_line.refresh_from_db()
    assert own_line.received_on == date(2026, 9, 20) and foreign.received_on is None


def test_the_member_section_shows_a_members_gifts_of_city_wide_batches_to_the_units_officer(
    client, tree, officer_a, officer_b, city_admin, member_a
):
    year = timezone.localdate().year
    policy = WelfarePolicyFactory(year=year)
    for org, item, creator in ((tree["a"], "单位中秋礼盒", officer_a), (tree["city"], "全市国庆礼包", city_admin)):
        ConfirmedDistributionFactory(
            organization=org,
            policy=policy,
            date=date(year, 1, 2),
            item=item,
            created_by=creator,
            roster=[member_a.member],
        )
    url = reverse("members:detail", args=[member_a.member.pk])
    client.force_login(officer_a)
    section = client.get(url).content.decode().split('data-testid="welfare-section"', 1)[1]
    assert "单位中秋礼盒" in section and "全市国庆礼包" in section
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


def test_the_data_migration_seeds_its_own_frozen_figures(monkeypatch):
    """Migration 0002 keeps a copy of the figures: a later change to welfare.defaults changes nothing."""
    monkeypatch.setitem(defaults.JIANGSU_CAPS, "festival", (Decimal("9999"), True, True, True))
    monkeypatch.setitem(defaults.JIANGSU_FESTIVAL_SPLIT, "spring", Decimal("9999"))
    migration = importlib.import_module("welfare.migrations.0002_jiangsu_default_policies")
    assert not WelfarePolicy.objects.exists()
    migration.seed(apps, None)
    migration.seed(apps, None)  # idempotent
    assert sorted(WelfarePolicy.objects.values_list("year", flat=True)) == [2025, 2026, 2027]
    caps = dict(CategoryCap.objects.filter(policy__year=2026).values_list("category", "cap"))
    assert caps == {
        "festival": Decimal("1800"),
        "birthday": Decimal("400"),
        "marriage": Decimal("1000"),
        "childbirth": Decimal("1000"),
        "illness": None,
        "retirement": None,
    }
    split = dict(FestivalCap.objects.filter(policy__year=2026).values_list("festival", "cap"))
    assert split == {"spring": Decimal("800"), "dragon_boat": Decimal("500"), "mid_autumn": Decimal("500")}
