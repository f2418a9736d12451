"""Every read of the care app, through the models' scope rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from members.models import Honour, HonourTitle, Member, Organization, Role, RoleAssignment
from members.pinyin import NameOrder
from members.registry import TRAINING_COLUMNS, training_sources
from members.scoping import get_for_actor, require_officer, scope_for, unscoped

from .models import (
    ApplicationStatus,
    CardPhoto,
    CounsellingBooking,
    CounsellingCoordinator,
    CounsellingSlot,
    Counsellor,
    HealthCheck,
    JoinApplication,
    LegalRequest,
    TrainingKind,
    TrainingRecord,
)


def own_member(*, actor) -> Member | None:
    member_id = scope_for(actor).member_id
    if member_id is None:
        return None
    return Member.objects.for_actor(actor).select_related("unit").get(pk=member_id)


# --- Joining --------------------------------------------------------------------------------------
def public_unit(unit_id: int) -> Organization:
    """The unit of a joining page (the signed key said which): only its name is shown."""
    with unscoped("the public joining page names its unit: the organisation tree is no secret"):
        unit = Organization.objects.units().filter(pk=unit_id, is_active=True).only("pk", "name").first()
    if unit is None:
        raise Http404
    return unit


def application_by_reference(reference: str) -> JoinApplication:
    """The applicant's own application, by the reference only they hold (their status page)."""
    with unscoped("the applicant's status page: the signed reference is the credential"):
        application = JoinApplication.objects.select_related("unit").filter(reference=reference).first()
    if application is None:
        raise Http404
    return application


def application_list(*, actor, status: str = "") -> QuerySet[JoinApplication]:
    require_officer(actor=actor)
    qs = JoinApplication.objects.for_actor(actor).select_related("unit", "decided_by")
    if status in ApplicationStatus.values:
        qs = qs.filter(status=status)
    return qs


def application_get(*, actor, pk: int) -> JoinApplication:
    return get_for_actor(JoinApplication.objects.select_related("unit", "member"), actor, pk=pk)


def joining_units(*, actor) -> QuerySet[Organization]:
    """The units whose joining page the actor may print (those the actor manages)."""
    return Organization.objects.units().for_actor(actor, manage=True).order_by("sort_order", "pk")


# --- Card -----------------------------------------------------------------------------------------
def card_photo(*, actor) -> CardPhoto | None:
    return CardPhoto.objects.for_actor(actor).first()


# --- Counselling ----------------------------------------------------------------------------------
def is_coordinator(actor) -> bool:
    return CounsellingCoordinator.objects.for_actor(actor).filter(user_id=actor.pk).exists()


def counsellor_of(actor) -> Counsellor | None:
    return Counsellor.objects.for_actor(actor).filter(user_id=actor.pk).first()


def counsellor_list(*, actor, include_inactive: bool = False) -> QuerySet[Counsellor]:
    qs = Counsellor.objects.for_actor(actor)
    return qs if include_inactive else qs.filter(is_active=True)


def open_slots(*, actor, counsellor_id: int | None = None) -> QuerySet[CounsellingSlot]:
    qs = (
        CounsellingSlot.objects.for_actor(actor)
        .filter(starts_at__gt=timezone.now(), is_taken=False, counsellor__is_active=True)
        .select_related("counsellor")
    )
    return qs.filter(counsellor_id=counsellor_id) if counsellor_id else qs


def upcoming_slots(*, actor) -> QuerySet[CounsellingSlot]:
    """Every future slot, taken or not (the city's administration page): who booked is not part of it."""
    return (
        CounsellingSlot.objects.for_actor(actor, manage=True)
        .filter(ends_at__gt=timezone.now())
        .select_related("counsellor")
    )


def my_bookings(*, actor) -> QuerySet[CounsellingBooking]:
    member_id = scope_for(actor).member_id
    if member_id is None:
        return CounsellingBooking.objects.none()
    return (
        CounsellingBooking.objects.for_actor(actor)
        .filter(member_id=member_id)
        .select_related("slot", "slot__counsellor")
        .order_by("-slot__starts_at", "-pk")
    )


def booking_list(*, actor) -> QuerySet[CounsellingBooking]:
    """The bookings the counsellor has, or (for the named coordinator) every booking. Nobody else gets any."""
    return (
        CounsellingBooking.objects.for_actor(actor)
        .exclude(member_id=scope_for(actor).member_id)
        .select_related("slot", "slot__counsellor", "member", "member__unit")
        .order_by("-slot__starts_at", "-pk")
    )


def booking_get(*, actor, pk: int) -> CounsellingBooking:
    return get_for_actor(
        CounsellingBooking.objects.select_related("slot", "slot__counsellor", "member", "member__unit"), actor, pk=pk
    )


# --- Legal help -----------------------------------------------------------------------------------
def my_legal_requests(*, actor) -> QuerySet[LegalRequest]:
    member_id = scope_for(actor).member_id
    if member_id is None:
        return LegalRequest.objects.none()
    return LegalRequest.objects.for_actor(actor).filter(member_id=member_id)


def legal_inbox(*, actor) -> QuerySet[LegalRequest]:
    return LegalRequest.objects.for_actor(actor, manage=True).select_related("member", "member__unit")


def legal_get(*, actor, pk: int) -> LegalRequest:
    return get_for_actor(LegalRequest.objects.select_related("member", "member__unit"), actor, pk=pk)


