"""Every read of the voice app. Which rows an actor reaches is the models' rule (``for_actor`` in
members.scoping; see the ``scope_*`` declarations in voice.models); what this module adds is which
fields an actor may see and the access records.

Suggestions and requests: the officers of the addressed organisation handle them (the city
administrator handles everything, and what is addressed to the city union); a liaison-zone lead reads
those of the zone's units; a member sees the own. The sender of an anonymous item is shown to the
city administrator only (``sender_visible``): the rule about rows does not decide that, this module does.

Talk records: only officers of the member's unit who hold ``voice.manage_talks``, and the city
administrator. Outside the actor's scope: 404; inside it without the right: 403. Every reading of a
talk is recorded (``talk_get``), and so is every export of the inbox (``inbox_export``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Case, Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from members.audit import AccessAction, record_access
from members.choices import CURRENT_STATUSES, labels
from members.models import Member, Organization, OrganizationKind
from members.scoping import Scope, get_for_actor, require_officer, scope_for, unscoped
from members.sheets import Col, new_workbook, write_sheet

from .models import ESCALATION_DAYS, OPEN_STATUSES, OVERDUE_DAYS, FollowUp, Talk, UnitHonour, VoiceItem

TALK_PERM = "voice.manage_talks"


# --- Suggestions and requests ------------------------------------------------------------------
def sender_visible(*, scope: Scope, item: VoiceItem) -> bool:
    """Whether this viewer may know who sent the item: unless it is anonymous (then nobody: no sender is kept)."""
    return not item.anonymous and item.sender_id is not None


def is_sender(*, scope: Scope, item: VoiceItem, proven: frozenset[int] = frozenset()) -> bool:
    """Whether the viewer sent the item: the own named item, or an anonymous one whose receipt code
    was entered in this session (``proven``: see ``proven_items``)."""
    if item.anonymous:
        return item.pk in proven
    return scope.member_id is not None and item.sender_id == scope.member_id


#: The session key of the anonymous items whose receipt code was entered (or that were sent) in this session.
RECEIPTS_SESSION_KEY = "voice_receipts"


def receipt_hash(code: str) -> str:
    """The keyed hash stored for a receipt code (the code itself is never stored)."""
    from django.utils.crypto import salted_hmac

    normalized = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return salted_hmac("voice.receipt", normalized, algorithm="sha256").hexdigest()


def proven_items(request) -> frozenset[int]:
    """The anonymous items this session proved to have sent (ends with the session: a password reset
    ends every session of the login)."""
    session = getattr(request, "session", None)
    return frozenset(session.get(RECEIPTS_SESSION_KEY, [])) if session is not None else frozenset()


def item_by_receipt(*, code: str) -> VoiceItem | None:
    """The anonymous item a receipt code belongs to, or None."""
    if not code or not code.strip():
        return None
    with unscoped("an anonymous item is found by its receipt code alone: it belongs to no login"):
        return VoiceItem.objects.filter(anonymous=True, receipt_hash=receipt_hash(code)).first()


def can_handle(*, scope: Scope, item: VoiceItem) -> bool:
    """Answer, forward, close: the city administrator, or an officer of the addressed unit (the
    model's manage rule, for an item already read; the services enforce it with require_manage)."""
    return scope.can_manage_unit(item.addressee_id)


def own_member(*, actor) -> Member | None:
    """The actor's own member record (None for a login without one, e.g. an administrator)."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return None
    return Member.objects.for_actor(actor).select_related("unit").get(pk=member_id)


def _as_officer(actor) -> Scope:
    """The officer's scope without the own record: the inbox and the statistics hold what is addressed
    to the actor's units, not what the actor sent (an officer's own letter to the city union stays out
    of the officer's inbox, as it always did). Plain members get 403."""
    return replace(require_officer(actor=actor), member_id=None)


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
    qs = VoiceItem.objects.for_actor(_as_officer(actor)).select_related("addressee", "sender_unit")
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


def inbox_filter_choices(*, actor) -> QuerySet[Organization]:
    """The organisations the inbox may be filtered by: those the actor reads, zones left out."""
    return (
        Organization.objects.for_actor(actor).exclude(kind=OrganizationKind.ZONE).order_by("kind", "sort_order", "name")
    )


#: The inbox export's columns. The sender is never one: officers must not learn who wrote.
INBOX_COLUMNS = [
    Col(gettext_lazy("No."), 8),
    Col(gettext_lazy("Sent at"), 17),
    Col(pgettext_lazy("voice item", "Kind"), 12),
    Col(gettext_lazy("Topic"), 12),
    Col(gettext_lazy("Subject"), 36),
    Col(gettext_lazy("Unit of the sender"), 24),
    Col(gettext_lazy("Addressed to"), 24),
    Col(gettext_lazy("Status"), 10),
    Col(gettext_lazy("Anonymous"), 8),
    Col(gettext_lazy("First answered at"), 17),
    Col(gettext_lazy("Satisfied"), 8),
]


#: What a row of the inbox export reads, in the order of ``INBOX_COLUMNS``: plain values, not items and
#: their two organisations as model instances (three instances a row: a sixth of the export's Python calls).
INBOX_EXPORT_FIELDS = (
    "pk",
    "created_at",
    "kind",
    "category",
    "subject",
    "sender_unit__name",
    "addressee__name",
    "status",
    "anonymous",
    "first_answered_at",
    "satisfied",
)


def _inbox_rows(rows: Iterable[tuple]) -> Iterator[list]:
    """The export's lines from ``INBOX_EXPORT_FIELDS`` rows; the labels and the time zone looked up once."""
    yes, no = str(gettext_lazy("Yes")), str(gettext_lazy("No"))
    kinds, categories, statuses = (labels(VoiceItem, field) for field in ("kind", "category", "status"))
    tz = timezone.get_current_timezone()  # Asia/Shanghai; timezone.localtime() would look it up for every cell
    for pk, created_at, kind, category, subject, sender_unit, addressee, status, anonymous, answered, satisfied in rows:
        yield [
            pk,
            created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            kinds.get(kind, kind),
            categories.get(category, category),
            subject,
            sender_unit,
            addressee,
            statuses.get(status, status),
            yes if anonymous else no,
            answered.astimezone(tz).strftime("%Y-%m-%d %H:%M") if answered else "",
            "" if satisfied is None else (yes if satisfied else no),
        ]


def inbox_export(*, actor, items: QuerySet[VoiceItem], request=None):
    """The (already scoped and filtered, see ``inbox_list``) inbox as a workbook, in Chinese whatever
    the interface language; the export is recorded. One query for the rows, whatever their number."""
    wb = new_workbook()
    rows = items.values_list(*INBOX_EXPORT_FIELDS)
    with translation.override("zh-hans"):  # the file is the officers' record: its words, not only its headers
        count = write_sheet(wb, gettext_lazy("Staff voice inbox"), INBOX_COLUMNS, _inbox_rows(rows))
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=gettext_lazy("Staff voice inbox"),
        app="voice",
        rows=count,
        request=request,
    )
    return wb


