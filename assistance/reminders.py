"""The assistance app's daily reminder sources: overdue yearly reviews and the seasonal campaigns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from members.scoping import unscoped
from notifications.reminders import Reminder
from notifications.sources import city_admins, officers_with_permission

from .models import Cause, HardshipCase, Status

PERMISSION = "assistance.manage_case"


def overdue_reviews(today: date) -> Iterator[Reminder]:
    """Every Monday: each unit's assistance officers, the filed cases whose yearly review is overdue;
    the city administrators, the count across all units (a weekly digest rather than a daily nag)."""
    if today.weekday() != 0:
        return
    with unscoped("the weekly reminder scan: overdue reviews of every unit, counted per unit (no actor)"):
        per_unit = Counter(
            HardshipCase.objects.filter(status=Status.FILED, review_due__lt=today).values_list("unit_id", flat=True)
        )
    if not per_unit:
        return
    url = f"{reverse('assistance:case_list')}?due=overdue"
    officers = officers_with_permission(PERMISSION)
    for unit_id, n in per_unit.items():
        title = _("%(count)d hardship files of your unit are overdue for their yearly review") % {"count": n}
        for user_id in officers.get(unit_id, []):
            yield Reminder("hardship_review_overdue", user_id, f"unit:{unit_id}", today, title, "", url)
    total = sum(per_unit.values())
    title = _("%(count)d hardship files are overdue for their yearly review") % {"count": total}
    for user_id in city_admins():
        yield Reminder("hardship_review_overdue", user_id, "city", today, title, "", url)


def _campaign_opens(today: date, *, kind: str, qualifies, title: str) -> Iterator[Reminder]:
    """To each unit's assistance officers (and the city administrators): the campaign opens, with the
    number of the unit's filed cases that qualify."""
    with unscoped("the campaign reminder scan: every unit's filed cases, counted per unit (no actor)"):
        rows = list(HardshipCase.objects.filter(status=Status.FILED).values_list("unit_id", "causes"))
    per_unit = Counter(unit_id for unit_id, causes in rows if qualifies(causes or []))
    officers = officers_with_permission(PERMISSION)
    url = reverse("assistance:campaign_list")
    for unit_id, user_ids in officers.items():
        body = _("Files that qualify in your unit: %(count)d") % {"count": per_unit.get(unit_id, 0)}
        for user_id in user_ids:
            yield Reminder(kind, user_id, f"unit:{unit_id}", today, title, body, url)
    body = _("Files that qualify in all units: %(count)d") % {"count": sum(per_unit.values())}
    for user_id in city_admins():
        yield Reminder(kind, user_id, "city", today, title, body, url)


def student_aid_opens(today: date) -> Iterator[Reminder]:
    """金秋助学: on its opening day (REMINDER_STUDENT_AID_OPENS, default 1 August)."""
    month, day = settings.REMINDER_STUDENT_AID_OPENS
    if (today.month, today.day) != (month, day):
        return
    yield from _campaign_opens(
        today,
        kind="campaign_student_aid",
        qualifies=lambda causes: Cause.SCHOOLING in causes,
        title=_("Golden-autumn student aid opens: prepare the applications"),
    )


def winter_warmth_starts(today: date) -> Iterator[Reminder]:
    """冬送温暖: REMINDER_WINTER_DAYS_BEFORE (default 30) days before the Spring Festival (lunar calendar)."""
    from members.festivals import Festival, festival_dates

    spring = festival_dates(today.year + (1 if today.month >= 7 else 0))[Festival.SPRING]
    if spring - timedelta(days=settings.REMINDER_WINTER_DAYS_BEFORE) != today:
        return
    yield from _campaign_opens(
        today,
        kind="campaign_winter",
        qualifies=lambda causes: True,
        title=_("Winter warmth starts (Spring Festival on %(date)s): prepare the visits")
        % {"date": f"{spring:%Y-%m-%d}"},
    )
