"""Every read of the voice app, scoped to the actor through members.scoping.

Suggestions and requests: the officers of the addressed organisation handle them (the city
administrator handles everything, and what is addressed to the city union); a liaison-zone lead reads
those of the zone's units; a member sees the own. The sender of an anonymous item is shown to the
city administrator only (``sender_visible``).

Talk records: only officers of the member's unit who hold ``voice.manage_talks``, and the city
administrator. Outside the actor's scope: 404; inside it without the right: 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from members.choices import CURRENT_STATUSES
from members.models import Member, Organization, OrganizationKind
from members.scoping import Scope, require_officer, scope_for

from .models import ESCALATION_DAYS, OPEN_STATUSES, OVERDUE_DAYS, Talk, UnitHonour, VoiceItem

TALK_PERM = "voice.manage_talks"


# --- Suggestions and requests ------------------------------------------------------------------
def sender_visible(*, scope: Scope, item: VoiceItem) -> bool:
    """Whether this viewer may know who sent the item: always unless anonymous; then the city admin only."""
    return not item.anonymous or scope.sees_all


def can_handle(*, scope: Scope, item: VoiceItem) -> bool:
    """Answer, forward, close: the city administrator, or an officer of the addressed unit."""
    return scope.sees_all or item.addressee_id in scope.manageable_unit_ids


def _inbox_base(actor) -> QuerySet[VoiceItem]:
    scope = require_officer(actor=actor)
    qs = VoiceItem.objects.all()
    if not scope.sees_all:
        qs = qs.filter(addressee_id__in=scope.readable_unit_ids)
    return qs


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""
    status: str = ""
    category: str = ""
    kind: str = ""
    addressee_id: int | None = None
    overdue_days: int = 0  # 7: overdue for the officers; 14: escalated to the city administrator


def inbox_list(*, actor, filters: InboxFilters | None = None, now: datetime) -> QuerySet[VoiceItem]:
    """Items addressed to the organisations the officer reads. No sender is joined: the list never needs it."""
    f = filters or InboxFilters()
    cutoff = now - timedelta(days=OVERDUE_DAYS)
    qs = _inbox_base(actor).select_related("addressee", "sender_unit")
    qs = qs.annotate(
        is_late=Case(
            When(status__in=OPEN_STATUSES, waiting_since__lte=cutoff, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    if f.q:
        qs = qs.filter(Q(subject__icontains=f.q) | Q(text__icontains=f.q))
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.addressee_id:
        qs = qs.filter(addressee_id=f.addressee_id)
    if f.overdue_days:
        qs = qs.filter(status__in=OPEN_STATUSES, waiting_since__lte=now - timedelta(days=f.overdue_days))
    return qs.defer("text", "answer")


def my_items(*, actor) -> QuerySet[VoiceItem]:
    scope = scope_for(actor)
    if not scope.member_id:
        return VoiceItem.objects.none()
    return VoiceItem.objects.filter(sender_id=scope.member_id).select_related("addressee")


def item_get(*, actor, pk: int) -> VoiceItem:
    """The sender's own item, or one addressed to an organisation the actor reads; else 404."""
    scope = scope_for(actor)
    item = get_object_or_404(VoiceItem.objects.select_related("addressee", "sender_unit"), pk=pk)
    if item.sender_id == scope.member_id or scope.sees_all or item.addressee_id in scope.readable_unit_ids:
        return item
    raise Http404


def item_events(*, item: VoiceItem):
    return list(item.events.select_related("actor", "from_org", "to_org"))


def addressee_choices(*, member: Member) -> QuerySet[Organization]:
    """A member writes to the own unit union or to the city union."""
    return Organization.objects.filter(Q(pk=member.unit_id) | Q(kind=OrganizationKind.CITY), is_active=True).order_by(
        "-kind", "name"
    )


def forward_choices(*, item: VoiceItem) -> QuerySet[Organization]:
    return (
        Organization.objects.filter(kind__in=[OrganizationKind.UNIT, OrganizationKind.CITY], is_active=True)
        .exclude(pk=item.addressee_id)
        .order_by("kind", "sort_order", "name")
    )


def overdue_items(*, now: datetime) -> dict[str, QuerySet[VoiceItem]]:
    """What is overdue at ``now`` (for the reminders): ``officers`` (unanswered 7 days or more) and
    ``city`` (14 days or more, which the city administrator sees). Not scoped: tasks call it."""
    open_items = VoiceItem.objects.filter(status__in=OPEN_STATUSES).select_related("addressee")
    return {
        "officers": open_items.filter(waiting_since__lte=now - timedelta(days=OVERDUE_DAYS)),
        "city": open_items.filter(waiting_since__lte=now - timedelta(days=ESCALATION_DAYS)),
    }


def overdue_count(*, actor, now: datetime) -> dict[str, int]:
    """For the dashboard: overdue items in the actor's inbox, and (city administrator) escalated ones."""
    scope = scope_for(actor)
    qs = VoiceItem.objects.filter(status__in=OPEN_STATUSES)
    if not scope.sees_all:
        qs = qs.filter(addressee_id__in=scope.manageable_unit_ids)
    return qs.aggregate(
        overdue=Count("pk", filter=Q(waiting_since__lte=now - timedelta(days=OVERDUE_DAYS))),
        escalated=Count("pk", filter=Q(waiting_since__lte=now - timedelta(days=ESCALATION_DAYS))),
    )


