"""Unanswered 7 days: overdue for the officers; 14 days: reaches the city administrator (frozen time)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time

from notifications.models import Notification
from tests.factories import MemberFactory
from tests.voice.factories import VoiceItemFactory
from voice import selectors, services
from voice.models import ItemStatus

SH = ZoneInfo("Asia/Shanghai")
SENT = datetime(2026, 3, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def item(tree, officer_a, city_admin):
    with freeze_time(SENT):
        return VoiceItemFactory(sender=MemberFactory(unit=tree["a"]), subject="空调坏了")


def _ids(qs):
    return {i.pk for i in qs}


def test_overdue_after_seven_days_and_escalated_after_fourteen(item):
    for when, officers, city in [
        (datetime(2026, 3, 9, 8, 59, tzinfo=SH), False, False),  # 6 days 23:59
        (datetime(2026, 3, 9, 9, 0, tzinfo=SH), True, False),  # 7 days
        (datetime(2026, 3, 16, 8, 59, tzinfo=SH), True, False),
        (datetime(2026, 3, 16, 9, 0, tzinfo=SH), True, True),  # 14 days
    ]:
        due = selectors.overdue_items(now=when)
        assert (item.pk in _ids(due["officers"]), item.pk in _ids(due["city"])) == (officers, city), when


def test_an_answered_item_is_never_overdue(item, officer_a):
    with freeze_time(datetime(2026, 3, 8, tzinfo=SH)):
        services.item_answer(actor=officer_a, item=item, answer="已报修")
    due = selectors.overdue_items(now=datetime(2026, 4, 1, tzinfo=SH))
    assert not due["officers"] and not due["city"]


def test_reopening_starts_the_clock_again(item, officer_a):
    with freeze_time(datetime(2026, 3, 3, tzinfo=SH)):
        services.item_answer(actor=officer_a, item=item, answer="已报修")
    with freeze_time(datetime(2026, 3, 20, 10, 0, tzinfo=SH)):
        services.item_reopen(actor=item.sender.user or _user_for(item.sender), item=item, reason="仍未修好")
    assert not selectors.overdue_items(now=datetime(2026, 3, 26, tzinfo=SH))["officers"]
    assert selectors.overdue_items(now=datetime(2026, 3, 27, 10, 0, tzinfo=SH))["officers"]


def _user_for(member):
    from tests.factories import UserFactory

    member.user = UserFactory()
    member.save()
    return member.user


def test_inbox_marks_overdue_items_and_filters_them(item, officer_a, client_for):
    # Sessions expire after 8 idle hours: log in again at each frozen moment.
    with freeze_time(datetime(2026, 3, 8, tzinfo=SH)):
        c = client_for(officer_a)
        assert 'data-testid="overdue"' not in c.get(reverse("voice:inbox")).content.decode()
        assert "空调坏了" not in c.get(reverse("voice:inbox") + "?overdue=7").content.decode()
    with freeze_time(datetime(2026, 3, 10, tzinfo=SH)):
        c = client_for(officer_a)
        html = c.get(reverse("voice:inbox")).content.decode()
        assert 'data-testid="overdue"' in html and "已超期" in html
        assert "空调坏了" in c.get(reverse("voice:inbox") + "?overdue=7").content.decode()
        assert 'data-testid="escalated"' not in c.get(reverse("home")).content.decode()  # officers: no 14-day line


def test_city_admin_sees_the_fourteen_day_items_on_the_dashboard(item, city_admin, client_for):
    with freeze_time(datetime(2026, 3, 10, tzinfo=SH)):
        c = client_for(city_admin)
        assert "14天以上未答复: <strong>0</strong>" in c.get(reverse("home")).content.decode()
    with freeze_time(datetime(2026, 3, 17, tzinfo=SH)):
        c = client_for(city_admin)
        assert "14天以上未答复: <strong>1</strong>" in c.get(reverse("home")).content.decode()
        assert "空调坏了" in c.get(reverse("voice:inbox") + "?overdue=14").content.decode()


def test_reminders_are_sent_once_however_often_the_check_runs(item, officer_a, city_admin):
    assert services.overdue_notify(now=datetime(2026, 3, 8, tzinfo=SH)) == {"officers": 0, "city": 0}
    assert services.overdue_notify(now=datetime(2026, 3, 10, tzinfo=SH)) == {"officers": 1, "city": 0}
    assert services.overdue_notify(now=datetime(2026, 3, 11, tzinfo=SH)) == {"officers": 0, "city": 0}
    assert services.overdue_notify(now=datetime(2026, 3, 17, tzinfo=SH)) == {"officers": 0, "city": 1}
    assert services.overdue_notify(now=datetime(2026, 3, 18, tzinfo=SH)) == {"officers": 0, "city": 0}
    assert Notification.objects.filter(recipient=officer_a, kind="voice_overdue").count() == 1
    escalated = Notification.objects.get(recipient=city_admin, kind="voice_escalated")
    assert "空调坏了" in escalated.title and item.sender.name not in escalated.body


def test_a_closed_item_is_not_overdue(item, officer_a):
    services.item_close(actor=officer_a, item=item)
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
    assert not selectors.overdue_items(now=datetime(2026, 5, 1, tzinfo=SH))["city"]


def test_the_task_runs_the_idempotent_check(item, officer_a):
    from voice.tasks import voice_overdue_remind_task

    with freeze_time(datetime(2026, 3, 10, tzinfo=SH)):
        assert voice_overdue_remind_task.apply().get() == {"officers": 1, "city": 0}
        assert voice_overdue_remind_task.apply().get() == {"officers": 0, "city": 0}


def test_the_daily_reminders_tell_the_officers_once_per_waiting_period(item, officer_a, city_admin):
    from datetime import date

    from notifications.reminders import run_daily_reminders

    for day in (date(2026, 3, 8), date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 11)):
        run_daily_reminders(day, only=["voice-overdue"])
    [note] = Notification.objects.filter(recipient=officer_a, kind="voice_overdue")
    assert "空调坏了" in note.title and note.url == reverse("voice:detail", args=[item.pk])
    assert not Notification.objects.filter(kind="voice_escalated").exists()
    run_daily_reminders(date(2026, 3, 16), only=["voice-overdue"])
    assert Notification.objects.filter(recipient=city_admin, kind="voice_escalated").count() == 1
