"""Every read of the activities app, scoped to the actor through members.scoping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from members.models import Member, Organization, OrganizationKind
from members.scoping import scope_for

from .models import Activity, EntryStatus, MentoringPair, ReadingRoom, Registration, Team
from .rules import require_manage


def next_month(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def month_start(first: date) -> datetime:
    """Midnight of a month's first day in the portal's time zone."""
    return timezone.make_aware(datetime.combine(first, time.min), timezone.get_current_timezone())


def _visible_org_ids(actor) -> set[int] | None:
    """Organisers whose activities the actor sees; None for all.

    A person sees the city union's activities, the own zone's and the own unit's; an officer or zone
    lead also those of the units (and zones) they read.
    """
    scope = scope_for(actor)
    if scope.sees_all:
        return None
    cached = getattr(actor, "_activity_org_ids", None)
    if cached is not None:
        return cached
    units = set(scope.readable_unit_ids)
    if scope.member_unit_id:
        units.add(scope.member_unit_id)
    parents = set(Organization.objects.filter(pk__in=units).values_list("parent_id", flat=True))
    cities = set(Organization.objects.filter(kind=OrganizationKind.CITY).values_list("pk", flat=True))
    result = units | parents | set(scope.zone_ids) | cities
    actor._activity_org_ids = result  # once per request (the user object lives as long as the request)
    return result


def activity_visible(actor) -> QuerySet[Activity]:
    orgs = _visible_org_ids(actor)
    qs = Activity.objects.all()
    return qs if orgs is None else qs.filter(organizer_id__in=orgs)


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
        activity_visible(actor)
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


def activity_get(*, actor, pk: int) -> Activity:
    return get_object_or_404(activity_visible(actor).select_related("organizer", "reading_room"), pk=pk)


def activity_get_managed(*, actor, pk: int) -> Activity:
    """An activity the actor manages: 404 outside the actor's sight, 403 without the right."""
    activity = activity_get(actor=actor, pk=pk)
    require_manage(actor, activity)
    return activity


def month_activities(*, actor, year: int, month: int, filters: ActivityFilters) -> QuerySet[Activity]:
    start = month_start(date(year, month, 1))
    end = month_start(next_month(date(year, month, 1)))
    f = ActivityFilters(q=filters.q, kind=filters.kind, organizer_id=filters.organizer_id, when="all")
    return (
        activity_visible(actor)
        .filter(f.as_q(timezone.now()), starts_at__lt=end, ends_at__gte=start)
        .select_related("organizer")
        .order_by("starts_at")
    )


def upcoming_for(*, actor, days: int = 60, limit: int = 5) -> list[Activity]:
    now = timezone.now()
    return list(
        activity_visible(actor)
        .filter(ends_at__gte=now, starts_at__lte=now + timedelta(days=days))
        .select_related("organizer")
        .order_by("starts_at")[:limit]
    )


def own_registration(*, actor, activity: Activity) -> Registration | None:
    member_id = scope_for(actor).member_id
    if not member_id:
        return None
    return (
        Registration.objects.filter(activity=activity, member_id=member_id)
        .exclude(status=EntryStatus.CANCELLED)
        .select_related("team")
        .first()
    )


def place_counts(activity: Activity) -> dict:
    holders = Team.objects.filter(activity=activity) if activity.is_team else activity.registrations.filter(team=None)
    return holders.aggregate(
        confirmed=Count("pk", filter=Q(status=EntryStatus.CONFIRMED)),
        waitlisted=Count("pk", filter=Q(status=EntryStatus.WAITLISTED)),
    )


def participants(*, actor, activity: Activity, include_cancelled: bool = False) -> QuerySet[Registration]:
    """Everyone registered for an activity the actor manages (confirmed first, then the waitlist)."""
    require_manage(actor, activity)
    qs = activity.registrations.select_related("member", "member__unit", "team")
    if not include_cancelled:
        qs = qs.exclude(status=EntryStatus.CANCELLED)
    return qs.order_by("status", "team__waitlist_position", "waitlist_position", "member__unit__sort_order", "pk")


