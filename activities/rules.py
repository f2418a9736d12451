"""Who an activity is open to, who manages it, and whether a person may register now (with the reason)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organization, OrganizationKind
from members.scoping import ids_q, scope_for

from .models import Activity


def is_open_to_unit(activity: Activity, unit: Organization) -> bool:
    """City activities are open to every unit, a zone's to its units, a unit's to its own members."""
    org = activity.organizer
    if org.kind == OrganizationKind.CITY:
        return True
    if org.kind == OrganizationKind.ZONE:
        return unit.parent_id == org.pk
    return unit.pk == org.pk


def organizer_choices(actor):
    """The organisations an actor may organise activities for: those whose activities the actor manages
    (Activity's manage rule: ``Scope.manage_orgs``)."""
    return Organization.objects.filter(ids_q("pk", scope_for(actor).manage_orgs()), is_active=True)


def manages_some_unit(actor) -> bool:
    """Whether the actor manages any unit's members (the on-behalf registration, the mentoring form): a
    question about the actor, not about a row, so it reads the scope itself."""
    scope = scope_for(actor)
    return scope.manages_any_unit


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
