"""Every write of the activities app.

Capacity is enforced under a row lock on the activity (``SELECT ... FOR UPDATE``), taken at the start of
every transaction that changes who holds a place: registering, cancelling, raising the capacity. Holding the
lock, the count of confirmed places and the tail of the waitlist cannot change under us, so places are never
oversold and waitlist positions stay 1..n without gaps. The partial unique constraint
``registration_one_active`` makes "one active registration per member per activity" hold even without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.models import Honour, HonourLevel, HonourTitle, Member, OrganizationKind
from members.scoping import get_for_actor, scope_for, unscoped

from .models import (
    Activity,
    CalendarFeed,
    EntryStatus,
    MentoringPair,
    Registration,
    Result,
    Team,
)
from .rules import eligibility, organizer_choices
from .selectors import activity_get, team_pool

ACTIVE = (EntryStatus.CONFIRMED, EntryStatus.WAITLISTED)


def _lock_activity(actor, pk: int, *, manage: bool = False) -> Activity:
    """The activity row the actor sees (404 otherwise; with ``manage``, 403 unless the actor manages it),
    locked until the transaction ends (every place-changing write starts here)."""
    return activity_get(actor=actor, pk=pk, manage=manage, lock=True)


def _lock_activity_of(row) -> Activity:
    """The activity of a registration or team the actor already holds through its scope, locked. Its
    own visibility is not asked again: the officer of a member who moved units since registering
    still cancels that registration."""
    with unscoped("the activity of a registration or team already read through the actor's scope"):
        return Activity.objects.select_for_update(of=("self",)).select_related("organizer").get(pk=row.activity_id)


def _place_holders(activity: Activity):
    """Who holds places: teams in a team competition, registrations otherwise (the whole activity: the
    capacity rule counts everyone's places)."""
    if activity.is_team:
        return activity.teams.all()
    return activity.registrations.filter(team__isnull=True)


def _next_status(activity: Activity) -> tuple[str, int | None]:
    """Confirmed while places remain, else the next waitlist position (call with the lock held)."""
    if activity.capacity is None:
        return EntryStatus.CONFIRMED, None
    counts = _place_holders(activity).aggregate(
        confirmed=Count("pk", filter=Q(status=EntryStatus.CONFIRMED)),
        last=Max("waitlist_position", filter=Q(status=EntryStatus.WAITLISTED)),
    )
    if counts["confirmed"] < activity.capacity:
        return EntryStatus.CONFIRMED, None
    return EntryStatus.WAITLISTED, (counts["last"] or 0) + 1


def _notify_promoted(activity: Activity, promoted: Iterable[tuple[int, int]]) -> None:
    """Tell the promoted. The notice row is written in the promotion's own transaction (idempotent by key),
    so there is no promotion without its notice and no notice for a promotion rolled back; the reminders
    issue delivers the row by e-mail."""
    from notifications.services import notification_send

    url = reverse("activities:detail", args=[activity.pk])
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the portal's language, not the canceller's
        title = _("A place is free: you are now registered for %(title)s") % {"title": activity.title}
    for registration_id, user_id in promoted:  # a registration is promoted at most once
        notification_send(
            recipient_id=user_id,
            kind="activity_promoted",
            key=f"activity_promoted:{activity.pk}:{registration_id}",
            title=title,
            url=url,
        )


def _promote(activity: Activity, places: int) -> list[int]:
    """Move the first ``places`` of the waitlist to confirmed, close the gap, tell them (lock held)."""
    if places <= 0:
        return []
    holders = _place_holders(activity)
    head = list(holders.filter(status=EntryStatus.WAITLISTED).order_by("waitlist_position")[:places])
    if not head:
        return []
    now = timezone.now()
    ids = [h.pk for h in head]
    holders.filter(pk__in=ids).update(status=EntryStatus.CONFIRMED, waitlist_position=None)
    regs = activity.registrations.filter(**{"team_id__in" if activity.is_team else "pk__in": ids})
    regs.update(status=EntryStatus.CONFIRMED, promoted_at=now)
    _shift_waitlist(activity, after=0, by=len(head))
    _notify_promoted(activity, regs.filter(member__user__isnull=False).values_list("pk", "member__user_id"))
    return ids


def _shift_waitlist(activity: Activity, *, after: int, by: int) -> None:
    """Close a gap in the waitlist: everyone behind ``after`` moves up ``by`` places (lock held)."""
    _place_holders(activity).filter(status=EntryStatus.WAITLISTED, waitlist_position__gt=after).update(
        waitlist_position=F("waitlist_position") - by
    )


def _free_places(activity: Activity) -> int:
    if activity.capacity is None:
        return 10**9
    confirmed = _place_holders(activity).filter(status=EntryStatus.CONFIRMED).count()
    return max(0, activity.capacity - confirmed)


# --- Activities -------------------------------------------------------------------------------
@transaction.atomic
def activity_create(*, actor, data: dict) -> Activity:
    if not organizer_choices(actor).filter(pk=data["organizer"].pk).exists():
        raise PermissionDenied
    activity = Activity(created_by=actor, **data)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, actor, activity_id: int, data: dict) -> Activity:
    activity = _lock_activity(actor, activity_id, manage=True)
    if "organizer" in data and not organizer_choices(actor).filter(pk=data["organizer"].pk).exists():
        raise PermissionDenied
    old_capacity = activity.capacity
    if activity.registrations.exists() and data.get("mode", activity.mode) != activity.mode:
        raise ValidationError({"mode": _("The registration mode cannot change once people have registered.")})
    for field, value in data.items():
        setattr(activity, field, value)
    activity.full_clean()
    activity.save()
    # A raised (or removed) capacity promotes the first waitlisted at once.
    if activity.capacity is None or (old_capacity is not None and activity.capacity > old_capacity):
        _promote(activity, _free_places(activity))
    return activity


