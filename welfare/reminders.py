"""The welfare app's daily reminder source: prepare the festival gifts, days before each festival."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from members.festivals import Festival, festival_dates
from notifications.reminders import Reminder
from notifications.sources import city_admins, unit_officers

from .defaults import portal_province
from .models import Category, WelfarePolicy


def allowed_festivals(year: int) -> set[str]:
    """The festivals the year's policy allows gifts for: those with a share where the policy splits the
    festival cap, otherwise every festival of the national rule once the festival cap is set."""
    policy = (
        WelfarePolicy.objects.filter(year=year, province=portal_province())
        .prefetch_related("caps", "festival_caps")
        .first()
    )
    if policy is None:
        return set()
    festival_cap = next((c.cap for c in policy.caps.all() if c.category == Category.FESTIVAL), None)
    if not festival_cap:
        return set()
    shares = {f.festival for f in policy.festival_caps.all() if f.cap > 0}
    return shares or {f.value for f in Festival}


def festival_reminders(today: date) -> Iterator[Reminder]:
    """REMINDER_FESTIVAL_DAYS_BEFORE (default 14) days before an allowed festival: every unit's officers
    (and the city administrators, for city-wide batches) prepare the distribution."""
    target = today + timedelta(days=settings.REMINDER_FESTIVAL_DAYS_BEFORE)
    due = [code for code, day in festival_dates(target.year).items() if day == target]
    if not due:
        return
    allowed = allowed_festivals(target.year)
    labels = dict(Festival.choices)
    recipients = {uid for uids in unit_officers().values() for uid in uids} | set(city_admins())
    url = reverse("welfare:create")
    for code in due:
        if code not in allowed:
            continue
        title = _("%(festival)s is on %(date)s: prepare the festival gifts") % {
            "festival": labels[code],
            "date": f"{target:%Y-%m-%d}",
        }
        body = _("%(days)d days to go.") % {"days": settings.REMINDER_FESTIVAL_DAYS_BEFORE}
        for user_id in sorted(recipients):
            yield Reminder("festival_prepare", user_id, f"festival:{code}:{target.year}", today, title, body, url)
