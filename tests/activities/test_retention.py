"""Registrations and their check-ins are deleted 3 years after the activity; results stay (issue #17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import EntryStatus, Registration, Result
from members.retention import retention_rules, retention_run
from tests.factories import MemberFactory

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _ended(organizer, days_ago: int):
    ends = timezone.now() - timedelta(days=days_ago)
    starts = ends - timedelta(hours=3)
    return ActivityFactory(
        organizer=organizer,
        starts_at=starts,
        ends_at=ends,
        registration_opens_at=starts - timedelta(days=20),
        registration_closes_at=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=3),
    )


def test_the_rule_is_registered_from_the_app():
    assert "activities-registrations" in {r.key for r in retention_rules()}


def test_registrations_go_three_years_after_the_activity_and_nothing_younger(tree):
    member = MemberFactory(unit=tree["a"])
    old = _ended(tree["city"], 3 * 365 + 2)  # ended three years and two days ago
    recent = _ended(tree["city"], 3 * 365 - 2)  # two days short of three years
    attended = timezone.now() - timedelta(days=3 * 365 + 2)
    Registration.objects.create(activity=old, member=member, status=EntryStatus.CONFIRMED, attended_at=attended)
    keep = Registration.objects.create(activity=recent, member=member, status=EntryStatus.CONFIRMED)
    Result.objects.create(activity=old, member=member, rank=1, prize="一等奖")

    dry = retention_run(dry_run=True)
    assert dry.report["activities-registrations"]["count"] == 1
    assert Registration.objects.count() == 2  # a dry run changes nothing
    run = retention_run(dry_run=False)
    assert run.report["activities-registrations"]["count"] == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [keep.pk]
    assert Result.objects.filter(activity=old, member=member).exists()  # the result stays with the record
    assert retention_run(dry_run=True).report["activities-registrations"]["count"] == 0  # nothing left to do