# --- Training and health --------------------------------------------------------------------------
class TrainingRow(NamedTuple):
    """One training of a member: typed by an officer (``source == "record"``) or counted from the check-in at a
    training activity (``"attendance"``, through ``members.registry.training_sources``)."""

    member_id: int
    member_name: str
    unit_name: str
    title: str
    on: date
    hours: Decimal
    is_officer_training: bool
    kind: str
    source: str
    ref: int

    @property
    def kind_label(self) -> str:
        return TrainingKind(self.kind).label if self.kind in TrainingKind.values else self.kind

    @property
    def is_attendance(self) -> bool:
        return self.source == ATTENDANCE


RECORD, ATTENDANCE = "record", "attendance"


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _typed_rows(*, actor, members, start: date, end: date) -> QuerySet:
    """The typed records as the registry's columns. A record typed as a training activity (possible before
    check-ins counted) is left out where the same member has an attended training activity on that day: the
    attendance is the record, and nothing counts twice."""
    qs = TrainingRecord.objects.for_actor(actor).filter(on__gte=start, on__lte=end)
    if members is not None:
        qs = qs.filter(member__in=members.values("pk"))
    for source in training_sources():
        counted = source(actor=actor, members=None, start=start, end=end).filter(
            t_member=OuterRef("member_id"), t_on=OuterRef("on")
        )
        qs = qs.exclude(Q(kind=TrainingKind.ACTIVITY) & Exists(counted))
    columns = {
        "t_member": F("member_id"),
        "t_member_name": F("member__name"),
        "t_unit_name": F("member__unit__name"),
        "t_title": F("title"),
        "t_on": F("on"),
        "t_hours": F("hours"),
        "t_officer": F("is_officer_training"),
        "t_kind": F("kind"),
        "t_source": Value(RECORD, output_field=CharField()),
        "t_ref": F("pk"),
    }
    return qs.annotate(**columns).order_by().values(*TRAINING_COLUMNS)


def training_rows(*, actor, members, year: int) -> QuerySet:
    """Typed records and attended training activities of ``members`` (a Member queryset read through the actor's
    scope) in the year, newest first: one query (a UNION), so that a page of it costs a count and a read."""
    start, end = _year_range(year)
    parts = [source(actor=actor, members=members, start=start, end=end) for source in training_sources()]
    qs = _typed_rows(actor=actor, members=members, start=start, end=end)
    if parts:
        qs = qs.union(*parts, all=True)
    return qs.order_by("-t_on", "t_member_name", "t_source", "-t_ref")


def as_training_rows(rows) -> list[TrainingRow]:
    return [TrainingRow(*(row[c] for c in TRAINING_COLUMNS)) for row in rows]


def my_training(*, actor, year: int) -> list[TrainingRow]:
    """The actor's own trainings in the year (typed and attended)."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return []
    own = Member.objects.for_actor(actor).filter(pk=member_id)
    return as_training_rows(training_rows(actor=actor, members=own, year=year))


def training_hours(rows: list[TrainingRow]) -> Decimal:
    return sum((row.hours for row in rows), Decimal("0"))


def training_list(*, actor, year: int, q: str = "", unit_id: int | None = None) -> QuerySet:
    """The trainings of the members the actor reads (rows of ``TRAINING_COLUMNS``: see ``as_training_rows``)."""
    require_officer(actor=actor)
    members = Member.objects.for_actor(actor)
    if q:
        members = members.filter(name__icontains=q)
    if unit_id:
        members = members.filter(unit_id=unit_id)
    return training_rows(actor=actor, members=members, year=year)


def officers_without_training(*, actor, year: int) -> QuerySet[Member]:
    """Union officers (members holding a unit officer's role) without an officers' training this year: neither a
    typed record nor the check-in at a training activity marked as the officers' training."""
    require_officer(actor=actor)
    with unscoped("which logins hold an officer's role: the members' list below is scoped"):
        officer_users = list(
            RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
    start, end = _year_range(year)
    trained = TrainingRecord.objects.for_actor(actor).filter(
        member=OuterRef("pk"), on__gte=start, on__lte=end, is_officer_training=True
    )
    qs = Member.objects.for_actor(actor).current().filter(user_id__in=officer_users).filter(~Exists(trained))
    for source in training_sources():
        attended = source(actor=actor, members=None, start=start, end=end).filter(
            t_member=OuterRef("pk"), t_officer=True
        )
        qs = qs.filter(~Exists(attended))
    return qs.select_related("unit").order_by("unit__sort_order", NameOrder(), "pk")


def my_health_checks(*, actor) -> QuerySet[HealthCheck]:
    member_id = scope_for(actor).member_id
    return HealthCheck.objects.for_actor(actor).filter(member_id=member_id) if member_id else HealthCheck.objects.none()


def without_health_check(*, actor, year: int, unit_id: int | None = None) -> QuerySet[Member]:
    """Current members of the actor's units without a done check this year (with the planned date, if any)."""
    require_officer(actor=actor)
    done = HealthCheck.objects.for_actor(actor).filter(member=OuterRef("pk"), year=year, done_on__isnull=False)
    qs = (
        Member.objects.for_actor(actor)
        .current()
        .filter(~Exists(done))
        .select_related("unit")
        .order_by("unit__sort_order", NameOrder(), "pk")
    )
    return qs.filter(unit_id=unit_id) if unit_id else qs


def recuperation_honours(*, actor) -> QuerySet[Honour]:
    """The member's honours that make them eligible for recuperation (疗休养): model worker, advanced worker."""
    member_id = scope_for(actor).member_id
    if member_id is None:
        return Honour.objects.none()
    return Honour.objects.for_actor(actor).filter(
        member_id=member_id, title__in=[HonourTitle.MODEL_WORKER, HonourTitle.ADVANCED_WORKER]
    )
