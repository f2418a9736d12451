"""Every read of the assistance app, scoped to the actor through members.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from members.models import Honour, Member
from members.scoping import scope_for

from .models import (
    Campaign,
    CaseDocument,
    Grant,
    HardshipCase,
    Recuperation,
    RosterEntry,
    Status,
)

VIEW = "assistance.view_hardshipcase"
MANAGE = "assistance.manage_case"


def can_see_files(actor) -> bool:
    scope = scope_for(actor)
    return scope.is_officer and (actor.has_perm(VIEW) or actor.has_perm(MANAGE))


def require_file_access(actor) -> None:
    """Members and officers without the assistance permission get 403."""
    if not can_see_files(actor):
        raise PermissionDenied


def _scoped(qs: QuerySet, actor, field: str = "unit_id") -> QuerySet:
    scope = scope_for(actor)
    if scope.sees_all:
        return qs
    return qs.filter(**{f"{field}__in": scope.readable_unit_ids})


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    unit_id: int | None = None
    due: str = ""  # "due" (within 30 days), "overdue", "follow_up"

    def as_q(self, today: date) -> Q:
        q = Q()
        if self.q:
            q &= Q(member__name__icontains=self.q) | Q(number__icontains=self.q)
        if self.status:
            q &= Q(status=self.status)
        if self.category:
            q &= Q(category=self.category)
        if self.unit_id:
            q &= Q(unit_id=self.unit_id)
        if self.due == "overdue":
            q &= Q(status=Status.FILED, review_due__lt=today)
        elif self.due == "due":
            q &= Q(status=Status.FILED, review_due__gte=today, review_due__lte=today + timedelta(days=30))
        elif self.due == "follow_up":
            q &= Q(status=Status.CLOSED, follow_up_on__lte=today + timedelta(days=30))
        return q


def case_list(*, actor, filters: CaseFilters, today: date) -> QuerySet[HardshipCase]:
    require_file_access(actor)
    return _scoped(HardshipCase.objects.all(), actor).filter(filters.as_q(today)).select_related("member", "unit")


def case_get(*, actor, pk: int) -> HardshipCase:
    """404 outside the actor's scope (also for members: they never learn another's file exists)."""
    scope = scope_for(actor)
    case = get_object_or_404(_scoped(HardshipCase.objects.select_related("member", "unit"), actor), pk=pk)
    if not scope.is_officer:
        raise PermissionDenied
    require_file_access(actor)
    return case


def case_due_counts(*, actor, today: date) -> dict:
    qs = _scoped(HardshipCase.objects.all(), actor)
    return qs.aggregate(
        overdue=Count("pk", filter=Q(status=Status.FILED, review_due__lt=today)),
        due=Count(
            "pk", filter=Q(status=Status.FILED, review_due__gte=today, review_due__lte=today + timedelta(days=30))
        ),
        in_progress=Count("pk", filter=Q(status__in=[Status.SUBMITTED, Status.VISITED, Status.REVIEWED])),
        in_notice=Count("pk", filter=Q(status=Status.NOTICE)),
        follow_up=Count("pk", filter=Q(status=Status.CLOSED, follow_up_on__lte=today + timedelta(days=30))),
    )


def document_get(*, actor, pk: int) -> CaseDocument:
    doc = get_object_or_404(_scoped(CaseDocument.objects.select_related("case"), actor, "case__unit_id"), pk=pk)
    require_file_access(actor)
    return doc


def notice_list(*, actor, today: date) -> QuerySet[HardshipCase]:
    """Files in public notice today: officers see their scope, members their own unit."""
    scope = scope_for(actor)
    qs = HardshipCase.objects.filter(status=Status.NOTICE, notice_start__lte=today, notice_end__gte=today)
    if not scope.sees_all:
        units = set(scope.readable_unit_ids)
        if scope.member_unit_id:
            units.add(scope.member_unit_id)
        qs = qs.filter(unit_id__in=units)
    return qs.select_related("member", "unit").order_by("unit__sort_order", "notice_start", "pk")


def campaign_list(*, actor) -> QuerySet[Campaign]:
    require_file_access(actor)
    return Campaign.objects.annotate(roster_size=Count("roster", distinct=True))


def campaign_get(*, actor, pk: int) -> Campaign:
    require_file_access(actor)
    return get_object_or_404(Campaign.objects.prefetch_related("budgets"), pk=pk)


def roster_for(*, actor, campaign: Campaign) -> QuerySet[RosterEntry]:
    return _scoped(campaign.roster.all(), actor, "case__unit_id").select_related("case", "case__member", "case__unit")


def roster_entry_get(*, actor, pk: int) -> RosterEntry:
    require_file_access(actor)
    return get_object_or_404(_scoped(RosterEntry.objects.select_related("case"), actor, "case__unit_id"), pk=pk)


def eligible_cases(*, actor) -> QuerySet[HardshipCase]:
    return _scoped(HardshipCase.objects.filter(status=Status.FILED), actor).select_related("member", "unit")


@dataclass(frozen=True)
class GrantFilters:
    campaign_id: int | None = None
    source: str = ""
    unit_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    campaign_year: int | None = None  # the year a campaign opens in: its whole budget and grants

    def as_q(self) -> Q:
        q = Q()
        if self.campaign_year:
            q &= Q(campaign__opens_on__year=self.campaign_year)
        if self.campaign_id:
            q &= Q(campaign_id=self.campaign_id)
        if self.source:
            q &= Q(source=self.source)
        if self.unit_id:
            q &= Q(case__unit_id=self.unit_id)
        if self.date_from:
            q &= Q(granted_on__gte=self.date_from)
        if self.date_to:
            q &= Q(granted_on__lte=self.date_to)
        return q


def grant_list(*, actor, filters: GrantFilters) -> QuerySet[Grant]:
    require_file_access(actor)
    return (
        _scoped(Grant.objects.all(), actor, "case__unit_id")
        .filter(filters.as_q())
        .select_related("case", "case__member", "case__unit", "campaign", "approved_by")
        .order_by("campaign__opens_on", "case__unit__sort_order", "case__member__name", "pk")
    )


def grant_get(*, actor, pk: int) -> Grant:
    require_file_access(actor)
    return get_object_or_404(_scoped(Grant.objects.select_related("case"), actor, "case__unit_id"), pk=pk)


def grant_totals(*, actor, filters: GrantFilters) -> dict:
    """Totals by campaign and source (with the budget), by unit, and the grand total."""
    qs = grant_list(actor=actor, filters=filters).order_by()
    by_campaign_source = list(
        qs.values("campaign_id", "campaign__name", "source")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by("campaign__name", "source")
    )
    from .models import CampaignBudget, Source

    budgets = {
        (b.campaign_id, b.source): b.amount
        for b in CampaignBudget.objects.filter(campaign_id__in={r["campaign_id"] for r in by_campaign_source})
    }
    labels = dict(Source.choices)
    for row in by_campaign_source:
        row["budget"] = budgets.get((row["campaign_id"], row["source"]))
        row["source_label"] = labels.get(row["source"], row["source"])
    by_unit = list(
        qs.values("case__unit__name").annotate(total=Sum("amount"), n=Count("pk")).order_by("case__unit__name")
    )
    grand = qs.aggregate(total=Sum("amount"), n=Count("pk"))
    return {"by_campaign_source": by_campaign_source, "by_unit": by_unit, "grand": grand}


def member_grants(*, actor, member: Member) -> QuerySet[Grant] | None:
    """A member's aid for the member page: the member themself, or officers with the permission in scope."""
    scope = scope_for(actor)
    if scope.member_id != member.pk and not (can_see_files(actor) and scope.can_read_unit(member.unit_id)):
        return None
    return Grant.objects.filter(case__member=member).select_related("campaign").order_by("-granted_on")


def recuperation_list(*, actor) -> QuerySet[Recuperation]:
    require_file_access(actor)
    return _scoped(Recuperation.objects.all(), actor, "member__unit_id").select_related(
        "member", "member__unit", "honour"
    )


def honour_choices(*, actor) -> QuerySet[Honour]:
    from .services import RECUPERATION_HONOURS

    return _scoped(Honour.objects.filter(title__in=RECUPERATION_HONOURS), actor, "member__unit_id").select_related(
        "member"
    )


def member_for_case(*, actor, card_number: str) -> Member | None:
    scope = scope_for(actor)
    qs = Member.objects.all() if scope.sees_all else Member.objects.filter(unit_id__in=scope.manageable_unit_ids)
    return qs.filter(card_number=card_number.strip()).first()
