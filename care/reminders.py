"""The care app's daily reminder source: tomorrow's counselling sessions, to the member and to the counsellor.

Keyed by (kind, recipient, booking, day) in the notifications engine, so the daily run (a Celery beat task) or a
retry sends each reminder once. The texts name no member to anyone but the counsellor.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.scoping import unscoped
from notifications.reminders import Reminder

from .models import BookingStatus, CounsellingBooking


def counselling_source(today: date) -> Iterator[Reminder]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(today + timedelta(days=1), time.min, tzinfo=tz)
    with unscoped("daily reminder scan: tomorrow's counselling sessions, told only to their member and counsellor"):
        bookings = list(
            CounsellingBooking.objects.filter(
                status=BookingStatus.BOOKED, slot__starts_at__gte=start, slot__starts_at__lt=start + timedelta(days=1)
            )
            .select_related("slot", "slot__counsellor", "member")
            .order_by("pk")
        )
    for booking in bookings:
        at = timezone.localtime(booking.slot.starts_at)
        when = f"{at:%Y-%m-%d %H:%M}"
        place = booking.slot.place
        if booking.member.user_id:
            yield Reminder(
                "care_counselling",
                booking.member.user_id,
                f"booking:{booking.pk}",
                today,
                _("Counselling tomorrow at %(when)s with %(counsellor)s")
                % {"when": when, "counsellor": booking.slot.counsellor.name},
                place,
                reverse("care:counselling"),
            )
        if booking.slot.counsellor.user_id:
            yield Reminder(
                "care_counselling",
                booking.slot.counsellor.user_id,
                f"booking:{booking.pk}",
                today,
                _("Counselling session tomorrow at %(when)s") % {"when": when},
                place,
                reverse("care:booking_detail", args=[booking.pk]),
            )