def my_items(*, actor) -> QuerySet[VoiceItem]:
    """What the actor sent (nothing for a login without a member record)."""
    scope = scope_for(actor)
    if not scope.member_id:
        return VoiceItem.objects.none()
    return VoiceItem.objects.for_actor(actor).filter(sender_id=scope.member_id).select_related("addressee")


def item_get(*, actor, pk: int, proven: frozenset[int] = frozenset()) -> VoiceItem:
    """The sender's own item (an anonymous one: proven by its receipt in this session), or one addressed
    to an organisation the actor reads; else 404."""
    if pk in proven:
        with unscoped("an anonymous item whose receipt code this session entered: its sender's follow-up"):
            item = VoiceItem.objects.select_related("addressee", "sender_unit").filter(pk=pk, anonymous=True).first()
        if item is not None:
            return item
    return get_for_actor(VoiceItem.objects.select_related("addressee", "sender_unit"), actor, pk=pk)


def item_readable(*, actor, item: VoiceItem) -> bool:
    """Whether the actor still reads the item (after forwarding it elsewhere, an officer may not)."""
    return VoiceItem.objects.for_actor(actor).filter(pk=item.pk).exists()


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


class OverdueItem(NamedTuple):
    """What a reminder says of an overdue item: no model instance (a morning's scan reads thousands)."""

    pk: int
    subject: str
    waiting_since: datetime
    addressee_id: int
    addressee_kind: str
    addressee_name: str


