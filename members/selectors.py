"""Every read of organisations and members, scoped to the actor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .choices import CURRENT_STATUSES, MemberStatus
from .models import Member, Organization, OrganizationKind
from .scoping import scope_for


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    unit_id: int | None = None
    status: str = ""
    employment_type: str = ""
    political_status: str = ""
    gender: str = ""

    def as_q(self) -> Q:
        q = Q()
        if self.q:
            q &= Q(name__icontains=self.q) | Q(card_number=self.q) | Q(mobile=self.q)
        for field in ("unit_id", "status", "employment_type", "political_status", "gender"):
            value = getattr(self, field)
            if value:
                q &= Q(**{field: value})
        return q


def member_list(*, actor, filters: MemberFilters | None = None) -> QuerySet[Member]:
    filters = filters or MemberFilters()
    return Member.objects.visible_to(actor).filter(filters.as_q()).select_related("unit")


def member_get(*, actor, pk: int) -> Member:
    return get_object_or_404(Member.objects.visible_to(actor).select_related("unit", "unit__parent"), pk=pk)


def unit_list(*, actor) -> QuerySet[Organization]:
    return (
        Organization.objects.visible_to(actor)
        .units()
        .select_related("parent")
        .annotate(current_members=Count("members", filter=Q(members__status__in=CURRENT_STATUSES)))
    )


def unit_choices(*, actor) -> QuerySet[Organization]:
    """The units an actor may pick in a filter (no per-unit counting)."""
    return Organization.objects.visible_to(actor).units().order_by("sort_order", "name")


def organization_get(*, actor, pk: int) -> Organization:
    return get_object_or_404(Organization.objects.visible_to(actor).select_related("parent"), pk=pk)


def unit_figures(*, actor, today: date) -> dict:
    """Headline figures of the units in the actor's scope (one aggregate query)."""
    scope = scope_for(actor)
    qs = Member.objects.all() if scope.sees_all else Member.objects.filter(unit_id__in=scope.readable_unit_ids)
    figures = qs.aggregate(
        active=Count("pk", filter=Q(status=MemberStatus.ACTIVE)),
        retained=Count("pk", filter=Q(status=MemberStatus.RETAINED)),
        women=Count("pk", filter=Q(status__in=CURRENT_STATUSES, gender="F")),
        contract=Count("pk", filter=Q(status__in=CURRENT_STATUSES, employment_type__in=["contract", "agency"])),
        birthdays_this_month=Count("pk", filter=Q(status__in=CURRENT_STATUSES, birth_date__month=today.month)),
    )
    figures["units"] = (
        Organization.objects.filter(kind=OrganizationKind.UNIT).count()
        if scope.sees_all
        else len(scope.readable_unit_ids)
    )
    return figures
