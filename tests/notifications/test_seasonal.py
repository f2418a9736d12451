"""Festival and seasonal-campaign reminders on the lunar calendar (frozen dates)."""

from datetime import date

import pytest
from freezegun import freeze_time

from notifications.models import Notification
from notifications.reminders import run_daily_reminders
from notifications.tasks import daily_reminders_task
from welfare.models import FestivalCap, WelfarePolicy

pytestmark = pytest.mark.django_db


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_on_23_january_2027_the_spring_festival_reminder_goes_out_and_winter_warmth_has_gone(officer_a, tree):
    with freeze_time("2027-01-07 08:00:00+08:00"):  # 30 days before 2027-02-06
        daily_reminders_task()
    assert kinds(officer_a) == ["campaign_winter"]
    winter = Notification.objects.get(recipient=officer_a, kind="campaign_winter")
    assert "2027-02-06" in winter.title
    with freeze_time("2027-01-23 08:00:00+08:00"):  # 14 days before
        daily_reminders_task()
    assert kinds(officer_a) == ["campaign_winter", "festival_prepare"]
    festival = Notification.objects.get(recipient=officer_a, kind="festival_prepare")
    assert "春节" in festival.title and "2027-02-06" in festival.title


def test_mid_autumn_2026_and_dragon_boat_2026_fall_on_their_lunar_dates(officer_a, tree):
    run_daily_reminders(date(2026, 9, 11), only=["festivals"])  # 14 days before 2026-09-25
    run_daily_reminders(date(2026, 6, 5), only=["festivals"])  # 14 days before 2026-06-19
    titles = sorted(Notification.objects.filter(recipient=officer_a).values_list("title", flat=True))
    assert len(titles) == 2
    assert any("中秋" in t and "2026-09-25" in t for t in titles)
    assert any("端午" in t and "2026-06-19" in t for t in titles)


def test_a_festival_the_policy_gives_no_share_is_not_reminded(officer_a, tree):
    policy = WelfarePolicy.objects.get(year=2026, province="江苏")
    assert FestivalCap.objects.filter(policy=policy).exists()  # 春节, 端午, 中秋 split the 1,800
    run_daily_reminders(date(2026, 9, 17), only=["festivals"])  # 14 days before National Day
    assert not Notification.objects.filter(kind="festival_prepare").exists()


def test_the_number_of_days_before_is_configurable(officer_a, tree, settings):
    settings.REMINDER_FESTIVAL_DAYS_BEFORE = 7
    run_daily_reminders(date(2026, 9, 11), only=["festivals"])
    assert not Notification.objects.exists()
    run_daily_reminders(date(2026, 9, 18), only=["festivals"])
    assert Notification.objects.filter(recipient=officer_a, kind="festival_prepare").count() == 1
