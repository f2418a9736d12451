"""iCalendar (.ics) files: one activity, or a person's feed. Times carry the Asia/Shanghai zone."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

PRODID = "-//Nantong City Organ Union//Activities//ZH"


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    return cal


def _event(activity, base_url: str, *, tentative: bool = False) -> Event:
    ev = Event()
    ev.add("uid", f"activity-{activity.pk}@nantong-union")
    ev.add("summary", activity.title)
    ev.add("dtstart", timezone.localtime(activity.starts_at))
    ev.add("dtend", timezone.localtime(activity.ends_at))
    ev.add("dtstamp", timezone.now())
    ev.add("location", activity.place)
    ev.add("description", activity.description or activity.get_kind_display())
    ev.add("url", f"{base_url}/activities/{activity.pk}/")
    ev.add("status", "TENTATIVE" if tentative else "CONFIRMED")
    return ev


def activity_ics(activity, base_url: str) -> bytes:
    cal = _calendar(activity.title)
    cal.add_component(_event(activity, base_url))
    cal.add_missing_timezones()
    return cal.to_ical()


def feed_ics(registrations, base_url: str) -> bytes:
    cal = _calendar(_("My union activities"))
    for r in registrations:
        cal.add_component(_event(r.activity, base_url, tentative=r.status == "waitlisted"))
    cal.add_missing_timezones()
    return cal.to_ical()
