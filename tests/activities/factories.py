from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import Activity, ActivityKind


class ActivityFactory(factory.django.DjangoModelFactory):
    """Registration open now; the activity in ten days; cancellation until three days before."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"测试活动{n}")
    kind = ActivityKind.SKILLS_CONTEST
    place = "市行政中心"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    # Opened yesterday, or earlier for an activity that starts within a day (its registration closes a day
    # before the start, and the window must stay a window whatever the time of day the test runs at).
    registration_opens_at = factory.LazyAttribute(
        lambda o: min(timezone.now() - timedelta(days=1), o.starts_at - timedelta(days=2))
    )
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
    cancellation_deadline = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=3))
    capacity = None


class TeamActivityFactory(ActivityFactory):
    kind = ActivityKind.BADMINTON
    mode = "team"
    team_size_min = 2
    team_size_max = 4
    teams_per_unit = 2
