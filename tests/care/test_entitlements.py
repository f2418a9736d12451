"""Training records, health checks, recuperation eligibility, and private registrations for single-staff events."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import EntryStatus, Registration
from care import services
from care.models import HealthCheck, TrainingRecord
from members.models import Honour, HonourLevel, HonourTitle
from tests.activities.factories import ActivityFactory


def test_training_hours_per_year_and_officers_without_training(tree, member_a, officer_a, city_admin, client_for):
    today = timezone.localdate()
    services.training_record_add(
        actor=officer_a,
        member_id=member_a.member.pk,
        title="心理健康讲座",
        on=today,
        hours=Decimal("2.5"),
        kind="external",
    )
    services.training_record_add(
        actor=officer_a, member_id=member_a.member.pk, title="读书会", on=today, hours=Decimal("1"), kind="external"
    )
    html = client_for(member_a).get(reverse("care:mine")).content.decode()
    assert "3.5" in html
    untrained = client_for(city_admin).get(reverse("care:officers_untrained")).content.decode()
    assert officer_a.member.name in untrained
    services.training_record_add(
        actor=city_admin,
        member_id=officer_a.member.pk,
        title="工会干部培训班",
        on=today,
        hours=Decimal("16"),
        kind="external",
        is_officer_training=True,
    )
    assert officer_a.member.name not in client_for(city_admin).get(reverse("care:officers_untrained")).content.decode()


def test_an_officer_records_training_only_for_the_own_units_members(tree, member_a, officer_b, client_for):
    """Attack: officer B posts a training record for a member of unit A."""
    client_for(officer_b).post(
        reverse("care:training"),
        {"member": member_a.member.pk, "title": "伪造", "kind": "external", "on": "2026-01-05", "hours": "8"},
    )
    assert not TrainingRecord.objects.exists()


def test_health_checks_the_member_sees_the_own_and_the_officer_who_has_not_had_it(
    tree, member_a, officer_a, officer_b, client_for
):
    year = timezone.localdate().year
    officer = client_for(officer_a)
    assert member_a.member.name in officer.get(reverse("care:health")).content.decode()
    done = timezone.localdate()
    officer.post(f"{reverse('care:health')}?year={year}", {"member": member_a.member.pk, "done_on": done.isoformat()})
    assert HealthCheck.objects.get(member=member_a.member, year=year).done_on == done
    officer.get(reverse("care:health"))  # the page after the save shows the message naming the member
    assert member_a.member.name not in officer.get(reverse("care:health")).content.decode()
    assert done.strftime("%Y-%m-%d") in client_for(member_a).get(reverse("care:mine")).content.decode()
    # officer B neither sees unit A's members nor records their checks
    other = client_for(officer_b)
    assert member_a.member.name not in other.get(reverse("care:health")).content.decode()
    other.post(reverse("care:health"), {"member": officer_a.member.pk, "done_on": done.isoformat()})
    assert not HealthCheck.objects.filter(member=officer_a.member).exists()


def test_a_zone_lead_reads_the_zones_health_checks_but_records_none(tree, member_a, officer_a, zone_lead, client_for):
    """The record form is on the rows of the units the reader manages: the unit's officer has it, the zone lead
    who reads the same unit sees the member without it."""
    url = reverse("care:health")
    officer_page = client_for(officer_a).get(url).content.decode()
    lead_page = client_for(zone_lead).get(url).content.decode()
    assert member_a.member.name in officer_page and 'name="done_on"' in officer_page
    assert member_a.member.name in lead_page and 'name="done_on"' not in lead_page


def test_recuperation_eligibility_comes_from_honours(member_a, client_for):
    Honour.objects.create(
        member=member_a.member, title=HonourTitle.MODEL_WORKER, level=HonourLevel.CITY, year=2025, name="南通市劳动模范"
    )
    assert "南通市劳动模范" in client_for(member_a).get(reverse("care:mine")).content.decode()


@pytest.fixture
def singles_event(tree, member_a, city_admin):
    now = timezone.now()
    activity = ActivityFactory(
        organizer=tree["city"],
        kind="social",
        title="青年联谊会",
        registrations_private=True,
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=3),
    )
    Registration.objects.create(activity=activity, member=member_a.member, status=EntryStatus.CONFIRMED)
    return activity


def test_single_staff_registrations_are_seen_only_by_the_organiser(
    singles_event, member_a, officer_a, zone_lead, city_admin, client_for
):
    """Attack: the member's own unit officer opens the member's page, where registrations are listed."""
    from members.scoping import scope_enforced

    page = client_for(officer_a).get(reverse("members:detail", args=[member_a.member.pk])).content.decode()
    assert "青年联谊会" not in page
    with scope_enforced():
        for user in (officer_a, zone_lead):
            assert not Registration.objects.for_actor(user).filter(activity=singles_event).exists()
        assert Registration.objects.for_actor(member_a).filter(activity=singles_event).exists()
        assert Registration.objects.for_actor(city_admin).filter(activity=singles_event).exists()
    assert "青年联谊会" in client_for(member_a).get(reverse("activities:mine")).content.decode()