def overdue_items(*, now: datetime) -> dict[str, list[OverdueItem]]:
    """What is overdue at ``now`` (for the reminders): ``officers`` (unanswered 7 days or more) and
    ``city`` (14 days or more, which the city administrator sees). Plain rows of the columns the reminders use:
    building a model instance and its addressee's for each of 6,000 open items was most of the daily scan's
    time (issue #23)."""
    escalation = now - timedelta(days=ESCALATION_DAYS)
    with unscoped("the overdue reminders: every unit's open items, city-wide by design (a task, no actor)"):
        late = [
            OverdueItem._make(row)
            for row in VoiceItem.objects.filter(
                status__in=OPEN_STATUSES, waiting_since__lte=now - timedelta(days=OVERDUE_DAYS)
            )
            .order_by("pk")
            .values_list("pk", "subject", "waiting_since", "addressee_id", "addressee__kind", "addressee__name")
        ]
    return {"officers": late, "city": [item for item in late if item.waiting_since <= escalation]}


def overdue_count(*, actor, now: datetime) -> dict[str, int]:
    """For the dashboard: overdue items in the actor's inbox, and (city administrator) escalated ones."""
    return (
        VoiceItem.objects.for_actor(actor, manage=True)
        .filter(status__in=OPEN_STATUSES)
        .aggregate(
            overdue=Count("pk", filter=Q(waiting_since__lte=now - timedelta(days=OVERDUE_DAYS))),
            escalated=Count("pk", filter=Q(waiting_since__lte=now - timedelta(days=ESCALATION_DAYS))),
        )
    )


def voice_stats(*, actor, start: date, end: date) -> list[dict]:
    """Per unit and category for items sent in [start, end]: received, answered within 7 days,
    rated, satisfied (one aggregate query)."""
    scope = _as_officer(actor)
    # A range on the stored instant (uses the index), the day bounds taken in Asia/Shanghai.
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    qs = VoiceItem.objects.for_actor(scope).filter(created_at__gte=since, created_at__lt=until)
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
    return scope_for(actor).can_manage_unit(unit_id) and actor.has_perm(TALK_PERM)


def _talk_scope(actor) -> Scope:
    scope = require_officer(actor=actor)
    if not actor.has_perm(TALK_PERM):
        raise PermissionDenied
    return scope


def _talk_refused(actor, **unit_lookup) -> NoReturn:
    """A talk (or follow-up) the actor may not open: 403 when the actor reads the member's unit (a
    liaison-zone lead, an officer without ``voice.manage_talks``), 404 otherwise (not even its
    existence is told). The talk itself is never read: its unit is looked up among the actor's."""
    if Organization.objects.for_actor(actor).filter(**unit_lookup).exists():
        raise PermissionDenied
    raise Http404


def talk_member_require(*, actor, member_id: int) -> Member:
    """The member a talk is about: 404 outside the scope, 403 without the care permission or management."""
    member = get_for_actor(Member.objects.select_related("unit"), actor, pk=member_id)
    if not can_manage_talks(actor=actor, unit_id=member.unit_id):
        raise PermissionDenied
    return member