def voice_stats(*, actor, start: date, end: date) -> list[dict]:
    """Per unit and category for items sent in [start, end]: received, answered within 7 days,
    rated, satisfied (one aggregate query)."""
    scope = require_officer(actor=actor)
    # A range on the stored instant (uses the index), the day bounds taken in Asia/Shanghai.
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    qs = VoiceItem.objects.filter(created_at__gte=since, created_at__lt=until)
    if not scope.sees_all:
        qs = qs.filter(addressee_id__in=scope.readable_unit_ids)
    rows = list(
        qs.values("sender_unit_id", "category")
        .annotate(
            received=Count("pk"),
            answered_in_time=Count("pk", filter=Q(answered_in_time=True)),
            rated=Count("pk", filter=Q(satisfied__isnull=False)),
            satisfied_count=Count("pk", filter=Q(satisfied=True)),
        )
        .order_by()
    )
    names = dict(Organization.objects.filter(pk__in={r["sender_unit_id"] for r in rows}).values_list("pk", "name"))
    for row in rows:
        row["sender_unit__name"] = names.get(row["sender_unit_id"], "")
    rows.sort(key=lambda r: (r["sender_unit__name"], r["category"]))
    return rows


# --- Heart-to-heart talks ----------------------------------------------------------------------
def can_manage_talks(*, actor, unit_id: int | None) -> bool:
    scope = scope_for(actor)
    return scope.can_manage_unit(unit_id) and actor.has_perm(TALK_PERM)


def _talk_scope(actor) -> Scope:
    scope = require_officer(actor=actor)
    if not actor.has_perm(TALK_PERM):
        raise PermissionDenied
    return scope


def talk_member_require(*, actor, member_id: int) -> Member:
    """The member a talk is about: 404 outside the scope, 403 without the care permission or management."""
    member = get_object_or_404(Member.objects.visible_to(actor).select_related("unit"), pk=member_id)
    if not can_manage_talks(actor=actor, unit_id=member.unit_id):
        raise PermissionDenied
    return member


def talk_list(*, actor, q: str = "", unit_id: int | None = None) -> QuerySet[Talk]:
    scope = _talk_scope(actor)
    qs = Talk.objects.select_related("member", "member__unit")
    if not scope.sees_all:
        qs = qs.filter(member__unit_id__in=scope.manageable_unit_ids)
    if q:
        qs = qs.filter(Q(member__name__icontains=q) | Q(topics__icontains=q) | Q(talked_by__icontains=q))
    if unit_id:
        qs = qs.filter(member__unit_id=unit_id)
    return qs.annotate(open_follow_ups=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=True)))


def talk_get(*, actor, pk: int) -> Talk:
    talk = get_object_or_404(Talk.objects.select_related("member", "member__unit"), pk=pk)
    scope = scope_for(actor)
    if not scope.can_read_unit(talk.member.unit_id):
        raise Http404
    if not can_manage_talks(actor=actor, unit_id=talk.member.unit_id):
        raise PermissionDenied
    return talk


def members_without_talk(*, actor, today: date, q: str = "") -> QuerySet[Member]:
    """Current members of the managed units with no talk in the last 12 months."""
    scope = _talk_scope(actor)
    qs = Member.objects.filter(status__in=CURRENT_STATUSES).select_related("unit")
    if not scope.sees_all:
        qs = qs.filter(unit_id__in=scope.manageable_unit_ids)
    if q:
        qs = qs.filter(name__icontains=q)
    cutoff = (
        today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) else today - timedelta(365)
    )
    # NOT EXISTS on the (member, held_on) index rather than grouping every member with its talks.
    recent = Talk.objects.filter(member=OuterRef("pk"), held_on__gte=cutoff)
    last = Talk.objects.filter(member=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    return qs.filter(~Exists(recent)).annotate(last_talk=Subquery(last))


def last_talk_on(*, member: Member) -> date | None:
    return Talk.objects.filter(member=member).aggregate(last=Max("held_on"))["last"]


def talk_unit_choices(*, actor) -> QuerySet[Organization]:
    scope = scope_for(actor)
    qs = Organization.objects.units()
    return (qs if scope.sees_all else qs.filter(pk__in=scope.manageable_unit_ids)).order_by("sort_order", "name")


# --- Unit honours ------------------------------------------------------------------------------
def honour_list(*, actor, q: str = "", title: str = "", level: str = "", year: int | None = None):
    """The union's honour roll: public to everyone who is logged in (honours are published)."""
    qs = UnitHonour.objects.select_related("unit")
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(name__icontains=q))
    if title:
        qs = qs.filter(title=title)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    return qs


def unit_honours(*, unit: Organization) -> list[UnitHonour]:
    return list(UnitHonour.objects.filter(unit=unit))
