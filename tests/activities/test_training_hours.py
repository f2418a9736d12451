"""A training class's hours (issue #22): given on the class, or from its start and end on one day; the same rule in
Python (the activity's page) and in SQL (care's training hours, through the registry)."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.models import Activity, ActivityKind
from activities.training import attended_trainings, hours_expr
from members.registry import TRAINING_COLUMNS, training_sources
from tests.activities.factories import ActivityFactory

TZ = timezone.get_current_timezone()


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=TZ)


@pytest.mark.parametrize(
    ("starts", "ends", "given", "counted"),
    [
        (_at(6, 9), _at(6, 11, 30), None, Decimal("2.5")),
        (_at(6, 14), _at(6, 16, 50), None, Decimal("2.8")),  # rounded to a tenth
        (_at(6, 22), _at(7, 8), None, None),  # over midnight: not one day, no hours by itself
        (_at(6, 9), _at(8, 17), Decimal("16"), Decimal("16")),
        (_at(6, 9), _at(6, 11), Decimal("1.5"), Decimal("1.5")),  # given hours win
    ],
)
def test_counted_hours_in_python_and_in_sql_agree(tree, starts, ends, given, counted):
    activity = ActivityFactory(
        organizer=tree["a"],
        kind=ActivityKind.TRAINING,
        starts_at=starts,
        ends_at=ends,
        registration_opens_at=starts - timedelta(days=9),
        registration_closes_at=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=2),
        training_hours=given,
    )
    assert activity.counted_training_hours == counted
    assert Activity.objects.annotate(h=hours_expr("")).get(pk=activity.pk).h == counted


def test_other_kinds_count_no_hours(tree):
    assert ActivityFactory(organizer=tree["a"], kind=ActivityKind.READING).counted_training_hours is None


def _clean(tree, **fields):
    starts = datetime.combine(timezone.localdate() + timedelta(days=10), time(9), tzinfo=TZ)
    values = {
        "title": "培训班",
        "kind": ActivityKind.TRAINING,
        "organizer": tree["a"],
        "place": "市委党校",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "registration_opens_at": starts - timedelta(days=5),
        "registration_closes_at": starts - timedelta(days=1),
        "cancellation_deadline": starts - timedelta(days=2),
    } | fields
    Activity(**values).full_clean()


def test_a_class_over_several_days_must_say_its_hours_and_only_a_class_has_hours(tree):
    starts = datetime.combine(timezone.localdate() + timedelta(days=10), time(9), tzinfo=TZ)
    with pytest.raises(ValidationError) as err:
        _clean(tree, starts_at=starts, ends_at=starts + timedelta(days=2))
    assert "training_hours" in err.value.message_dict
    _clean(tree, starts_at=starts, ends_at=starts + timedelta(days=2), training_hours=Decimal("16"))
    with pytest.raises(ValidationError) as err:
        _clean(tree, kind=ActivityKind.READING, training_hours=Decimal("2"), is_officer_training=True)
    assert {"training_hours", "is_officer_training"} <= set(err.value.message_dict)
    with pytest.raises(ValidationError) as err:
        _clean(tree, training_hours=Decimal("0.2"))
    assert "training_hours" in err.value.message_dict


def test_the_registry_holds_the_attendance_source_with_its_columns(tree, member_a):
    from activities.models import EntryStatus, Registration

    assert attended_trainings in training_sources()
    starts = timezone.now() - timedelta(hours=3)
    activity = ActivityFactory(
        organizer=tree["a"],
        kind=ActivityKind.TRAINING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        registration_opens_at=starts - timedelta(days=9),
        registration_closes_at=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=2),
        training_hours=Decimal("2"),
    )
    Registration.objects.create(
        activity=activity, member=member_a.member, status=EntryStatus.CONFIRMED, attended_at=timezone.now()
    )
    day = timezone.localdate(starts)
    (row,) = attended_trainings(actor=member_a, start=day, end=day)
    assert tuple(row) == TRAINING_COLUMNS
    assert (row["t_member"], row["t_on"], row["t_hours"], row["t_source"]) == (
        member_a.member.pk,
        day,
        Decimal("2"),
        "attendance",
    )


def test_the_officer_sets_the_hours_and_the_flag_on_the_form(tree, officer_a, client):
    from django.urls import reverse

    client.force_login(officer_a)
    html = client.get(reverse("activities:create")).content.decode()
    assert 'name="training_hours"' in html and 'name="is_officer_training"' in html


def test_the_activity_page_says_the_hours_a_check_in_counts(tree, member_a, client):
    from django.urls import reverse

    starts = datetime.combine(timezone.localdate() + timedelta(days=3), time(9), tzinfo=TZ)
    activity = ActivityFactory(
        organizer=tree["city"],
        kind=ActivityKind.TRAINING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        training_hours=None,
        is_officer_training=True,
    )
    client.force_login(member_a)
    html = client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert 'data-testid="training-hours"' in html and "2.5" in html
    assert "签到后计入" in html  # in Chinese


def test_copying_a_training_class_keeps_its_hours_and_flag(tree, officer_a):
    from activities.selectors import activity_new_initial

    starts = datetime.combine(timezone.localdate() - timedelta(days=30), time(9), tzinfo=TZ)
    previous = ActivityFactory(
        organizer=tree["a"],
        kind=ActivityKind.TRAINING,
        starts_at=starts,
        ends_at=starts + timedelta(days=1),
        registration_opens_at=starts - timedelta(days=9),
        registration_closes_at=starts - timedelta(days=1),
        cancellation_deadline=starts - timedelta(days=2),
        training_hours=Decimal("12"),
        is_officer_training=True,
    )
    initial = activity_new_initial(actor=officer_a, now=timezone.now(), copy_from=previous.pk)
    assert (initial["training_hours"], initial["is_officer_training"]) == (Decimal("12"), True)
