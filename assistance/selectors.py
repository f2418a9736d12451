"""Every read of the assistance app, through each model's scope (``Model.objects.for_actor(actor)``).

A read that shows a file's sensitive details, opens a document or exports the roster writes its
access record here, so that no page can show or export them without it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy

from members.audit import AccessAction, record_access
from members.models import Honour, HonourTitle, Member, Organization
from members.pinyin import NameOrder
from members.scoping import get_for_actor, require_manage, scope_for

from .models import (
    Campaign,
    CampaignBudget,
    CaseDocument,
    Grant,
    HardshipCase,
    Recuperation,
    RecuperationRule,
    RosterEntry,
    Source,
    Status,
)

VIEW = "assistance.view_hardshipcase"
MANAGE = "assistance.manage_case"


def can_see_files(actor) -> bool:
    scope = scope_for(actor)
    return scope.is_officer and (actor.has_perm(VIEW) or actor.has_perm(MANAGE))


def can_manage_case(*, actor, case: HardshipCase) -> bool:
    """Whether the file's page offers the unit union's steps (the services decide again)."""
    try:
        require_manage(actor, case)
    except (Http404, PermissionDenied):
        return False
    return actor.has_perm(MANAGE)


def require_file_access(actor) -> None:
    """Members and officers without the assistance permission get 403."""
    if not can_see_files(actor):
        raise PermissionDenied


def unit_choices(*, actor) -> QuerySet[Organization]:
    """The units an actor may pick in a filter."""
    return Organization.objects.for_actor(actor).units().order_by("sort_order", "name")


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


# What the file list shows (issue #23: the page reads only these).
CASE_LIST_COLUMNS = (
    "pk",
    "number",
    "member_id",
    "member__name",
    "unit_id",
    "unit__name",
    "category",
    "status",
    "review_due",
    "follow_up_on",
    "created_at",
)


def case_list(*, actor, filters: CaseFilters, today: date) -> QuerySet[HardshipCase]:
    require_file_access(actor)
    return HardshipCase.objects.for_actor(actor).filter(filters.as_q(today)).select_related("member", "unit")


def case_get(*, actor, pk: int) -> HardshipCase:
    """A file for a step or an upload: 404 outside the actor's scope, 403 for officers without the right.
    Members get 404 (they never learn whether a file exists, the own included: their own facts come
    in the own-data download)."""
    if not scope_for(actor).is_officer:
        raise Http404
    case = get_for_actor(HardshipCase.objects.select_related("member", "unit"), actor, pk=pk)
    require_file_access(actor)
    return case


def case_read(*, actor, pk: int, request=None) -> HardshipCase:
    """A file for a page that shows its sensitive details (income, health, disability, household): the
    reading is recorded."""
    case = case_get(actor=actor, pk=pk)
    record_access(
        actor=actor,
        action=AccessAction.VIEW,
        what=gettext_lazy("Hardship file"),
        obj=case,
        ref=f"{case.number} {case.member.name}",
        request=request,
    )
    return case


def case_due_counts(*, actor, today: date) -> dict:
    qs = HardshipCase.objects.for_actor(actor)
    return qs.aggregate(
        overdue=Count("pk", filter=Q(status=Status.FILED, review_due__lt=today)),
        due=Count(
            "pk", filter=Q(status=Status.FILED, review_due__gte=today, review_due__lte=today + timedelta(days=30))
        ),
        in_progress=Count("pk", filter=Q(status__in=[Status.SUBMITTED, Status.VISITED, Status.REVIEWED])),
        in_notice=Count("pk", filter=Q(status=Status.NOTICE)),
        follow_up=Count("pk", filter=Q(status=Status.CLOSED, follow_up_on__lte=today + timedelta(days=30))),
    )


def document_open(*, actor, pk: int, request=None) -> CaseDocument:
    """A document to serve: 404 outside the scope, 403 without the right; every opening is recorded."""
    if not scope_for(actor).is_officer:
        raise Http404
    doc = get_for_actor(CaseDocument.objects.select_related("case"), actor, pk=pk)
    require_file_access(actor)
    record_access(
        actor=actor,
        action=AccessAction.DOCUMENT,
        what=gettext_lazy("Hardship file document"),
        obj=doc,
        unit=doc.case.unit_id,
        ref=f"{doc.case.number} {doc.title}",
        request=request,
    )
    return doc


def notice_list(*, actor, today: date) -> QuerySet[HardshipCase]:
    """Files in public notice today: officers see their scope; a member also sees the own unit's notice
    (公示 is posted to the unit's staff: names masked, nothing sensitive)."""
    scope = scope_for(actor)
    in_notice = Q(status=Status.NOTICE, notice_start__lte=today, notice_end__gte=today)
    qs = HardshipCase.objects.for_actor(actor).filter(in_notice)
    if scope.member_unit_id:
        # The own unit's notice, beyond the model's rule (a member reads only the own file): the
        # union keeps the scope of the left-hand queryset.
        qs = qs | HardshipCase.objects.filter(in_notice, unit_id=scope.member_unit_id)
    return qs.select_related("member", "unit").order_by("unit__sort_order", "notice_start", "pk")


def campaign_list(*, actor) -> QuerySet[Campaign]:
    require_file_access(actor)
    return Campaign.objects.for_actor(actor).annotate(roster_size=Count("roster", distinct=True))


def campaign_choices(*, actor) -> QuerySet[Campaign]:
    return Campaign.objects.for_actor(actor)


def campaign_get(*, actor, pk: int) -> Campaign:
    require_file_access(actor)
    return get_for_actor(Campaign.objects.prefetch_related("budgets"), actor, pk=pk)


def roster_for(*, actor, campaign: Campaign) -> QuerySet[RosterEntry]:
    return (
        RosterEntry.objects.for_actor(actor)
        .filter(campaign=campaign)
        .select_related("case", "case__member", "case__unit")
    )


def granted_lines(*, actor, campaign: Campaign) -> QuerySet:
    """(file, purpose) of the campaign's grants in the actor's scope: which roster lines were granted."""
    return Grant.objects.for_actor(actor).filter(campaign=campaign).values_list("case_id", "purpose")


def roster_entry_get(*, actor, pk: int) -> RosterEntry:
    require_file_access(actor)
    return get_for_actor(RosterEntry.objects.select_related("case"), actor, pk=pk)


def eligible_cases(*, actor) -> QuerySet[HardshipCase]:
    return HardshipCase.objects.for_actor(actor).filter(status=Status.FILED).select_related("member", "unit")


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
        Grant.objects.for_actor(actor)
        .filter(filters.as_q())
        .select_related("case", "case__member", "case__unit", "campaign", "approved_by")
        .order_by(
            "campaign__opens_on",
            "case__unit__sort_order",
            NameOrder("case__member__name", "case__member__name_pinyin"),
            "pk",
        )
    )


