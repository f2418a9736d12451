"""The voice app's daily reminder source: items unanswered 7 days (officers) and 14 days (city).

One reminder per item and waiting period (the key holds when the item started waiting), so the
daily run does not repeat it every morning; a reopened item waits, and is reminded, anew.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import OrganizationKind
from notifications.reminders import Reminder
from notifications.sources import city_admins, unit_officers

from . import selectors

PLACEHOLDER = 987654321  # a number no item has: reverse() once, then the item's pk in its place


def overdue_reminders(*, now: datetime) -> dict[str, list[Reminder]]:
    """``officers``: to those who handle each item unanswered 7 days; ``city``: 14 days, to the city."""
    due = selectors.overdue_items(now=now)
    officers, admins = unit_officers(), city_admins()
    out: dict[str, list[Reminder]] = {"officers": [], "city": []}
    # The item's link from one reverse(): a reverse per reminder was half of a run that sends 12,000 (issue #23).
    link = reverse("voice:detail", args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{pk}")
    zone = timezone.get_current_timezone()  # looked up once, not for each of thousands of items
    for group, kind, title, items in (
        ("officers", "voice_overdue", _("Unanswered for 7 days: %(subject)s"), due["officers"]),
        ("city", "voice_escalated", _("Unanswered for 14 days: %(subject)s"), due["city"]),
    ):
        for item in items:
            if group == "city" or item.addressee_kind == OrganizationKind.CITY:
                recipients = admins
            else:
                recipients = officers.get(item.addressee_id, [])
            waiting = timezone.localtime(item.waiting_since, zone)
            body = item.addressee_name if group == "city" else ""
            subject, text, url = (
                f"voice:{item.pk}:{waiting:%H%M%S}",
                title % {"subject": item.subject},
                link.format(pk=item.pk),
            )
            out[group] += [Reminder(kind, uid, subject, waiting.date(), text, body, url) for uid in recipients]
    return out


def daily_source(today: date) -> Iterator[Reminder]:
    """For the daily run: what is overdue now (a run for another day: by the end of that day)."""
    if today == timezone.localdate():
        now = timezone.now()
    else:
        now = datetime.combine(today + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())
    for reminders in overdue_reminders(now=now).values():
        yield from reminders
