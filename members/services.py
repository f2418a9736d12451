"""Every write to organisations, roles and members."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Member, Organization, Role, RoleAssignment, User
from .roles import ROLE_GROUPS
from .scoping import forget_scope


@transaction.atomic
def role_assign(*, user: User, organization: Organization, role: str) -> RoleAssignment:
    """Give a person a role at an organisation, with the role's default permissions (its group)."""
    assignment = RoleAssignment.objects.filter(user=user, organization=organization, role=role).first()
    if assignment is None:
        assignment = RoleAssignment(user=user, organization=organization, role=role)
        assignment.full_clean()
        assignment.save()
    user.groups.add(Group.objects.get(name=ROLE_GROUPS[Role(role)]))
    if role == Role.CITY_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    forget_scope(user)
    return assignment


@transaction.atomic
def member_create(*, data: dict, id_number: str, unit: Organization) -> Member:
    member = Member(unit=unit, **data)
    member.set_id_number(id_number)
    member.full_clean()
    member.save()
    return member