# --- Registrations ----------------------------------------------------------------------------
def _member_for(actor, member_id: int | None) -> Member:
    """The member registered: oneself, or a member of a unit the actor manages (404 outside scope)."""
    own_id = scope_for(actor).member_id
    if member_id is None or member_id == own_id:
        if own_id is None:
            raise ValidationError(_("Your login is not linked to a member record."))
        member_id = own_id
    return get_for_actor(Member.objects.select_related("unit"), actor, manage=member_id != own_id, pk=member_id)


@transaction.atomic
def registration_create(*, actor, activity_id: int, member_id: int | None = None) -> Registration:
    """Register a member (oneself, or on behalf as an officer): confirmed if a place is free, else waitlisted."""
    activity = _lock_activity(actor, activity_id)  # first: an activity out of sight is a 404 for anyone
    member = _member_for(actor, member_id)
    if activity.is_team:
        raise ValidationError(_("This is a team competition: register a team."))
    check = eligibility(activity, member)
    if not check.ok:
        raise ValidationError(check.reason)
    if activity.registrations.filter(member=member).exclude(status=EntryStatus.CANCELLED).exists():
        raise ValidationError(_("%(name)s is already registered for this activity.") % {"name": member.name})
    status, position = _next_status(activity)
    registration = Registration(
        activity=activity, member=member, status=status, waitlist_position=position, registered_by=actor
    )
    # The related rows are loaded and locked above: skip re-checking that they exist (fewer queries under the lock).
    registration.full_clean(exclude=["activity", "member", "registered_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # the partial unique constraint, should a check above ever be bypassed
        raise ValidationError(_("%(name)s is already registered for this activity.") % {"name": member.name}) from exc
    return registration


def registrations_create_for(*, actor, activity_id: int, member_ids: list[int]) -> tuple[list[Registration], list[str]]:
    """An officer registers several members at once; each is its own transaction, errors are named."""
    done, errors = [], []
    names = dict(Member.objects.for_actor(actor).filter(pk__in=member_ids).values_list("pk", "name"))
    for member_id in member_ids:
        try:
            done.append(registration_create(actor=actor, activity_id=activity_id, member_id=member_id))
        except ValidationError as exc:
            errors.append(f"{names.get(member_id, member_id)}: {' '.join(exc.messages)}")
    return done, errors


@transaction.atomic
def registration_cancel(*, actor, registration_id: int) -> Registration:
    """Cancel a registration (the member before the deadline; a manager at any time); promote the waitlist."""
    registration = get_for_actor(Registration, actor, pk=registration_id)
    activity = _lock_activity_of(registration)
    registration.refresh_from_db()  # its status again, under the lock
    own = registration.member_id == scope_for(actor).member_id
    # A manager: of the activity, or of the member's unit (the model's manage rule).
    manager = Registration.objects.for_actor(actor, manage=True).filter(pk=registration_id).exists()
    if not own and not manager:
        raise Http404
    if registration.team_id:
        raise ValidationError(_("This registration belongs to a team: cancel the team."))
    if registration.status == EntryStatus.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if not manager and timezone.now() > activity.cancellation_deadline:
        raise ValidationError(_("The cancellation deadline has passed; ask your union officer."))
    was, position = registration.status, registration.waitlist_position
    registration.status, registration.waitlist_position = EntryStatus.CANCELLED, None
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "waitlist_position", "cancelled_at"])
    if was == EntryStatus.CONFIRMED:
        _promote(activity, _free_places(activity))
    else:
        _shift_waitlist(activity, after=position, by=1)
    return registration


