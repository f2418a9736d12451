"""Activity reminders: registration closing in two days (organisers), starting tomorrow (participants)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from freezegun import freeze_time

from activities import services
from notifications.models import Notification
from notifications.reminders import run_daily_reminders

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_organising_officers_hear_two_days_before_registration_closes_with_the_fill_level(
    tree, officer_a, officer_b, members_a_logins
):
    with freeze_time(datetime(2027, 5, 1, 9, 0, tzinfo=SH)):
        activity = ActivityFactory(
            organizer=tree["a"],
            capacity=3,
            title="财政局乒乓球赛",
            starts_at=datetime(2027, 5, 20, 9, 0, tzinfo=SH),
            registration_closes_at=datetime(2027, 5, 10, 23, 30, tzinfo=SH),  # late evening, local day 10 May
        )
        for user in members_a_logins:
            services.registration_create(actor=user, activity_id=activity.pk)
    run_daily_reminders(date(2027, 5, 7), only=["activities-closing"])
    assert not Notification.objects.exists()
    run_daily_reminders(date(2027, 5, 8), only=["activities-closing"])
    note = Notification.objects.get(recipient=officer_a, kind="activity_closing")
    assert "财政局乒乓球赛" in note.title and "05-10 23:30" in note.title
    assert "3" in note.body and "1" in note.body  # 3 of 3 taken, 1 waitlisted
    assert not Notification.objects.filter(recipient=officer_b).exists()


def test_participants_hear_the_day_before_it_starts(tree, members_a_logins):
    with freeze_time(datetime(2027, 5, 1, 9, 0, tzinfo=SH)):
        activity = ActivityFactory(
            organizer=tree["city"],
            title="读书分享会",
            place="职工书屋",
            starts_at=datetime(2027, 5, 12, 0, 30, tzinfo=SH),
        )  # just after midnight
        services.registration_create(actor=members_a_logins[0], activity_id=activity.pk)
        registration = services.registration_create(actor=members_a_logins[1], activity_id=activity.pk)
        services.registration_cancel(actor=members_a_logins[1], registration_id=registration.pk)
    run_daily_reminders(date(2027, 5, 11), only=["activities-tomorrow"])
    [note] = Notification.objects.filter(kind="activity_tomorrow")
    assert note.recipient == members_a_logins[0]
    assert "读书分享会" in note.title and "00:30" in note.body and "职工书屋" in note.body
    run_daily_reminders(date(2027, 5, 11), only=["activities-tomorrow"])
    assert Notification.objects.filter(kind="activity_tomorrow").count() == 1


def test_the_poster_is_served_only_to_those_who_may_see_the_activity(client, tree, officer_a, officer_b):
    import shutil
    import tempfile

    from django.core.files.base import ContentFile
    from django.test import override_settings

    media = tempfile.mkdtemp()
    try:
        with override_settings(MEDIA_ROOT=media):
            activity = ActivityFactory(organizer=tree["a"])
            activity.poster.save("poster.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"0" * 64))
            client.force_login(officer_a)
            page = client.get(f"/activities/{activity.pk}/").content.decode()
            assert f"/activities/{activity.pk}/poster/" in page and "/media/" not in page
            response = client.get(f"/activities/{activity.pk}/poster/")
            assert response.status_code == 200 and response["Content-Type"] == "image/png"
            client.force_login(officer_b)
            assert client.get(f"/activities/{activity.pk}/poster/").status_code == 404
    finally:
        shutil.rmtree(media)
