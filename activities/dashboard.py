"""The activities' part of the dashboard: activities and participation per month of the current year.

Aggregates in the database: two queries whatever the number of activities and registrations
(plus the actor's visible organisers, computed once per request).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.charts import Chart, Series, filtered_url

from .models import Activity, EntryStatus, Registration
from .selectors import month_start


def _month_key(value) -> tuple[int, int]:
    """TruncMonth gives an aware datetime (PostgreSQL, SQLite) or a date: its local (year, month)."""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        value = timezone.localtime(value)
    return value.year, value.month


def _list_url(first: date) -> str:
    # when=all: the month's past activities too, exactly the ones counted.
    return filtered_url("activities:list", month=f"{first:%Y-%m}", when="all")


def activity_charts(*, actor, today: date | None = None) -> list[Chart]:
    """Activities held per month (what the actor may see) and their participants from the actor's units."""
    today = today or timezone.localdate()
    months = [date(today.year, m, 1) for m in range(1, 13)]
    lo, hi = month_start(months[0]), month_start(date(today.year + 1, 1, 1))
    tz = timezone.get_current_timezone()
    activities = Activity.objects.for_actor(actor).filter(starts_at__gte=lo, starts_at__lt=hi)
    held = {
        _month_key(row["month"]): row["n"]
        for row in activities.annotate(month=TruncMonth("starts_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    # Participants are the registrations the actor reads: people of the units the actor reads (another
    # unit's turnout stays its own), and those of the activities the actor organises.
    registrations = Registration.objects.for_actor(actor).filter(activity__in=activities)
    turnout = {
        _month_key(row["month"]): row
        for row in registrations.annotate(month=TruncMonth("activity__starts_at", tzinfo=tz))
        .values("month")
        .annotate(
            confirmed=Count("pk", filter=Q(status=EntryStatus.CONFIRMED)),
            attended=Count("pk", filter=Q(attended_at__isnull=False)),
        )
        .order_by()
    }
    # A short month on the axis: 1月 … 12月 in Chinese, Jan … Dec in English (a date format, translated).
    labels = [date_format(m, pgettext("short month on a chart axis (a date format)", "M")) for m in months]
    keys = [(m.year, m.month) for m in months]
    urls = [_list_url(m) for m in months]
    return [
        Chart(
            "activities-per-month",
            _("Activities per month, %(year)s") % {"year": today.year},
            "bar",
            labels,
            [Series(_("Activities"), [held.get(k, 0) for k in keys])],
            urls,
            pgettext("unit of a count", "activities"),
        ),
        Chart(
            "participation-per-month",
            _("Participation per month, %(year)s") % {"year": today.year},
            "line",
            labels,
            [
                Series(_("Confirmed registrations"), [turnout.get(k, {}).get("confirmed", 0) for k in keys]),
                Series(_("Checked in"), [turnout.get(k, {}).get("attended", 0) for k in keys]),
            ],
            urls,
            _("people"),
        ),
    ]


def dashboard_panel(request, scope) -> dict | None:
    if not scope.is_officer:
        return None
    return {"title": _("Activities"), "charts": activity_charts(actor=request.user), "wide": True}