def talk_list(*, actor, q: str = "", unit_id: int | None = None) -> QuerySet[Talk]:
    _talk_scope(actor)
    qs = Talk.objects.for_actor(actor, manage=True).select_related("member", "member__unit")
    if q:
        qs = qs.filter(Q(member__name__icontains=q) | Q(topics__icontains=q) | Q(talked_by__icontains=q))
    if unit_id:
        qs = qs.filter(member__unit_id=unit_id)
    return qs.annotate(open_follow_ups=Count("follow_ups", filter=Q(follow_ups__done_on__isnull=True)))


def talk_get(*, actor, pk: int, request=None) -> Talk:
    """One talk record to read. Its topics and concerns are confidential (health, family): every
    reading is recorded here, so no page can show a talk without the record."""
    qs = Talk.objects.for_actor(actor, manage=True).select_related("member", "member__unit").filter(pk=pk)
    talk = qs.first() if actor.has_perm(TALK_PERM) else None
    if talk is None:
        _talk_refused(actor, members__talks__pk=pk)
    record_access(
        actor=actor,
        action=AccessAction.VIEW,
        what=gettext_lazy("Heart-to-heart talk record"),
        obj=talk,
        unit=talk.member.unit_id,
        ref=f"{talk.held_on:%Y-%m-%d} {talk.member.name}",
        request=request,
    )
    return talk


def follow_up_get(*, actor, pk: int) -> FollowUp:
    """A follow-up action to mark done: the rule of its talk (404 outside, 403 without the right)."""
    qs = FollowUp.objects.for_actor(actor, manage=True).filter(pk=pk)
    follow_up = qs.first() if actor.has_perm(TALK_PERM) else None
    if follow_up is None:
        _talk_refused(actor, members__talks__follow_ups__pk=pk)
    return follow_up


def members_without_talk(*, actor, today: date, q: str = "") -> QuerySet[Member]:
    """Current members of the managed units with no talk in the last 12 months."""
    _talk_scope(actor)
    qs = Member.objects.for_actor(actor, manage=True).filter(status__in=CURRENT_STATUSES).select_related("unit")
    if q:
        qs = qs.filter(name__icontains=q)
    cutoff = (
        today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) else today - timedelta(365)
    )
    # NOT EXISTS on the (member, held_on) index rather than grouping every member with its talks. The
    # subqueries are correlated to the outer rows (members of the managed units), so they need no
    # scope of their own: they are reached from their parent, as a related manager is.
    recent = Talk.objects.via_parent().filter(member=OuterRef("pk"), held_on__gte=cutoff)
    last = Talk.objects.via_parent().filter(member=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    # Only what the list shows (and its order needs): not every column of the member and the unit.
    columns = ("name", "name_pinyin", "unit_id", "unit__name", "unit__sort_order")
    return qs.filter(~Exists(recent)).annotate(last_talk=Subquery(last)).only(*columns)


def last_talk_on(*, member: Member) -> date | None:
    """The date of the member's last talk (the caller checked ``can_manage_talks``)."""
    return member.talks.aggregate(last=Max("held_on"))["last"]


def talk_unit_choices(*, actor) -> QuerySet[Organization]:
    return Organization.objects.units().for_actor(actor, manage=True).order_by("sort_order", "name")


# --- Unit honours ------------------------------------------------------------------------------
def honour_list(*, actor, q: str = "", title: str = "", level: str = "", year: int | None = None):
    """The union's honour roll: public to everyone who is logged in (honours are published)."""
    qs = UnitHonour.objects.for_actor(actor).select_related("unit")
    if q:
        qs = qs.filter(Q(unit__name__icontains=q) | Q(name__icontains=q))
    if title:
        qs = qs.filter(title=title)
    if level:
        qs = qs.filter(level=level)
    if year:
        qs = qs.filter(year=year)
    return qs


def honour_get(*, actor, pk: int, manage: bool = False) -> UnitHonour:
    return get_for_actor(UnitHonour, actor, manage=manage, pk=pk)


def unit_honours(*, unit: Organization) -> list[UnitHonour]:
    return list(unit.unit_honours.all())
