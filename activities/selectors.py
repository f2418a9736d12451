"""Every read of the activities app, scoped to the actor through members.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils import timezone

from members.models import Member, Organization
from members.pinyin import NameOrder
from members.scoping import require_manage, require_officer, scope_for, scope_q, unscoped
from members.selectors import count_per_row

from .models import Activity, CalendarFeed, EntryStatus, MentoringPair, ReadingRoom, Registration, Team


def next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def month_start(first: date) -> datetime:
    """Midnight of a month's first day in the portal's time zone."""
    return timezone.make_aware(datetime.combine(first, time.min), timezone.get_current_timezone())


def activities_for(actor) -> QuerySet[Activity]:
    """The activities the actor sees, each marked ``actor_manages`` (the model's manage rule, in the same
    query: the detail page and every manager's page know it without asking again)."""
    manages = scope_q(Activity, actor, manage=True)
    flag = Value(True) if not manages else ExpressionWrapper(manages, output_field=BooleanField())
    return Activity.objects.for_actor(actor).annotate(actor_manages=flag)


@dataclass(frozen=True)
class ActivityFilters:
    q: str = ""
    kind: str = ""
    organizer_id: int | None = None
    when: str = "upcoming"  # upcoming | past | all
    month: date | None = None  # the first day of a month: activities starting in it (Asia/Shanghai)

    def as_q(self, now: datetime) -> Q:
        q = Q()
        if self.month:
            q &= Q(starts_at__gte=month_start(self.month), starts_at__lt=month_start(next_month(self.month)))
        if self.q:
            q &= Q(title__icontains=self.q) | Q(theme__icontains=self.q) | Q(place__icontains=self.q)
        if self.kind:
            q &= Q(kind=self.kind)
        if self.organizer_id:
            q &= Q(organizer_id=self.organizer_id)
        if self.when == "upcoming":
            q &= Q(ends_at__gte=now)
        elif self.when == "past":
            q &= Q(ends_at__lt=now)
        return q


def activity_list(*, actor, filters: ActivityFilters | None = None) -> QuerySet[Activity]:
    filters = filters or ActivityFilters()
    return (
        Activity.objects.for_actor(actor)
        .filter(filters.as_q(timezone.now()))
        .select_related("organizer")
        .annotate(
            # The activity was read through the actor's scope: its places count every registration.
            confirmed=count_per_row(
                Registration.objects.via_parent().filter(status=EntryStatus.CONFIRMED, team__isnull=True), "activity"
            ),
            confirmed_teams=count_per_row(Team.objects.via_parent().filter(status=EntryStatus.CONFIRMED), "activity"),
        )
    )


# What the activity list shows (issue #23: the page reads only these).
ACTIVITY_LIST_COLUMNS = (
    "pk",
    "title",
    "kind",
    "organizer_id",
    "organizer__name",
    "starts_at",
    "place",
    "mode",
    "capacity",
)


def activity_get(*, actor, pk: int, manage: bool = False, lock: bool = False) -> Activity:
    """One activity the actor sees (404 otherwise); with ``manage``, 403 unless the actor manages it;
    with ``lock``, the row is locked until the transaction ends (the services' capacity rule)."""
    qs = activities_for(actor).select_related("organizer", "reading_room")
    if lock:
        qs = qs.select_for_update(of=("self",))
    activity = qs.filter(pk=pk).first()
    if activity is None:
        raise Http404
    if manage and not activity.actor_manages:
        raise PermissionDenied
    return activity


#: what "copy from a previous activity" takes over (not the dates: the new activity's defaults)
COPIED_FIELDS = (
    "title",
    "kind",
    "theme",
    "organizer",
    "place",
    "reading_room",
    "capacity",
    "mode",
    "team_size_min",
    "team_size_max",
    "teams_per_unit",
    "description",
    "training_hours",
    "is_officer_training",
)


def activity_copy_choices(*, actor, limit: int = 50) -> QuerySet[Activity]:
    """The previous activities an officer may copy a new one from: those the actor manages, newest first."""
    return (
        Activity.objects.for_actor(actor, manage=True).select_related("organizer").order_by("-starts_at", "-pk")[:limit]
    )


def activity_new_initial(*, actor, now, copy_from: int | None = None) -> dict:
    """The new-activity form's defaults: next week at 14:30 for two hours, registration open from now until the
    day before (17:00), cancellation until registration closes; with ``copy_from`` (an activity the actor
    manages: 404 otherwise) its title, kind, place, capacity … too."""
    from datetime import datetime, time, timedelta

    local = timezone.localtime(now)
    starts = timezone.make_aware(datetime.combine(local.date() + timedelta(days=7), time(14, 30)))
    closes = timezone.make_aware(datetime.combine(starts.date() - timedelta(days=1), time(17, 0)))
    initial = {
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "registration_opens_at": local.replace(second=0, microsecond=0),
        "registration_closes_at": closes,
        "cancellation_deadline": closes,
    }
    if copy_from is not None:
        source = activity_get_managed(actor=actor, pk=copy_from)
        initial |= {f: getattr(source, f) for f in COPIED_FIELDS}
        initial["organizer"] = source.organizer_id
        initial["reading_room"] = source.reading_room_id
    return initial


def activity_get_managed(*, actor, pk: int) -> Activity:
    """An activity the actor manages: 404 outside the actor's sight, 403 without the right."""
    return activity_get(actor=actor, pk=pk, manage=True)


def month_activities(*, actor, year: int, month: int, filters: ActivityFilters) -> QuerySet[Activity]:
    start = month_start(date(year, month, 1))
    end = month_start(next_month(date(year, month, 1)))
    f = ActivityFilters(q=filters.q, kind=filters.kind, organizer_id=filters.organizer_id, when="all")
    return (
        Activity.objects.for_actor(actor)
        .filter(f.as_q(timezone.now()), starts_at__lt=end, ends_at__gte=start)
        .select_related("organizer")
        .order_by("starts_at")
    )


def upcoming_for(*, actor, days: int = 60, limit: int = 5) -> list[Activity]:
    now = timezone.now()
    return list(
        Activity.objects.for_actor(actor)
        .filter(ends_at__gte=now, starts_at__lte=now + timedelta(days=days))
        .select_related("organizer")
        .order_by("starts_at")[:limit]
    )


def own_registration(*, actor, activity: Activity) -> Registration | None:
    member_id = scope_for(actor).member_id
    if not member_id:
        return None
    return (
        activity.registrations.filter(member_id=member_id)
        .exclude(status=EntryStatus.CANCELLED)
        .select_related("team")
        .first()
    )


def place_counts(activity: Activity) -> dict:
    holders = activity.teams.all() if activity.is_team else activity.registrations.filter(team=None)
    return holders.aggregate(
        confirmed=Count("pk", filter=Q(status=EntryStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=EntryStatus.WAITLISTED)),
    )


def participants(*, actor, activity: Activity, include_cancelled: bool = False) -> QuerySet[Registration]:
    """Everyone registered for an activity the actor manages (confirmed first, then the waitlist)."""
    if not getattr(activity, "actor_manages", False):  # the activity comes from activity_get(manage=True)
        require_manage(actor, activity)
    qs = activity.registrations.select_related("member", "member__unit", "team")
    if not include_cancelled:
        qs = qs.exclude(status=EntryStatus.CANCELLED)
    return qs.order_by("status", "team__waitlist_position", "waitlist_position", "member__unit__sort_order", "pk")


# What a row of the participants page shows (issue #23: read as plain values, not three model instances a row).
PARTICIPANT_ROW_VALUES = (
    "pk",
    "status",
    "waitlist_position",
    "attended_at",
    "team_id",
    "team__name",
    "team__waitlist_position",
    "member__name",
    "member__unit__name",
)


def teams(*, activity: Activity) -> QuerySet[Team]:
    """The teams of an activity the caller already holds (its page lists them to everyone who sees it)."""
    return (
        activity.teams.exclude(status=EntryStatus.CANCELLED)
        .select_related("unit", "captain")
        .prefetch_related("registrations__member")
        .order_by("status", "waitlist_position", "pk")
    )


def registrable_members(*, actor, activity: Activity) -> QuerySet[Member]:
    """Members of the units the actor manages who are not yet registered (for on-behalf registration)."""
    taken = activity.registrations.exclude(status=EntryStatus.CANCELLED).values("member_id")
    return (
        Member.objects.for_actor(actor, manage=True)
        .current()
        .exclude(pk__in=taken)
        .select_related("unit")
        .order_by("unit__sort_order", NameOrder(), "pk")
    )


#: at most this many candidates in one answer of the register-on-behalf search (the count says how many match)
CANDIDATES_SHOWN = 300


def register_candidates(*, actor, activity: Activity, q: str = "", unit_id: int | None = None) -> QuerySet[Member]:
    """The register-on-behalf list: current members of the units the actor manages, found by name, pinyin,
    initials, card or mobile number (the member list's search) and unit; ``registered`` says who is already in."""
    from django.db.models import Exists

    from members.pinyin import NameOrder
    from members.selectors import MemberFilters

    taken = activity.registrations.exclude(status=EntryStatus.CANCELLED).filter(member_id=OuterRef("pk"))
    qs = Member.objects.for_actor(actor, manage=True).current()
    if q:
        qs = qs.filter(MemberFilters(q=q).as_q())
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.select_related("unit").annotate(registered=Exists(taken)).order_by("unit__sort_order", NameOrder(), "pk")


def team_pool(*, actor) -> QuerySet[Member]:
    """Whom a person may put in a team: the members of the units the actor manages, and of the own unit
    (a member forms a team with colleagues, whom the scope of member records does not show them: they
    are reached from the own unit, which the actor's scope names)."""
    managed = Member.objects.for_actor(actor, manage=True)
    own_unit_id = scope_for(actor).member_unit_id
    if own_unit_id is None:
        return managed
    return managed | Organization(pk=own_unit_id).members.all()


def team_candidates(*, actor, activity: Activity) -> QuerySet[Member]:
    """Members of the actor's own unit (or managed units) not yet in a team of this activity."""
    taken = activity.registrations.exclude(status=EntryStatus.CANCELLED).values("member_id")
    return (
        team_pool(actor=actor)
        .current()
        .exclude(pk__in=taken)
        .select_related("unit")
        .order_by("unit__sort_order", NameOrder(), "pk")
    )


def my_registrations(*, actor) -> QuerySet[Registration]:
    """The actor's own registrations (我的报名), newest activity first; none for a login without a member record."""
    member_id = scope_for(actor).member_id
    if not member_id:
        return Registration.objects.none()
    return (
        Registration.objects.for_actor(actor)
        .filter(member_id=member_id)
        .exclude(status=EntryStatus.CANCELLED)
        .select_related("activity", "activity__organizer", "team")
        .order_by("-activity__starts_at", "-pk")
    )


def next_activity_month(*, actor, after, filters: ActivityFilters) -> date | None:
    """The first day of the month of the next activity the actor sees (for a calendar whose month is empty)."""
    f = ActivityFilters(q=filters.q, kind=filters.kind, organizer_id=filters.organizer_id, when="all")
    starts = (
        Activity.objects.for_actor(actor)
        .filter(f.as_q(timezone.now()), starts_at__gte=after)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localdate(starts).replace(day=1) if starts else None


def member_registrations(*, actor, member: Member) -> QuerySet[Registration]:
    """A member's registrations, for the member's page (the page itself is already scoped)."""
    qs = member.registrations.exclude(status=EntryStatus.CANCELLED)
    if scope_for(actor).member_id != member.pk:
        # Social events for single staff: the registration is the person's and the organiser's business only.
        qs = qs.filter(Registration.scope_q(scope_for(actor), manage=False))
    return qs.select_related("activity", "team").order_by("-activity__starts_at")


def member_mentoring(*, actor, member: Member) -> QuerySet[MentoringPair]:
    return (
        MentoringPair.objects.for_actor(actor)
        .filter(Q(mentor=member) | Q(mentee=member))
        .select_related("mentor", "mentee", "unit")
        .order_by("-starts_on")
    )


def mentoring_list(*, actor) -> QuerySet[MentoringPair]:
    return MentoringPair.objects.for_actor(actor).select_related("mentor", "mentee", "unit")


def reading_room_list(*, actor) -> QuerySet[ReadingRoom]:
    return ReadingRoom.objects.for_actor(actor).select_related("unit").annotate(activity_count=Count("activities"))


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a calendar app asks for by its secret token (there is no login: the token is the
    credential, so the lookup cannot be narrowed to an actor)."""
    with unscoped("the private calendar feed: its secret token is the credential, there is no login"):
        return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def feed_activities(*, user) -> QuerySet[Registration]:
    """The person's confirmed and waitlisted registrations, for the iCalendar feed."""
    member_id = scope_for(user).member_id
    if not member_id:
        return Registration.objects.none()
    return (
        Registration.objects.for_actor(user)
        .filter(member_id=member_id, status__in=[EntryStatus.CONFIRMED, EntryStatus.WAITLISTED])
        .select_related("activity", "activity__organizer")
        .order_by("activity__starts_at")
    )


def participation_by_unit(*, actor, start: date, end: date) -> list[dict]:
    """Per unit: activities joined, people registered, confirmed, attended, in [start, end]."""
    require_officer(actor=actor)
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min), tz)
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    units = Organization.objects.units().for_actor(actor)
    window = Q(
        members__registrations__activity__starts_at__gte=lo,
        members__registrations__activity__starts_at__lt=hi,
    )
    active = window & ~Q(members__registrations__status=EntryStatus.CANCELLED)
    return list(
        units.annotate(
            n_activities=Count("members__registrations__activity", filter=active, distinct=True),
            people=Count("members__registrations__member", filter=active, distinct=True),
            confirmed=Count(
                "members__registrations",
                filter=window & Q(members__registrations__status=EntryStatus.CONFIRMED),
            ),
            attended=Count(
                "members__registrations",
                filter=window & Q(members__registrations__attended_at__isnull=False),
            ),
        )
        .order_by("sort_order", "name")
        .values("name", "n_activities", "people", "confirmed", "attended")
    )
