"""Counselling: bookings seen only by the member, the counsellor and the named coordinator."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import BookingStatus, CounsellingBooking, CounsellingSlot
from care.reminders import counselling_source
from members.fields import TOKEN_PREFIXES
from members.scoping import scope_enforced
from notifications.reminders import run_daily_reminders
from tests.care.conftest import slot_at


@pytest.fixture
def booking(slot, member_a):
    return services.booking_create(actor=member_a, slot_id=slot.pk, topic="工作压力大，睡眠不好")


def test_a_member_books_sees_and_cancels_the_own_booking(slot, member_a, client_for):
    c = client_for(member_a)
    assert c.post(reverse("care:book", args=[slot.pk]), {"topic": "压力"}).status_code == 302
    booking = CounsellingBooking.objects.get()
    slot.refresh_from_db()
    assert slot.is_taken and booking.member == member_a.member
    assert "陈静" in c.get(reverse("care:counselling")).content.decode()
    c.post(reverse("care:booking_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and not slot.is_taken


def test_a_slot_is_booked_once(slot, member_a, officer_a):
    services.booking_create(actor=member_a, slot_id=slot.pk)
    with pytest.raises(ValidationError):
        services.booking_create(actor=officer_a, slot_id=slot.pk)
    # and the database refuses a second live booking even past the Python check
    with pytest.raises(IntegrityError), transaction.atomic():
        CounsellingBooking.objects.create(slot=slot, member=officer_a.member)


def test_the_own_units_officer_cannot_see_the_booking(booking, officer_a, zone_lead, city_admin, client_for):
    """Attack: the member's own unit officer (and a zone lead, and a city administrator who is not the named
    coordinator) look for the booking in every list and by its address."""
    name = booking.member.name
    for user in (officer_a, zone_lead, city_admin):
        c = client_for(user)
        assert c.get(reverse("care:booking_detail", args=[booking.pk])).status_code == 404
        assert c.get(reverse("care:bookings")).status_code == 403
        for url in (reverse("care:counselling"), reverse("care:counselling_manage")):
            response = c.get(url)
            assert name not in response.content.decode()
        with scope_enforced():
            assert not CounsellingBooking.objects.for_actor(user).exists()
        assert c.post(reverse("care:booking_cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_the_counsellor_and_the_coordinator_see_it(booking, counsellor_user, coordinator, client_for):
    for user in (counsellor_user, coordinator):
        c = client_for(user)
        assert booking.member.name in c.get(reverse("care:bookings")).content.decode()
        assert c.get(reverse("care:booking_detail", args=[booking.pk])).status_code == 200


def test_only_the_counsellor_keeps_notes_and_they_are_encrypted(booking, counsellor_user, coordinator, client_for):
    client_for(coordinator).post(reverse("care:booking_detail", args=[booking.pk]), {"notes": "协调员写的"})
    booking.refresh_from_db()
    assert booking.notes == ""
    client_for(counsellor_user).post(
        reverse("care:booking_detail", args=[booking.pk]), {"notes": "情绪低落，建议复诊", "held": "on"}
    )
    booking.refresh_from_db()
    assert booking.notes == "情绪低落，建议复诊" and booking.status == BookingStatus.DONE
    with connection.cursor() as cur:
        cur.execute("SELECT notes, topic FROM care_counsellingbooking WHERE id = %s", [booking.pk])
        notes, topic = cur.fetchone()
    assert notes.startswith(TOKEN_PREFIXES) and "情绪" not in notes
    assert topic.startswith(TOKEN_PREFIXES) and "睡眠" not in topic
    # the coordinator reads the booking, never the notes
    assert (
        "情绪低落"
        not in client_for(coordinator).get(reverse("care:booking_detail", args=[booking.pk])).content.decode()
    )


def test_reminders_go_to_member_and_counsellor_once(counsellor, member_a, counsellor_user):
    slot = slot_at(counsellor, days=1, hour=15)
    booking = services.booking_create(actor=member_a, slot_id=slot.pk)
    today = timezone.localdate()
    reminders = list(counselling_source(today))
    assert {r.recipient_id for r in reminders} == {member_a.pk, counsellor_user.pk}
    assert all(f"booking:{booking.pk}" in r.key for r in reminders)
    first = run_daily_reminders(today, only=["care-counselling"], enqueue_email=False)
    again = run_daily_reminders(today, only=["care-counselling"], enqueue_email=False)
    assert first["care-counselling"] == 2 and again["care-counselling"] == 0


def test_a_past_slot_cannot_be_booked(counsellor, member_a):
    slot = CounsellingSlot.objects.create(
        counsellor=counsellor, starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.booking_create(actor=member_a, slot_id=slot.pk)


def test_the_city_keeps_counsellors_and_slots(tree, city_admin, officer_a, client_for, counsellor):
    c = client_for(city_admin)
    starts = (timezone.localtime() + timedelta(days=3)).replace(second=0, microsecond=0)
    c.post(
        reverse("care:counselling_manage"),
        {"form": "slot", "counsellor": counsellor.pk, "starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "minutes": 50},
    )
    assert CounsellingSlot.objects.filter(counsellor=counsellor).count() == 1
    assert client_for(officer_a).get(reverse("care:counselling_manage")).status_code == 403
