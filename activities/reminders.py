"""The activities app's daily reminder sources: registration closing soon, activity starting tomorrow.

(A waitlisted member promoted to a place is told at once, by the promotion itself: services.py.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import OrganizationKind, Role, RoleAssignment
from members.scoping import unscoped
from notifications.reminders import Reminder

from .models import Activity, EntryStatus, Registration

CLOSING_DAYS = 2
#: Who organises for each kind of organiser.
ORGANISER_ROLE = {
    OrganizationKind.CITY: Role.CITY_ADMIN,
    OrganizationKind.ZONE: Role.ZONE_LEAD,
    OrganizationKind.UNIT: Role.UNIT_OFFICER,
}


def _day_range(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def registration_closing(today: date) -> Iterator[Reminder]:
    """To the organising officers: registration closes in 2 days, with how full the activity is."""
    start, end = _day_range(today + timedelta(days=CLOSING_DAYS))
    organisers: dict[tuple[int, str], list[int]] = defaultdict(list)
    with unscoped("daily reminder scan: every activity closing in two days, and who organises it"):
        activities = list(
            Activity.objects.filter(registration_closes_at__gte=start, registration_closes_at__lt=end)
            .select_related("organizer")
            .annotate(
                confirmed=Count("registrations", filter=Q(registrations__status=EntryStatus.CONFIRMED)),
                waitlisted=Count("registrations", filter=Q(registrations__status=EntryStatus.WAITLISTED)),
            )
        )
        if not activities:
            return
        for org_id, role, user_id in RoleAssignment.objects.filter(
            organization_id__in={a.organizer_id for a in activities}, user__is_active=True
        ).values_list("organization_id", "role", "user_id"):
            organisers[(org_id, role)].append(user_id)
    for activity in activities:
        if activity.capacity:
            fill = _("%(confirmed)d of %(capacity)d places taken, %(waitlisted)d waitlisted") % {
                "confirmed": activity.confirmed,
                "capacity": activity.capacity,
                "waitlisted": activity.waitlisted,
            }
        else:
            fill = _("%(confirmed)d registered") % {"confirmed": activity.confirmed}
        closes = timezone.localtime(activity.registration_closes_at)
        title = _("Registration for %(title)s closes on %(when)s") % {
            "title": activity.title,
            "when": f"{closes:%m-%d %H:%M}",
        }
        role = ORGANISER_ROLE[activity.organizer.kind]
        for user_id in organisers.get((activity.organizer_id, role), []):
            yield Reminder(
                "activity_closing",
                user_id,
                f"activity:{activity.pk}",
                today,
                title,
                fill,
                reverse("activities:detail", args=[activity.pk]),
            )


def starting_tomorrow(today: date) -> Iterator[Reminder]:
    """To everyone with a confirmed place: the activity starts tomorrow (when and where)."""
    start, end = _day_range(today + timedelta(days=1))
    with unscoped("daily reminder scan: everyone with a confirmed place in tomorrow's activities"):
        rows = list(
            Registration.objects.filter(
                status=EntryStatus.CONFIRMED,
                activity__starts_at__gte=start,
                activity__starts_at__lt=end,
                member__user__is_active=True,
            ).values_list("member__user_id", "activity_id", "activity__title", "activity__starts_at", "activity__place")
        )
    for user_id, activity_id, title, starts_at, place in rows:
        when = timezone.localtime(starts_at)
        yield Reminder(
            "activity_tomorrow",
            user_id,
            f"activity:{activity_id}",
            today,
            _("Tomorrow: %(title)s") % {"title": title},
            _("%(time)s at %(place)s") % {"time": f"{when:%H:%M}", "place": place},
            reverse("activities:detail", args=[activity_id]),
        )