# --- Teams ------------------------------------------------------------------------------------
@transaction.atomic
def team_create(*, actor, activity_id: int, name: str, captain_id: int, member_ids: list[int]) -> Team:
    """A team of one unit's members (captain included), within the size limits and the unit's quota."""
    activity = _lock_activity(actor, activity_id)
    if not activity.is_team:
        raise ValidationError(_("This activity takes individual registrations."))
    ids = list(dict.fromkeys([captain_id, *member_ids]))
    # A member forms a team from the own unit's members; an officer from the units they manage.
    members = {m.pk: m for m in team_pool(actor=actor).select_related("unit").filter(pk__in=ids)}
    if len(members) != len(ids):
        raise ValidationError({"members": _("Choose members of your own unit.")})
    unit_ids = {m.unit_id for m in members.values()}
    if len(unit_ids) != 1:
        raise ValidationError({"members": _("A team is made of members of one unit.")})
    unit_id = unit_ids.pop()
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    if not activity.team_size_min <= len(ids) <= activity.team_size_max:
        raise ValidationError(
            {
                "members": _("A team has %(min)d to %(max)d members (captain included); this one has %(n)d.")
                % {"min": activity.team_size_min, "max": activity.team_size_max, "n": len(ids)}
            }
        )
    for m in members.values():
        check = eligibility(activity, m)
        if not check.ok:
            raise ValidationError({"members": f"{m.name}: {check.reason}"})
    taken = list(
        activity.registrations.filter(member_id__in=ids)
        .exclude(status=EntryStatus.CANCELLED)
        .values_list("member__name", flat=True)
    )
    if taken:
        raise ValidationError(
            {"members": _("Already registered for this activity: %(names)s.") % {"names": "、".join(taken)}}
        )
    active_teams = activity.teams.filter(unit_id=unit_id).exclude(status=EntryStatus.CANCELLED)
    if activity.teams_per_unit and active_teams.count() >= activity.teams_per_unit:
        raise ValidationError(
            _("Your unit has used its quota of %(n)d team(s) for this activity.") % {"n": activity.teams_per_unit}
        )
    if activity.teams.filter(name=name).exclude(status=EntryStatus.CANCELLED).exists():
        raise ValidationError({"name": _("Another team already has this name.")})
    status, position = _next_status(activity)
    team = Team(
        activity=activity,
        unit_id=unit_id,
        name=name,
        captain=members[captain_id],
        status=status,
        waitlist_position=position,
        created_by=actor,
    )
    team.full_clean(validate_constraints=False)
    team.save()
    Registration.objects.bulk_create(
        [Registration(activity=activity, member_id=i, team=team, status=status, registered_by=actor) for i in ids]
    )
    return team


@transaction.atomic
def team_cancel(*, actor, team_id: int) -> Team:
    team = get_for_actor(Team, actor, pk=team_id)
    activity = _lock_activity_of(team)
    team.refresh_from_db()  # its status again, under the lock
    member_id = scope_for(actor).member_id
    # A manager: of the activity, or of the team's unit (the model's manage rule).
    manager = Team.objects.for_actor(actor, manage=True).filter(pk=team_id).exists()
    if team.captain_id != member_id and not manager:
        if member_id and team.registrations.filter(member_id=member_id).exists():
            raise PermissionDenied
        raise Http404
    if team.status == EntryStatus.CANCELLED:
        raise ValidationError(_("This team is already cancelled."))
    if not manager and timezone.now() > activity.cancellation_deadline:
        raise ValidationError(_("The cancellation deadline has passed; ask your union officer."))
    was, position = team.status, team.waitlist_position
    now = timezone.now()
    team.status, team.waitlist_position, team.cancelled_at = EntryStatus.CANCELLED, None, now
    team.save(update_fields=["status", "waitlist_position", "cancelled_at"])
    team.registrations.update(status=EntryStatus.CANCELLED, cancelled_at=now)
    if was == EntryStatus.CONFIRMED:
        _promote(activity, _free_places(activity))
    else:
        _shift_waitlist(activity, after=position, by=1)
    return team