# What a row of the grant report shows (issue #23: the page reads these, not every column of the file, the member
# and the approving login).
GRANT_LIST_COLUMNS = (
    "pk",
    "case_id",
    "campaign_id",
    "purpose",
    "source",
    "amount",
    "granted_on",
    "received_on",
    "case__member_id",
    "case__unit_id",
    "case__member__name",
    "case__unit__name",
    "campaign__name",
)


def grant_page(*, actor, filters: GrantFilters) -> QuerySet[Grant]:
    """The report's rows: :func:`grant_list` with only the columns a row shows."""
    return (
        grant_list(actor=actor, filters=filters)
        .select_related(None)
        .select_related("case__member", "case__unit", "campaign")
        .only(*GRANT_LIST_COLUMNS)
    )


def grant_get(*, actor, pk: int) -> Grant:
    require_file_access(actor)
    return get_for_actor(Grant.objects.select_related("case"), actor, pk=pk)


def grant_totals(*, actor, filters: GrantFilters) -> dict:
    """Totals by campaign and source (with the budget), by unit, and the grand total."""
    qs = grant_list(actor=actor, filters=filters).order_by()
    by_campaign_source = list(
        qs.values("campaign_id", "campaign__name", "source")
        .annotate(total=Sum("amount"), n=Count("pk"))
        .order_by("campaign__name", "source")
    )
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


def grant_export(*, actor, filters: GrantFilters, request=None, printed: bool = False) -> tuple[list[Grant], dict]:
    """The grants and totals of the disbursement roster (with bank accounts): the export (or the printed
    sheet) is recorded."""
    grants = list(grant_list(actor=actor, filters=filters))
    totals = grant_totals(actor=actor, filters=filters)
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=gettext_lazy("Disbursement roster (printed)") if printed else gettext_lazy("Disbursement roster"),
        app="assistance",
        rows=len(grants),
        unit=filters.unit_id,
        request=request,
    )
    return grants, totals


def member_grants(*, actor, member: Member) -> QuerySet[Grant] | None:
    """A member's aid for the member page (which read the member through its scope): the member
    themself, or officers with the permission (the grants' own rule narrows to their scope)."""
    if scope_for(actor).member_id != member.pk and not can_see_files(actor):
        return None
    return Grant.objects.for_actor(actor).filter(case__member=member).select_related("campaign").order_by("-granted_on")


def recuperation_list(*, actor) -> QuerySet[Recuperation]:
    require_file_access(actor)
    return Recuperation.objects.for_actor(actor).select_related("member", "member__unit", "honour")


#: The honours that qualify for recuperation.
RECUPERATION_HONOURS = (HonourTitle.MODEL_WORKER, HonourTitle.ADVANCED_WORKER)


def honour_choices(*, actor) -> QuerySet[Honour]:
    return Honour.objects.for_actor(actor).filter(title__in=RECUPERATION_HONOURS).select_related("member")


def recuperation_rule() -> RecuperationRule:
    """The rule in force; until an administrator saves one (admin), the defaults, unsaved: reading writes nothing."""
    return RecuperationRule.objects.order_by("pk").first() or RecuperationRule()


def member_for_case(*, actor, card_number: str) -> Member | None:
    """The member of a unit the actor manages who holds this card (a file is opened by the own unit union)."""
    return Member.objects.for_actor(actor, manage=True).filter(card_number=card_number.strip()).first()
