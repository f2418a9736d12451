"""The yearly report workbook's helpers; its sheets are written by members.sheets.SheetWriter.

The builders (registered with ``members.registry.register_report_sheet``) describe their columns
and hand over rows.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Organization, OrganizationKind
from .sheets import FORMATS, Col, SheetWriter  # noqa: F401 - the builders import them from here


def rate(part, whole) -> float | None:
    """part / whole as a fraction for a percent cell; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def report_units(*, actor, organization: Organization | None) -> QuerySet[Organization]:
    """The units a report covers: all the actor reads (the city), a zone's units, or one unit."""
    units = Organization.objects.for_actor(actor).units()
    if organization is None or organization.kind == OrganizationKind.CITY:
        return units
    if organization.kind == OrganizationKind.ZONE:
        return units.filter(parent_id=organization.pk)
    return units.filter(pk=organization.pk)
