"""Daily reminders: the right people, on the right local day, exactly once, by portal and e-mail."""

import threading
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_celery_beat.models import PeriodicTask
from freezegun import freeze_time

from notifications import unread
from notifications.models import Notification, NotificationPreference
from notifications.reminders import run_daily_reminders
from notifications.schedules import sync_schedules
from notifications.services import EmailDeliveryError, notification_email
from notifications.tasks import daily_reminders_task
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db
_n = iter(range(500_000, 600_000))


def born(day: date, unit, **kwargs):
    """A member of ``unit`` born on ``day`` (with a matching valid ID number)."""
    return MemberFactory(unit=unit, id_number=valid_id_number(next(_n), born=day), **kwargs)


def titles(user, kind=None):
    qs = Notification.objects.filter(recipient=user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("title", flat=True))


def test_officers_get_their_units_birthdays_of_the_next_seven_days(officer_a, officer_b, tree):
    soon = born(date(1980, 3, 12), tree["a"])
    last_day = born(date(1975, 3, 16), tree["a"])
    born(date(1980, 3, 17), tree["a"])  # 8th day: not yet
    born(date(1985, 3, 13), tree["b"])  # another unit
    run_daily_reminders(date(2027, 3, 10))
    note = Notification.objects.get(recipient=officer_a, kind="birthdays_upcoming")
    assert "2" in note.title
    assert soon.name in note.body and last_day.name in note.body
    assert note.body.index("03-12") < note.body.index("03-16")
    other = Notification.objects.get(recipient=officer_b, kind="birthdays_upcoming")
    assert soon.name not in other.body


def test_running_the_day_twice_sends_nothing_twice(officer_a, tree, member_a):
    born(date(1980, 3, 12), tree["a"])
    first = run_daily_reminders(date(2027, 3, 10))
    second = run_daily_reminders(date(2027, 3, 10))
    assert sum(first.values()) >= 1 and sum(second.values()) == 0
    assert Notification.objects.filter(recipient=officer_a).count() == 1


def test_29_february_is_greeted_on_28_february_in_a_common_year(tree):
    from tests.factories import UserFactory

    leapling = born(date(1988, 2, 29), tree["a"], user=UserFactory(username="leapling"))
    run_daily_reminders(date(2027, 2, 27))
    assert titles(leapling.user, "birthday_greeting") == []
    run_daily_reminders(date(2027, 2, 28))
    assert len(titles(leapling.user, "birthday_greeting")) == 1
    run_daily_reminders(date(2028, 2, 28))  # a leap year: the day itself
    assert len(titles(leapling.user, "birthday_greeting")) == 1
    run_daily_reminders(date(2028, 2, 29))
    assert len(titles(leapling.user, "birthday_greeting")) == 2


def test_a_run_at_half_past_midnight_shanghai_belongs_to_the_local_day(tree):
    from tests.factories import UserFactory

    person = born(date(1990, 1, 23), tree["a"], user=UserFactory(username="jan23"))
    with freeze_time("2027-01-22T16:30:00Z"):  # 00:30 on 23 January in Asia/Shanghai
        daily_reminders_task()
    note = Notification.objects.get(recipient=person.user, kind="birthday_greeting")
    assert note.key.endswith("2027-01-23")
    assert person.name in note.title


def test_first_of_the_month_reminds_officers_to_prepare_birthday_gifts(officer_a, tree):
    for day in (3, 19, 28):
        born(date(1979, 5, day), tree["a"])
    run_daily_reminders(date(2027, 4, 30))
    assert titles(officer_a, "birthday_month") == []
    run_daily_reminders(date(2027, 5, 1))
    [title] = titles(officer_a, "birthday_month")
    assert "3" in title


def test_reminders_are_written_in_chinese(officer_a, tree):
    born(date(1980, 3, 12), tree["a"])
    run_daily_reminders(date(2027, 3, 10))
    assert "生日" in Notification.objects.get(recipient=officer_a).title


def test_the_scan_keeps_a_fixed_number_of_queries(officer_a, tree):
    def queries_for(count, day):
        for i in range(count):
            born(date(1970 + i % 30, 6, 10 + i % 5), tree["a"])
        with CaptureQueriesContext(connection) as ctx:
            run_daily_reminders(day)
        return len(ctx)

    assert queries_for(5, date(2027, 6, 9)) == queries_for(60, date(2028, 6, 9))


