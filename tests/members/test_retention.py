"""The retention periods as a job (issue #17): a dry-run report first, off until a city administrator switches
the schedule on, every run recorded; what passed its period is anonymised or deleted, nothing younger."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from members.models import MembershipChange, RetentionRun
from members.retention import ANONYMOUS, scheduled_run
from members.schedules import RETENTION, sync_retention_schedule
from notifications.models import Notification
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _former(tree, years_ago: int, name: str):
    member = MemberFactory(unit=tree["a"], name=name, status="withdrawn", mobile="13911112222")
    MembershipChange.objects.create(
        member=member,
        kind="status",
        on=timezone.localdate() - timedelta(days=365 * years_ago + 3),
        from_status="active",
        to_status="withdrawn",
    )
    return member


def test_the_schedule_is_declared_in_code_and_switched_off(db):
    PeriodicTask.objects.filter(name=RETENTION).delete()
    sync_retention_schedule()
    task = PeriodicTask.objects.get(name=RETENTION)
    assert task.task == "members.tasks.retention_task" and not task.enabled
    task.enabled = True  # a city administrator switches it on in the admin …
    task.save()
    sync_retention_schedule()  # … and a later migrate leaves that choice alone
    assert PeriodicTask.objects.get(name=RETENTION).enabled


def test_a_dry_run_comes_first_then_the_run_anonymises_only_what_passed_its_period(tree, city_admin, capsys):
    old = _former(tree, 11, "钱老")
    recent = _former(tree, 9, "孙近")
    current = MemberFactory(unit=tree["a"], name="李在")
    stale = Notification.objects.create(recipient=city_admin, kind="t", key="old", title="旧通知")
    Notification.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=400))
    fresh = Notification.objects.create(recipient=city_admin, kind="t", key="new", title="新通知")

    with pytest.raises(CommandError, match="试运行|dry run"):
        call_command("apply_retention", "--apply")
    call_command("apply_retention")  # the dry run: a report, nothing changed
    out = capsys.readouterr().out
    assert "members-former: 1" in out and "notifications: 1" in out
    old.refresh_from_db()
    assert old.name == "钱老"
    dry = RetentionRun.objects.get()
    assert dry.dry_run and dry.total == 2 and dry.finished_at

    call_command("apply_retention", "--apply")
    old.refresh_from_db()
    recent.refresh_from_db()
    current.refresh_from_db()
    assert (old.name, old.mobile, old.id_number_encrypted, old.id_number_masked) == (ANONYMOUS, "", "", "*" * 18)
    assert all(h.name == ANONYMOUS for h in old.history.all())  # the history forgets the name too
    assert (recent.name, current.name) == ("孙近", "李在")
    assert not Notification.objects.filter(pk=stale.pk).exists() and Notification.objects.filter(pk=fresh.pk).exists()
    real = RetentionRun.objects.filter(dry_run=False).get()
    assert real.report["members-former"]["count"] == 1 and real.total == 2
    assert Notification.objects.filter(recipient=city_admin, kind="retention").count() == 2  # told each time


def test_the_schedule_does_a_dry_run_when_no_report_was_read(tree):
    _former(tree, 12, "钱老")
    first = scheduled_run()
    assert first.dry_run
    second = scheduled_run()
    assert not second.dry_run and second.total >= 1


def test_a_person_who_is_not_a_city_administrator_cannot_run_it(tree, officer_a):
    from django.core.exceptions import PermissionDenied

    from members.retention import retention_run

    with pytest.raises(PermissionDenied):
        retention_run(actor=officer_a)
    assert not RetentionRun.objects.exists()
