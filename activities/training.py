"""Training hours from attendance (issue #22): a member checked in at a training class has had its hours.

Registered in ``members.registry`` (``register_training_source``) for care's training records, so that care reads
the check-ins without importing activities: nobody types the hours of a class the portal ran a second time.
The hours a class counts: ``Activity.training_hours``, or else the time between its start and end when both fall
on the same day (``Activity.counted_training_hours`` is the same rule in Python).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, DecimalField, F, FloatField, Func, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Round, TruncDate
from django.utils import timezone

from members.registry import TRAINING_COLUMNS

from .models import TRAINING_KINDS, EntryStatus, Registration

#: care's TrainingKind value for a training activity, and the source marker of counted attendance.
KIND = "activity"
SOURCE = "attendance"


class SecondsBetween(Func):
    """``end - start`` in seconds, as a float: PostgreSQL's ``EXTRACT(EPOCH FROM …)`` of the interval; SQLite has
    no interval type (Django's ``Extract`` of a duration refuses it), so the difference of the Julian days there."""

    arity = 2
    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


def hours_expr(prefix: str = "activity__"):
    """The hours a class counts, in SQL: its training hours, else start to end on one day (rounded to 0.1 h)."""
    starts, ends = F(f"{prefix}starts_at"), F(f"{prefix}ends_at")
    seconds = SecondsBetween(ends, starts)
    decimal = DecimalField(max_digits=5, decimal_places=1)
    same_day = Case(
        When(
            **{f"{prefix}starts_at__date": TruncDate(f"{prefix}ends_at")},
            then=Cast(Round(seconds / Value(3600.0), 1), decimal),
        ),
        default=None,
        output_field=decimal,
    )
    return Coalesce(F(f"{prefix}training_hours"), same_day, output_field=decimal)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def attended_trainings(*, actor, members=None, start: date, end: date) -> QuerySet:
    """The registry's training source: confirmed registrations checked in at a training class starting in
    [start, end], read through the actor's scope of registrations (a unit's officers their members', a member the
    own; a private registration stays private)."""
    qs = Registration.objects.for_actor(actor).filter(
        activity__kind__in=TRAINING_KINDS,
        activity__starts_at__gte=_midnight(start),
        activity__starts_at__lt=_midnight(end + timedelta(days=1)),
        attended_at__isnull=False,
        status=EntryStatus.CONFIRMED,
    )
    if members is not None:
        qs = qs.filter(member__in=members.values("pk"))
    columns = {
        "t_member": F("member_id"),
        "t_member_name": F("member__name"),
        "t_unit_name": F("member__unit__name"),
        "t_title": F("activity__title"),
        "t_on": TruncDate("activity__starts_at"),
        "t_hours": hours_expr(),
        "t_officer": F("activity__is_officer_training"),
        "t_kind": Value(KIND, output_field=CharField()),
        "t_source": Value(SOURCE, output_field=CharField()),
        "t_ref": F("activity_id"),
    }
    assert tuple(columns) == TRAINING_COLUMNS
    return qs.annotate(**columns).filter(t_hours__isnull=False).order_by().values(*TRAINING_COLUMNS)
