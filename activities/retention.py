"""Activities' retention rule (docs/data-map.md): registrations and their sign-in data are deleted 3 years after
the activity ended; results and honours stay with the member's record. Registered from ``AppConfig.ready()``."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.retention import RetentionRule, register_retention_rule, years_before

from .models import Registration

YEARS = 3


def registrations_due(today: date) -> QuerySet[Registration]:
    """Registrations (with their check-in) of activities that ended more than 3 years before ``today``."""
    cutoff = timezone.make_aware(datetime.combine(years_before(today, YEARS), time.min))
    return Registration.objects.filter(activity__ends_at__lt=cutoff)


def delete_registrations(qs: QuerySet[Registration]) -> int:
    return qs.delete()[1].get(Registration._meta.label, 0)


def register() -> None:
    register_retention_rule(
        RetentionRule(
            "activities-registrations",
            _("Activity registrations and check-ins"),
            _("3 years after the activity"),
            registrations_due,
            delete_registrations,
        )
    )
