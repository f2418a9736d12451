"""The member card: a signed, expiring token (never the ID number); activities' check-in by the card."""

import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from activities.models import EntryStatus, Registration
from care.models import CardPhoto
from members import idnumbers
from members.cards import PHONE_TTL_SECONDS, card_member_id, card_token
from tests.activities.factories import ActivityFactory
from tests.factories import png


def test_a_token_names_the_member_until_it_expires():
    token = card_token(42)
    assert card_member_id(token) == 42
    assert card_member_id(token, now=time.time() + PHONE_TTL_SECONDS + 1) is None


def test_a_tampered_token_names_nobody():
    token = card_token(42)
    head, _, rest = token.partition(":")
    assert card_member_id(token.replace(head, head[:-1] + ("A" if head[-1] != "A" else "B"), 1)) is None
    assert card_member_id("") is None and card_member_id("42") is None


@given(st.text(max_size=400))
def test_garbage_never_raises(text):
    assert card_member_id(text) in (None,) or isinstance(card_member_id(text), int)


def test_the_card_page_shows_name_unit_number_and_never_the_id_number(member_a, client_for):
    member = member_a.member
    html = client_for(member_a).get(reverse("care:card")).content.decode()
    assert member.name in html and member.unit.name in html and member.card_number in html
    number = idnumbers.decrypt(member.id_number_encrypted)
    assert number not in html and member.id_number_masked not in html


def test_a_login_without_a_member_record_has_no_card(db, client_for):
    from tests.factories import UserFactory

    assert client_for(UserFactory(username="nomember")).get(reverse("care:card")).status_code == 403


def test_the_photo_is_checked_and_only_the_member_sees_it(member_a, officer_a, client_for):
    c = client_for(member_a)
    bad = c.post(reverse("care:card_photo"), {"photo": SimpleUploadedFile("x.png", b"not an image")})
    assert bad.status_code == 302 and not CardPhoto.objects.exists()
    c.post(reverse("care:card_photo"), {"photo": SimpleUploadedFile("me.png", png(20, 20))})
    assert CardPhoto.objects.count() == 1
    assert c.get(reverse("care:card_photo_image")).status_code == 200
    # the officer's own card photo URL is the officer's own: there is no way to ask for another's
    assert client_for(officer_a).get(reverse("care:card_photo_image")).status_code == 404
    c.post(reverse("care:card_photo"), {"remove": "1"})
    assert not CardPhoto.objects.exists()


@pytest.fixture
def today_activity(tree, member_a, officer_a):
    now = timezone.now()
    activity = ActivityFactory(
        organizer=tree["a"],
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        registration_opens_at=now - timedelta(days=3),
        registration_closes_at=now - timedelta(hours=1),
        cancellation_deadline=now - timedelta(hours=1),
    )
    reg = Registration.objects.create(activity=activity, member=member_a.member, status=EntryStatus.CONFIRMED)
    return activity, reg


def test_the_organiser_checks_a_member_in_by_the_card(today_activity, member_a, officer_a, client_for):
    activity, reg = today_activity
    token = card_token(member_a.member.pk)
    response = client_for(officer_a).post(reverse("activities:card_checkin", args=[activity.pk]), {"card": token})
    assert response.status_code == 302
    reg.refresh_from_db()
    assert reg.attended_at is not None


def test_an_expired_or_forged_card_checks_nobody_in(today_activity, member_a, officer_a, client_for):
    activity, reg = today_activity
    old = card_token(member_a.member.pk, now=time.time() - 2 * PHONE_TTL_SECONDS)
    for token in (old, "garbage", str(member_a.member.pk)):
        client_for(officer_a).post(reverse("activities:card_checkin", args=[activity.pk]), {"card": token})
    reg.refresh_from_db()
    assert reg.attended_at is None


def test_another_units_officer_cannot_check_in_with_a_card(today_activity, member_a, officer_b, client_for):
    """Attack: officer B holds a member's card code but does not organise the activity."""
    activity, reg = today_activity
    token = card_token(member_a.member.pk)
    response = client_for(officer_b).post(reverse("activities:card_checkin", args=[activity.pk]), {"card": token})
    assert response.status_code == 404
    # and a member cannot check someone in with a card either
    assert (
        client_for(member_a).post(reverse("activities:card_checkin", args=[activity.pk]), {"card": token}).status_code
        == 403
    )
    reg.refresh_from_db()
    assert reg.attended_at is None
