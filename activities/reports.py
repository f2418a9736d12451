"""The activities sheet of the yearly report: every activity of the year and how the units took part.

One aggregate query (plus the units of the report's scope), whatever the number of registrations.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import OrganizationKind
from members.workbook import Col, SheetWriter, rate, report_units

from .models import Activity, EntryStatus, Registration


def _year_window(year: int):
    tz = timezone.get_current_timezone()
    return timezone.make_aware(datetime(year, 1, 1), tz), timezone.make_aware(datetime(year + 1, 1, 1), tz)


def activities_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    """Activities starting in the year: organised within the scope or joined by its members.

    The participation figures count only the members of the report's units (all units for the city).
    """
    unit_ids = list(report_units(actor=actor, organization=organization).values_list("pk", flat=True))
    lo, hi = _year_window(year)
    qs = Activity.objects.for_actor(actor).filter(starts_at__gte=lo, starts_at__lt=hi)
    if organization is not None and organization.kind != OrganizationKind.CITY:
        organisers = {organization.pk, *unit_ids}
        qs = qs.filter(
            Q(organizer_id__in=organisers)
            | Q(pk__in=Registration.objects.for_actor(actor).filter(member__unit_id__in=unit_ids).values("activity_id"))
        )
    ours = Q(registrations__member__unit_id__in=unit_ids)
    rows = (
        qs.select_related("organizer")
        .annotate(
            registered=Count("registrations", filter=ours & ~Q(registrations__status=EntryStatus.CANCELLED)),
            confirmed=Count("registrations", filter=ours & Q(registrations__status=EntryStatus.CONFIRMED)),
            attended=Count("registrations", filter=ours & Q(registrations__attended_at__isnull=False)),
            units=Count(
                "registrations__member__unit",
                filter=ours & ~Q(registrations__status=EntryStatus.CANCELLED),
                distinct=True,
            ),
        )
        .order_by("starts_at", "pk")
    )
    writer.columns(
        [
            Col(_("Date"), 12, "date"),
            Col(_("Activity"), 30),
            Col(_("Kind"), 14),
            Col(_("Organiser"), 20),
            Col(_("Units taking part"), 10, "count"),
            Col(_("People registered"), 10, "count", True),
            Col(_("Confirmed places"), 10, "count", True),
            Col(_("Attended"), 10, "count", True),
            Col(_("Attendance rate"), 10, "percent"),
        ]
    )
    n = 0
    for a in rows:
        n += 1
        writer.row(
            [
                timezone.localtime(a.starts_at).date(),
                a.title,
                str(a.get_kind_display()),
                a.organizer.name,
                a.units,
                a.registered,
                a.confirmed,
                a.attended,
                rate(a.attended, a.confirmed),
            ]
        )
    writer.totals(
        _("Total (%(n)s activities)") % {"n": n},
        {8: rate(writer.sum_of(7), writer.sum_of(6))},
    )
