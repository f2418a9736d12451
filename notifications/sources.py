"""Reminder sources about members themselves (birthdays). Other apps register their own.

Each source computes in the database: a fixed number of queries, however many members.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member, Role, RoleAssignment
from members.scoping import unscoped

from .reminders import Reminder

UPCOMING_DAYS = 7
#: Reading the roles to address a notice is the system's business, whoever's action sends it.
ADDRESSING = "addressing a notice: who holds an officer's role in which unit"


def birthday_on(birth: date, year: int) -> date:
    """The day a birthday is kept in ``year``: 29 February falls on 28 February in other years."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birth.replace(year=year)


def _days_q(days: list[date]) -> Q:
    q = Q()
    for d in days:
        q |= Q(birth_date__month=d.month, birth_date__day=d.day)
        if d.month == 2 and d.day == 28 and not calendar.isleap(d.year):
            q |= Q(birth_date__month=2, birth_date__day=29)
    return q


@unscoped(ADDRESSING)
def unit_officers() -> dict[int, list[int]]:
    """unit id -> user ids of its officers (one query)."""
    officers: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id in RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, user__is_active=True).values_list(
        "organization_id", "user_id"
    ):
        officers[unit_id].append(user_id)
    return officers


@unscoped(ADDRESSING)
def city_admins() -> list[int]:
    return list(
        RoleAssignment.objects.filter(role=Role.CITY_ADMIN, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )


def upcoming_birthdays(today: date) -> Iterator[Reminder]:
    """Each unit officer: the unit's members whose birthdays fall in the next 7 days (today included)."""
    days = [today + timedelta(days=i) for i in range(UPCOMING_DAYS)]
    rows = (
        Member.objects.current()
        .filter(_days_q(days))
        .values_list("unit_id", "pk", "name", "birth_date")
        .order_by("unit_id", "birth_date__month", "birth_date__day", "name")
    )
    by_unit: dict[int, list[tuple[int, str, date]]] = defaultdict(list)
    for unit_id, pk, name, born in rows:
        kept = birthday_on(born, today.year)
        if kept < today:  # the window crossed into the new year
            kept = birthday_on(born, today.year + 1)
        by_unit[unit_id].append((pk, name, kept))
    officers = unit_officers()
    members_url = reverse("members:list")
    for unit_id, people in by_unit.items():
        people.sort(key=lambda p: (p[2], p[1]))
        lines = "\n".join(f"{kept:%m-%d} {name}" for _, name, kept in people)
        title = ngettext(
            "%(count)d member of your unit has a birthday in the next 7 days",
            "%(count)d members of your unit have birthdays in the next 7 days",
            len(people),
        ) % {"count": len(people)}
        for user_id in officers.get(unit_id, []):
            yield Reminder(
                "birthdays_upcoming", user_id, f"unit:{unit_id}", today, title, lines, f"{members_url}?unit={unit_id}"
            )


def birthday_greetings(today: date) -> Iterator[Reminder]:
    """Each member with a login, on the birthday: a greeting."""
    rows = Member.objects.current().filter(_days_q([today]), user__is_active=True).values_list("user_id", "name")
    for user_id, name in rows:
        yield Reminder(
            "birthday_greeting",
            user_id,
            f"user:{user_id}",
            today,
            _("Happy birthday, %(name)s!") % {"name": name},
            _("The union wishes you a happy birthday and good health."),
        )


def birthday_month(today: date) -> Iterator[Reminder]:
    """On the first of a month, each unit's officers: prepare the month's birthday distribution."""
    if today.day != 1:
        return
    from django.db.models import Count

    counts = dict(
        Member.objects.current()
        .filter(birth_date__month=today.month)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    officers = unit_officers()
    welfare_url = reverse("welfare:home")  # by name: notifications imports no domain app
    for unit_id, n in counts.items():
        title = _("Prepare this month's birthday gifts: %(count)d members") % {"count": n}
        for user_id in officers.get(unit_id, []):
            yield Reminder("birthday_month", user_id, f"unit:{unit_id}", today, title, "", welfare_url)


@unscoped(ADDRESSING)
def officers_with_permission(perm: str) -> dict[int, list[int]]:
    """unit id -> user ids of its officers who hold ``perm`` ("app_label.codename"), by group or directly."""
    app_label, codename = perm.split(".", 1)
    holds = (
        Q(user__is_superuser=True)
        | Q(user__groups__permissions__codename=codename, user__groups__permissions__content_type__app_label=app_label)
        | Q(user__user_permissions__codename=codename, user__user_permissions__content_type__app_label=app_label)
    )
    officers: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in (
        RoleAssignment.objects.filter(holds, role=Role.UNIT_OFFICER, user__is_active=True)
        .values_list("organization_id", "user_id")
        .distinct()
    ):
        officers[unit_id].add(user_id)
    return {unit_id: sorted(users) for unit_id, users in officers.items()}


def committee_terms(today: date) -> Iterator[Reminder]:
    """Committees whose term ends within REMINDER_TERM_DAYS_BEFORE (default 90) days: the unit's officers
    and the city administrators, once per committee and term (the key holds the term's end)."""
    from django.conf import settings
    from django.urls import reverse

    from members.models import Committee

    limit = today + timedelta(days=settings.REMINDER_TERM_DAYS_BEFORE)
    # The term's end is derived (start + 3 or 5 years): a candidate window on the start, then exact.
    earliest_start = date(today.year - 6, 1, 1)  # (not today.replace(year=…): 29 February)
    candidates = Committee.objects.filter(term_start__gte=earliest_start).select_related("unit")
    due = [c for c in candidates if today <= c.term_end <= limit]
    if not due:
        return
    officers, admins = unit_officers(), city_admins()
    for committee in due:
        title = _("The union committee of %(unit)s ends its term on %(date)s: prepare the election") % {
            "unit": committee.unit.name,
            "date": f"{committee.term_end:%Y-%m-%d}",
        }
        url = reverse("members:committee", args=[committee.unit_id])
        for user_id in sorted(set(officers.get(committee.unit_id, [])) | set(admins)):
            yield Reminder("committee_term", user_id, f"committee:{committee.pk}", committee.term_end, title, "", url)


#: Days before a correction request's deadline that the unit's officers are first reminded.
CORRECTION_WARN_DAYS = 3


@unscoped("daily reminder scan: every unit's open correction requests")
def corrections_due(today: date) -> Iterator[Reminder]:
    """Members' correction requests still open within CORRECTION_WARN_DAYS of their deadline, or past it: the
    officers of the member's unit, once a day (PIPL arts. 45–47: the member is owed an answer in time)."""
    from members.models import CorrectionRequest, CorrectionStatus

    rows = list(
        CorrectionRequest.objects.filter(
            status=CorrectionStatus.OPEN, due_on__lte=today + timedelta(days=CORRECTION_WARN_DAYS)
        )
        .values_list("pk", "due_on", "member__name", "member__unit_id")
        .order_by("due_on", "pk")
    )
    if not rows:
        return
    officers = unit_officers()
    url = reverse("members:corrections")
    for pk, due_on, name, unit_id in rows:
        if due_on < today:
            title = _("The correction request of %(name)s is overdue (due %(date)s): answer it") % {
                "name": name,
                "date": f"{due_on:%Y-%m-%d}",
            }
        else:
            title = _("Answer the correction request of %(name)s by %(date)s") % {
                "name": name,
                "date": f"{due_on:%Y-%m-%d}",
            }
        for user_id in officers.get(unit_id, []):
            yield Reminder("correction_due", user_id, f"correction:{pk}", today, title, "", url)


def notifications_past_retention(today: date):
    """Notifications older than a year (docs/data-map.md, "Retention"): the retention job deletes them."""
    from datetime import datetime, time

    from django.utils import timezone

    from .models import Notification

    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    cutoff = timezone.make_aware(datetime.combine(year_ago, time.min))
    return Notification.objects.filter(created_at__lt=cutoff)
