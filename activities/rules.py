"""Who an activity is open to, who manages it, and whether a person may register now (with the reason)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organization, OrganizationKind
from members.scoping import Scope, scope_for

from .models import Activity


def is_open_to_unit(activity: Activity, unit: Organization) -> bool:
    """City activities are open to every unit, a zone's to its units, a unit's to its own members."""
    org = activity.organizer
    if org.kind == OrganizationKind.CITY:
        return True
    if org.kind == OrganizationKind.ZONE:
        return unit.parent_id == org.pk
    return unit.pk == org.pk


def can_manage(scope: Scope, activity: Activity) -> bool:
    """City administrators manage all; a zone lead the zone's activities; a unit officer the unit's."""
    if scope.sees_all:
        return True
    org = activity.organizer
    if org.kind == OrganizationKind.ZONE:
        return org.pk in scope.zone_ids
    if org.kind == OrganizationKind.UNIT:
        return scope.can_manage_unit(org.pk)
    return False


def require_manage(actor, activity: Activity) -> Scope:
    scope = scope_for(actor)
    if not can_manage(scope, activity):
        raise PermissionDenied
    return scope


def organizer_choices(actor):
    """The organisations an actor may organise activities for."""
    scope = scope_for(actor)
    if scope.sees_all:
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(pk__in=scope.manageable_unit_ids | scope.zone_ids, is_active=True)


@dataclass(frozen=True)
class Eligibility:
    ok: bool
    reason: str = ""


def eligibility(activity: Activity, member: Member | None, *, now=None) -> Eligibility:
    """Whether ``member`` may register for ``activity`` now, and if not, why (in words for the page)."""
    now = now or timezone.now()
    if member is None:
        return Eligibility(False, _("Your login is not linked to a member record."))
    if not member.is_current:
        return Eligibility(False, _("Only current members can register."))
    if not is_open_to_unit(activity, member.unit):
        return Eligibility(False, _("This activity is open only to members of %(org)s.") % {"org": activity.organizer})
    if now < activity.registration_opens_at:
        opens = timezone.localtime(activity.registration_opens_at).strftime("%Y-%m-%d %H:%M")
        return Eligibility(False, _("Registration opens at %(when)s.") % {"when": opens})
    if now > activity.registration_closes_at:
        return Eligibility(False, _("Registration has closed."))
    return Eligibility(True)
