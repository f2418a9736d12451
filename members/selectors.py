"""Every read of organisations and members, scoped to the actor."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from .choices import CURRENT_STATUSES, MemberStatus
from .models import IdNumberReveal, Member, MembershipChange, Organization, OrganizationKind
from .scoping import scope_for

_CARD_OR_MOBILE = re.compile(r"^[A-Za-z0-9-]{3,20}$")
_HAS_LETTER_OR_HAN = re.compile(r"[A-Za-z\u3400-\u9fff]")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    unit_id: int | None = None
    status: str = ""
    employment_type: str = ""
    political_status: str = ""
    gender: str = ""
    #: (youngest, oldest) age in whole years on ``today``; either may be None.
    age_band: tuple[int | None, int | None] | None = None
    today: date | None = None

    def as_q(self) -> Q:
        q = Q()
        if self.q:
            q &= self._search_q(self.q)
        if self.age_band:
            youngest, oldest = self.age_band
            today = self.today or date.today()
            if youngest is not None:
                q &= Q(birth_date__lte=_years_before(today, youngest))
            if oldest is not None:
                q &= Q(birth_date__gt=_years_before(today, oldest + 1))
        for field in ("unit_id", "status", "employment_type", "political_status", "gender"):
            value = getattr(self, field)
            if value:
                q &= Q(**{field: value})
        return q

    @staticmethod
    def _search_q(term: str) -> Q:
        """A card or mobile number is looked up by its index; only words scan the names."""
        if term.isdigit() and len(term) == 11:
            return Q(mobile=term) | Q(card_number=term)
        if _CARD_OR_MOBILE.match(term) and any(c.isdigit() for c in term):
            return Q(card_number=term.upper()) | Q(card_number=term)
        if _HAS_LETTER_OR_HAN.search(term):
            return Q(name__contains=term)
        return Q(card_number=term) | Q(mobile=term)


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


def member_changes(*, actor, member: Member) -> QuerySet[MembershipChange]:
    """A member's lifecycle history (the member is already scope-checked by member_get)."""
    member_get(actor=actor, pk=member.pk)
    return member.changes.select_related("from_unit", "to_unit", "recorded_by").order_by("-on", "-pk")


def member_record_history(*, actor, member: Member, limit: int = 50):
    """Field-by-field changes of the record (django-simple-history), newest first."""
    member_get(actor=actor, pk=member.pk)
    records = list(member.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    out = []
    for newer, older in zip(records, records[1:], strict=False):
        delta = newer.diff_against(older, excluded_fields=["updated_at", "id_number_masked"])
        out.append({"record": newer, "changes": delta.changes})
    if len(records) <= limit and records:
        out.append({"record": records[-1], "changes": []})
    return out


def id_reveal_list(*, actor) -> QuerySet[IdNumberReveal]:
    """Who saw whose full ID number: the city administrators read it all."""
    from .scoping import require_perm

    scope = scope_for(actor)
    if not scope.sees_all:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    require_perm(actor=actor, perm="members.view_idnumberreveal")
    return IdNumberReveal.objects.select_related("member", "member__unit", "viewer")
