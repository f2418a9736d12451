"""Every read of the activities app, scoped to the actor through members.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from members.models import Member, Organization
from members.scoping import require_manage, require_officer, scope_for, scope_q, unscoped

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
            confirmed=Count(
                "registrations",
                filter=Q(registrations__status=EntryStatus.CONFIRMED, registrations__team__isnull=True),
                distinct=True,
            ),
            confirmed_teams=Count("teams", filter=Q(teams__status=EntryStatus.CONFIRMED), distinct=True),
        )
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
        .order_by("unit__sort_order", "name", "pk")
    )


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
        .order_by("unit__sort_order", "name", "pk")
    )


def member_registrations(*, actor, member: Member) -> QuerySet[Registration]:
    """A member's registrations, for the member's page (the page itself is already scoped)."""
    return (
        member.registrations.exclude(status=EntryStatus.CANCELLED)
        .select_related("activity", "team")
        .order_by("-activity__starts_at")
    )


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