def teams(*, activity: Activity) -> QuerySet[Team]:
    return (
        Team.objects.filter(activity=activity)
        .exclude(status=EntryStatus.CANCELLED)
        .select_related("unit", "captain")
        .prefetch_related("registrations__member")
        .order_by("status", "waitlist_position", "pk")
    )


def registrable_members(*, actor, activity: Activity) -> QuerySet[Member]:
    """Members of the units the actor manages who are not yet registered (for on-behalf registration)."""
    scope = scope_for(actor)
    qs = Member.objects.current()
    if not scope.sees_all:
        qs = qs.filter(unit_id__in=scope.manageable_unit_ids)
    taken = activity.registrations.exclude(status=EntryStatus.CANCELLED).values("member_id")
    return qs.exclude(pk__in=taken).select_related("unit").order_by("unit__sort_order", "name", "pk")


def team_candidates(*, actor, activity: Activity) -> QuerySet[Member]:
    """Members of the actor's own unit (or managed units) not yet in a team of this activity."""
    scope = scope_for(actor)
    units = set(scope.manageable_unit_ids) | ({scope.member_unit_id} if scope.member_unit_id else set())
    taken = activity.registrations.exclude(status=EntryStatus.CANCELLED).values("member_id")
    return (
        Member.objects.current()
        .filter(unit_id__in=units)
        .exclude(pk__in=taken)
        .select_related("unit")
        .order_by("unit__sort_order", "name", "pk")
    )


def member_registrations(*, actor, member: Member) -> QuerySet[Registration]:
    """A member's registrations, for the member's page (the page itself is already scoped)."""
    return (
        Registration.objects.filter(member=member)
        .exclude(status=EntryStatus.CANCELLED)
        .select_related("activity", "team")
        .order_by("-activity__starts_at")
    )


def member_mentoring(*, member: Member) -> QuerySet[MentoringPair]:
    return (
        MentoringPair.objects.filter(Q(mentor=member) | Q(mentee=member))
        .select_related("mentor", "mentee", "unit")
        .order_by("-starts_on")
    )


def mentoring_list(*, actor) -> QuerySet[MentoringPair]:
    scope = scope_for(actor)
    qs = MentoringPair.objects.select_related("mentor", "mentee", "unit")
    if scope.sees_all:
        return qs
    q = Q(unit_id__in=scope.readable_unit_ids)
    if scope.member_id:
        q |= Q(mentor_id=scope.member_id) | Q(mentee_id=scope.member_id)
    return qs.filter(q)


def reading_room_list(*, actor) -> QuerySet[ReadingRoom]:
    scope = scope_for(actor)
    qs = ReadingRoom.objects.select_related("unit").annotate(activity_count=Count("activities"))
    if scope.sees_all:
        return qs
    units = set(scope.readable_unit_ids) | ({scope.member_unit_id} if scope.member_unit_id else set())
    return qs.filter(unit_id__in=units)


def feed_activities(*, user) -> QuerySet[Registration]:
    """The person's confirmed and waitlisted registrations, for the iCalendar feed."""
    member_id = scope_for(user).member_id
    if not member_id:
        return Registration.objects.none()
    return (
        Registration.objects.filter(member_id=member_id, status__in=[EntryStatus.CONFIRMED, EntryStatus.WAITLISTED])
        .select_related("activity", "activity__organizer")
        .order_by("activity__starts_at")
    )


def participation_by_unit(*, actor, start: date, end: date) -> list[dict]:
    """Per unit: activities joined, people registered, confirmed, attended, in [start, end]."""
    scope = scope_for(actor)
    if not scope.is_officer:
        raise Http404
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(start, time.min), tz)
    hi = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    units = Organization.objects.units()
    if not scope.sees_all:
        units = units.filter(pk__in=scope.readable_unit_ids)
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