# --- Check-in and attendance ------------------------------------------------------------------
@transaction.atomic
def checkin_by_qr(*, actor, activity_id: int, token: str) -> Registration:
    """The member scanned the activity's QR code: mark the own confirmed registration attended."""
    activity = activity_get(actor=actor, pk=activity_id)
    if activity.checkin_token != token:
        raise Http404
    registration = (
        activity.registrations.select_for_update()
        .filter(member_id=scope_for(actor).member_id, status=EntryStatus.CONFIRMED)
        .first()
    )
    if registration is None:
        raise ValidationError(_("You have no confirmed place in this activity, so you cannot check in."))
    today = timezone.localdate()
    if not timezone.localdate(activity.starts_at) <= today <= timezone.localdate(activity.ends_at):
        raise ValidationError(_("Check-in is open only on the day of the activity."))
    if registration.attended_at is None:
        registration.attended_at = timezone.now()
        registration.save(update_fields=["attended_at"])
    return registration


@transaction.atomic
def attendance_set_for(*, actor, activity_id: int, shown_ids: set[int], attended_ids: set[int]) -> int:
    """The officer's tick list: of the confirmed registrations shown, exactly the ticked are attended."""
    activity = activity_get(actor=actor, pk=activity_id, manage=True)
    shown = activity.registrations.filter(status=EntryStatus.CONFIRMED, pk__in=shown_ids)
    changed = shown.filter(pk__in=attended_ids, attended_at__isnull=True).update(attended_at=timezone.now())
    changed += shown.exclude(pk__in=attended_ids).filter(attended_at__isnull=False).update(attended_at=None)
    return changed


@transaction.atomic
def checkin_token_renew(*, actor, activity_id: int) -> Activity:
    from .models import new_token

    activity = _lock_activity(actor, activity_id, manage=True)
    activity.checkin_token = new_token()
    activity.save(update_fields=["checkin_token"])
    return activity


# --- Results ----------------------------------------------------------------------------------
HONOUR_LEVEL = {OrganizationKind.CITY: HonourLevel.CITY, OrganizationKind.ZONE: HonourLevel.CITY}


@transaction.atomic
def result_record(
    *,
    actor,
    activity_id: int,
    rank: int,
    member_id: int | None = None,
    team_id: int | None = None,
    score: Decimal | None = None,
    prize: str = "",
    as_honour: bool = False,
) -> Result:
    """Record (or correct) a contest result; optionally also as an honour on the member's page.

    The honour is a members.Honour row written here: the one place where activities writes a members
    model, agreed with the lead so that the member's page lists the prize with the other honours.
    """
    activity = activity_get(actor=actor, pk=activity_id, manage=True)
    if not activity.is_contest:
        raise ValidationError(_("Results are recorded for contests only."))
    entrants = activity.registrations.filter(status=EntryStatus.CONFIRMED)
    if member_id and not entrants.filter(member_id=member_id).exists():
        raise ValidationError({"member": _("Choose a confirmed participant.")})
    if team_id and not activity.teams.filter(pk=team_id, status=EntryStatus.CONFIRMED).exists():
        raise ValidationError({"team": _("Choose a confirmed team.")})
    lookup = {"member_id": member_id} if member_id else {"team_id": team_id}
    result = activity.results.filter(**lookup).first() or Result(activity=activity, **lookup)
    result.rank, result.score, result.prize = rank, score, prize.strip()
    with unscoped("full_clean's unique-constraint check reads this activity's results (the actor manages it)"):
        result.full_clean()
    result.save()
    if as_honour and member_id and result.honour_id is None:
        honour = Honour(
            member_id=member_id,
            title=HonourTitle.CONTEST_PRIZE,
            name=f"{activity.title} {result.prize or _('rank %(rank)d') % {'rank': rank}}"[:100],
            level=HONOUR_LEVEL.get(activity.organizer.kind, HonourLevel.UNIT),
            year=timezone.localdate(activity.starts_at).year,
            awarded_by=activity.organizer.name,
        )
        honour.full_clean()
        honour.save()
        result.honour = honour
        result.save(update_fields=["honour"])
    return result


# --- Calendar feed ----------------------------------------------------------------------------
@transaction.atomic
def calendar_feed_get_or_create(*, actor) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.for_actor(actor).get_or_create(user=actor)
    return feed


@transaction.atomic
def calendar_feed_renew(*, actor) -> CalendarFeed:
    from .models import new_token

    feed, _created = CalendarFeed.objects.for_actor(actor).get_or_create(user=actor)
    feed.token = new_token()
    feed.save(update_fields=["token", "renewed_at"])
    return feed


# --- Mentoring --------------------------------------------------------------------------------
@transaction.atomic
def mentoring_pair_create(*, actor, data: dict) -> MentoringPair:
    for who in ("mentor", "mentee"):
        if not Member.objects.for_actor(actor).filter(pk=data[who].pk).exists():
            raise Http404
    if not scope_for(actor).can_manage_unit(data["unit"].pk):
        raise PermissionDenied
    pair = MentoringPair(**data)
    pair.full_clean()
    pair.save()
    return pair