def test_email_goes_once_to_those_who_asked_for_it(officer_a, tree, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    NotificationPreference.objects.create(user=officer_a, by_email=True, email="officer@example.gov.cn")
    born(date(1980, 3, 12), tree["a"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run_daily_reminders(date(2027, 3, 10))
    emails = [c for c in callbacks if c != unread.GENERATION._replace]  # the other: the kept unread counts made stale
    assert len(emails) == 1  # one e-mail task enqueued after commit
    note = Notification.objects.get(recipient=officer_a)
    assert notification_email(notification_id=note.pk) is True
    assert notification_email(notification_id=note.pk) is False  # a redelivered task sends nothing
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["officer@example.gov.cn"]


def test_a_failing_mail_server_keeps_the_portal_notice_and_records_the_error(officer_a, tree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens
    NotificationPreference.objects.create(user=officer_a, by_email=True, email="officer@example.gov.cn")
    born(date(1980, 3, 12), tree["a"])
    run_daily_reminders(date(2027, 3, 10), enqueue_email=False)
    note = Notification.objects.get(recipient=officer_a)
    with pytest.raises(EmailDeliveryError):
        notification_email(notification_id=note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None and note.email_attempts == 1 and "Connection" in note.email_error


def test_the_management_command_runs_without_a_broker_and_refuses_bad_dates(officer_a, tree, capsys):
    born(date(1980, 3, 12), tree["a"])
    call_command("send_daily_reminders", "--date", "2027-03-10")
    assert "birthdays-upcoming: 1" in capsys.readouterr().out
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_daily_reminders", "--date", "10/03/2027")
    with pytest.raises(CommandError, match="unknown source"):
        call_command("send_daily_reminders", "--only", "nonsense")


def test_the_daily_schedule_is_declared_and_admin_changes_survive(db):
    task = PeriodicTask.objects.get(name="daily-reminders")  # created by migrate
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("8", "0", "Asia/Shanghai")
    task.enabled = False
    task.save()
    sync_schedules()
    assert PeriodicTask.objects.get(name="daily-reminders").enabled is False


@pytest.mark.django_db(transaction=True)
def test_two_beats_at_once_send_each_reminder_once(require_postgres, tree, officer_a):
    for day in range(10, 15):
        born(date(1980, 3, day), tree["a"])
    barrier = threading.Barrier(2)
    errors = []

    def beat():
        try:
            barrier.wait()
            run_daily_reminders(date(2027, 3, 10))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Notification.objects.filter(recipient=officer_a, kind="birthdays_upcoming").count() == 1


def test_a_committee_ending_within_90_days_is_announced_once_to_its_officers_and_the_city(
    officer_a, officer_b, city_admin, tree
):
    from members.models import Committee

    Committee.objects.create(unit=tree["a"], term_start=date(2022, 6, 30), term_years=5)  # ends 2027-06-30
    run_daily_reminders(date(2027, 3, 31), only=["committee-terms"])  # 91 days before
    assert not Notification.objects.filter(kind="committee_term").exists()
    for day in (date(2027, 4, 1), date(2027, 4, 2), date(2027, 5, 1)):
        run_daily_reminders(day, only=["committee-terms"])
    assert Notification.objects.filter(recipient=officer_a, kind="committee_term").count() == 1
    assert Notification.objects.filter(recipient=city_admin, kind="committee_term").count() == 1
    assert not Notification.objects.filter(recipient=officer_b).exists()
    assert "2027-06-30" in Notification.objects.get(recipient=officer_a).title


def test_sending_many_inserts_only_new_keys_and_returns_exactly_those(officer_a, member_a):
    """notifications_send_many (one statement from arrays on PostgreSQL, the ORM elsewhere): a key sent before
    sends nothing again, the ids returned are the rows this call wrote, and every field lands as given."""
    from notifications.reminders import Reminder
    from notifications.services import notifications_send_many

    day = date(2027, 3, 10)
    before = Reminder("voice_overdue", officer_a.pk, "voice:1:090000", day, "旧的提醒", "", "/voice/1/")
    (first,) = notifications_send_many([before], enqueue_email=False)
    batch = [
        before,
        Reminder("voice_overdue", officer_a.pk, "voice:2:090000", day, "长" * 250, "市财政局", "/voice/2/"),
        Reminder("voice_overdue", member_a.pk, "voice:2:090000", day, "第二位", "", "/voice/2/"),
    ]
    created = notifications_send_many(batch, enqueue_email=False)
    assert first not in created and len(created) == 2
    rows = {n.recipient_id: n for n in Notification.objects.filter(pk__in=created)}
    mine = rows[officer_a.pk]
    assert mine.title == "长" * 200 and mine.body == "市财政局" and mine.url == "/voice/2/"
    assert mine.created_at is not None and mine.read_at is None and mine.email_attempts == 0
    assert rows[member_a.pk].title == "第二位"
    assert notifications_send_many(batch, enqueue_email=False) == []
