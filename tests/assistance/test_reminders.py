"""Assistance reminders: overdue yearly reviews (weekly) and the opening of 金秋助学."""

from datetime import date

import pytest

from assistance.models import HardshipCase
from notifications.models import Notification
from notifications.reminders import run_daily_reminders
from tests.factories import MemberFactory

from .factories import HardshipCaseFactory

pytestmark = pytest.mark.django_db


def test_overdue_reviews_reach_the_units_officers_and_the_city_on_mondays(
    officer_a, officer_b, city_admin, tree, filed_a
):
    HardshipCase.objects.filter(pk=filed_a.pk).update(review_due=date(2027, 3, 1))
    run_daily_reminders(date(2027, 3, 2), only=["hardship-reviews"])  # a Tuesday: nothing
    assert not Notification.objects.filter(kind="hardship_review_overdue").exists()
    run_daily_reminders(date(2027, 3, 8), only=["hardship-reviews"])  # Monday
    [note] = Notification.objects.filter(recipient=officer_a, kind="hardship_review_overdue")
    assert "1" in note.title and note.url.endswith("?due=overdue")
    assert Notification.objects.filter(recipient=city_admin, kind="hardship_review_overdue").count() == 1
    assert not Notification.objects.filter(recipient=officer_b).exists()  # nothing overdue in unit B


def test_student_aid_opening_tells_officers_how_many_files_qualify(officer_a, city_admin, tree, settings):
    settings.REMINDER_STUDENT_AID_OPENS = (8, 1)
    HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]), causes=["schooling", "low_income"])
    HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]), causes=["illness"])  # does not qualify
    run_daily_reminders(date(2027, 7, 31), only=["campaign-student-aid"])
    assert not Notification.objects.filter(kind="campaign_student_aid").exists()
    run_daily_reminders(date(2027, 8, 1), only=["campaign-student-aid"])
    note = Notification.objects.get(recipient=officer_a, kind="campaign_student_aid")
    assert "金秋助学" in note.title and "：1 份" in note.body
    city = Notification.objects.get(recipient=city_admin, kind="campaign_student_aid")
    assert "：1 份" in city.body


def test_officers_without_the_assistance_permission_are_not_told(officer_a, city_admin, tree, filed_a):
    from django.contrib.auth.models import Group

    officer_a.groups.remove(Group.objects.get(name="unit_officer"))
    HardshipCase.objects.filter(pk=filed_a.pk).update(review_due=date(2027, 3, 1))
    run_daily_reminders(date(2027, 3, 8), only=["hardship-reviews"])
    assert not Notification.objects.filter(recipient=officer_a).exists()
    assert Notification.objects.filter(recipient=city_admin).exists()
