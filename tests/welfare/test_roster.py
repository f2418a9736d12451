"""Rosters: who is listed for a festival and for a birthday month; removing and adding with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import MemberFactory
from welfare import services
from welfare.models import Category

from .conftest import festival_batch, member_born

pytestmark = pytest.mark.django_db


def listed(batch):
    return set(batch.recipients.filter(included=True).values_list("member_id", flat=True))


def test_festival_roster_is_the_units_current_members_on_the_date(tree, officer_a, policy):
    active = MemberFactory(unit=tree["a"])
    retired = MemberFactory(unit=tree["a"], status="retained")
    contract = MemberFactory(unit=tree["a"], employment_type="contract")
    gone = [MemberFactory(unit=tree["a"], status=s) for s in ("transferred_out", "withdrawn", "deceased")]
    joins_later = MemberFactory(unit=tree["a"], join_date=date(2026, 10, 1))
    other_unit = MemberFactory(unit=tree["b"])
    batch = festival_batch(officer_a, tree["a"])
    ids = listed(batch)
    assert {active.pk, retired.pk, contract.pk, officer_a.member.pk} == ids
    assert not ids & {m.pk for m in [*gone, joins_later, other_unit]}
    assert all(r.amount == Decimal("500") for r in batch.recipients.all())


def test_the_policy_decides_about_retained_and_non_establishment_members(tree, officer_a, policy):
    policy.include_retained = False
    policy.include_non_establishment = False
    policy.save()
    retired = MemberFactory(unit=tree["a"], status="retained")
    agency = MemberFactory(unit=tree["a"], employment_type="agency")
    ids = listed(festival_batch(officer_a, tree["a"]))
    assert retired.pk not in ids and agency.pk not in ids and officer_a.member.pk in ids


def test_a_city_wide_batch_lists_every_unit(tree, city_admin, officer_a, policy, members_abc):
    ids = listed(festival_batch(city_admin, tree["city"]))
    assert {m.pk for ms in members_abc.values() for m in ms} <= ids


def test_birthday_batch_lists_exactly_those_born_in_the_month(tree, officer_a, policy):
    october = [member_born(tree["a"], date(1980, 10, d)) for d in (1, 15, 31)]
    member_born(tree["a"], date(1980, 9, 30))
    member_born(tree["a"], date(1981, 11, 1))
    member_born(tree["b"], date(1982, 10, 10))  # another unit
    batch = services.distribution_create(
        actor=officer_a,
        organization=tree["a"],
        category=Category.BIRTHDAY,
        festival="",
        on=date(2026, 10, 1),
        item="生日蛋糕券",
        form="coupon",
        amount=Decimal("300"),
    )
    assert listed(batch) == {m.pk for m in october} | (
        {officer_a.member.pk} if officer_a.member.birth_date.month == 10 else set()
    )


def test_officer_removes_and_adds_people_with_a_reason(tree, officer_a, policy):
    m = MemberFactory(unit=tree["a"])
    batch = festival_batch(officer_a, tree["a"])
    r = batch.recipients.get(member=m)
    with pytest.raises(ValidationError):
        services.recipient_remove(actor=officer_a, recipient=r, reason="  ")
    services.recipient_remove(actor=officer_a, recipient=r, reason="本人放弃")
    r.refresh_from_db()
    assert not r.included and r.reason == "本人放弃"
    assert m.pk not in listed(batch)
    services.recipient_add(actor=officer_a, distribution=batch, member_id=m.pk, reason="本人申请恢复")
    r.refresh_from_db()
    assert r.included and r.added_manually and r.reason == "本人申请恢复"
    with pytest.raises(ValidationError):
        services.recipient_add(actor=officer_a, distribution=batch, member_id=m.pk, reason="again")


def test_only_eligible_people_can_be_added(tree, officer_a, policy):
    batch = festival_batch(officer_a, tree["a"])
    for stranger in (MemberFactory(unit=tree["b"]), MemberFactory(unit=tree["a"], status="withdrawn")):
        with pytest.raises(ValidationError) as exc:
            services.recipient_add(actor=officer_a, distribution=batch, member_id=stranger.pk, reason="x")
        assert "member" in exc.value.message_dict


def test_sign_off_records_receipt_or_proxy_and_is_for_confirmed_batches_only(tree, officer_a, policy):
    MemberFactory.create_batch(2, unit=tree["a"])
    batch = festival_batch(officer_a, tree["a"])
    first, second, _third = batch.recipients.order_by("pk")
    with pytest.raises(ValidationError):
        services.recipient_sign(actor=officer_a, recipient=first, received_on=date(2026, 9, 20))
    services.distribution_confirm(actor=officer_a, distribution=batch)
    first.refresh_from_db()
    services.recipient_sign(actor=officer_a, recipient=first, received_on=date(2026, 9, 20))
    services.recipient_sign(
        actor=officer_a, recipient=second, received_on=date(2026, 9, 21), received_by="王芳（同事）"
    )
    second.refresh_from_db()
    assert second.received_by == "王芳（同事）" and second.signed_recorded_by == officer_a
    assert batch.recipients.filter(included=True, received_on__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        services.recipient_sign(actor=officer_a, recipient=second, received_on=date(2099, 1, 1))


def test_officers_manage_only_their_own_unit(tree, officer_a, officer_b, zone_lead, policy):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    with pytest.raises(Http404):
        festival_batch(officer_b, tree["a"])
    with pytest.raises(PermissionDenied):
        festival_batch(zone_lead, tree["a"])  # reads the zone's units, manages none
    with pytest.raises(Http404):
        festival_batch(officer_a, tree["city"])  # a city-wide batch is the city administrators'
    batch = festival_batch(officer_a, tree["a"])
    with pytest.raises(Http404):
        services.distribution_confirm(actor=officer_b, distribution=batch)
