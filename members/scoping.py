"""Who may see what: the one place that decides an actor's scope.

- City administrators read and manage everything.
- A liaison-zone lead reads the units of the zone (and their members); manages nothing by that role.
- A unit officer reads and manages the own unit.
- A member reads the own record (plus the calendar and own registrations, aid and gifts, which
  the other apps filter by ``scope.member_id``).

Every selector filters through here; something outside the actor's scope answers 404 (never 403,
so that existence is not leaked); something inside the scope but beyond the actor's rights
answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404


@dataclass(frozen=True)
class Scope:
    sees_all: bool = False
    readable_unit_ids: frozenset[int] = frozenset()
    manageable_unit_ids: frozenset[int] = frozenset()
    zone_ids: frozenset[int] = frozenset()
    city_ids: frozenset[int] = frozenset()
    member_id: int | None = None
    member_unit_id: int | None = None
    roles: frozenset[str] = frozenset()

    @property
    def is_city_admin(self) -> bool:
        return self.sees_all

    @property
    def is_zone_lead(self) -> bool:
        return bool(self.zone_ids)

    @property
    def is_officer(self) -> bool:
        """Holds any management or reading role beyond the own record."""
        return self.sees_all or bool(self.readable_unit_ids)

    @property
    def readable_org_ids(self) -> frozenset[int]:
        return self.readable_unit_ids | self.zone_ids | self.city_ids

    def can_read_unit(self, unit_id: int | None) -> bool:
        return self.sees_all or unit_id in self.readable_unit_ids

    def can_manage_unit(self, unit_id: int | None) -> bool:
        return self.sees_all or unit_id in self.manageable_unit_ids


EMPTY = Scope()
_CACHE_ATTR = "_union_scope"


def scope_for(actor) -> Scope:
    """The actor's scope, computed once per user object (i.e. once per request)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return EMPTY
    cached = getattr(actor, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import Member, Organization, Role, RoleAssignment

    assignments = list(
        RoleAssignment.objects.filter(user=actor, organization__is_active=True).values_list("role", "organization_id")
    )
    roles = frozenset(r for r, _ in assignments)
    own = Member.objects.filter(user=actor).values_list("pk", "unit_id").first()
    member_id, member_unit_id = own if own else (None, None)
    if actor.is_superuser or Role.CITY_ADMIN in roles:
        scope = Scope(
            sees_all=True,
            member_id=member_id,
            member_unit_id=member_unit_id,
            roles=roles,
            city_ids=frozenset(o for r, o in assignments if r == Role.CITY_ADMIN),
        )
    else:
        zone_ids = frozenset(o for r, o in assignments if r == Role.ZONE_LEAD)
        managed = frozenset(o for r, o in assignments if r == Role.UNIT_OFFICER)
        zone_units = (
            frozenset(Organization.objects.filter(parent_id__in=zone_ids).values_list("pk", flat=True))
            if zone_ids
            else frozenset()
        )
        scope = Scope(
            readable_unit_ids=managed | zone_units,
            manageable_unit_ids=managed,
            zone_ids=zone_ids,
            member_id=member_id,
            member_unit_id=member_unit_id,
            roles=roles,
        )
    setattr(actor, _CACHE_ATTR, scope)
    return scope


def forget_scope(actor) -> None:
    """Drop the cached scope (after the actor's roles changed)."""
    if hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)


def unit_require_read(*, actor, unit_id: int) -> None:
    if not scope_for(actor).can_read_unit(unit_id):
        raise Http404


def unit_require_manage(*, actor, unit_id: int) -> None:
    """404 outside the actor's scope, 403 inside it without the right to manage."""
    scope = scope_for(actor)
    if not scope.can_read_unit(unit_id):
        raise Http404
    if not scope.can_manage_unit(unit_id):
        raise PermissionDenied


def require_officer(*, actor) -> Scope:
    """Officer-only pages: plain members get 403."""
    scope = scope_for(actor)
    if not scope.is_officer:
        raise PermissionDenied
    return scope


def require_perm(*, actor, perm: str) -> None:
    if not actor.has_perm(perm):
        raise PermissionDenied
