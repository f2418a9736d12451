"""Every write of the care app: joining online, the card photo, counselling, legal help, training, health checks."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members import idnumbers
from members import services as member_services
from members.duplicates import id_duplicate_message
from members.models import Member, Organization, OrganizationKind
from members.scoping import get_for_actor, require_city_admin, require_manage, scope_for, unscoped
from members.uploads import check_upload
from notifications.services import notification_send, preference_update

from . import selectors
from .models import (
    ApplicationStatus,
    BookingStatus,
    CardPhoto,
    CounsellingBooking,
    CounsellingSlot,
    Counsellor,
    HealthCheck,
    JoinApplication,
    LegalRequest,
    LegalStatus,
    TrainingKind,
    TrainingRecord,
)

log = logging.getLogger(__name__)

#: The fields of the registration form an applicant fills in (the rest the officer decides on acceptance).
APPLICATION_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "native_place",
    "political_status",
    "education",
    "position",
    "professional_title",
    "employment_type",
    "mobile",
)


# --- Joining online ------------------------------------------------------------------------------
@transaction.atomic
def application_submit(*, unit: Organization, data: dict, id_number: str, email: str = "") -> JoinApplication:
    """Someone without a login applies to join the union at ``unit`` (the public page: no actor).

    The ID number is checked as the import checks it (GB 11643, and gender and birth date agree with it: the
    members' own rule). Whether the person is already a member is not said here (that would tell a stranger
    whose number belongs to a member): the officer sees it when deciding."""
    if unit.kind != OrganizationKind.UNIT or not unit.is_active:
        raise ValidationError(_("This unit does not take applications."))
    facts = idnumbers.parse(id_number)
    application = JoinApplication(unit=unit, email=email.strip(), **{k: data.get(k) for k in APPLICATION_FIELDS})
    probe = Member(gender=application.gender or "", birth_date=application.birth_date)
    probe.fill_from_id(facts)
    application.gender, application.birth_date = probe.gender, probe.birth_date
    errors = probe.rule_errors(facts)
    if errors:
        raise ValidationError(errors)
    application.id_number_encrypted = idnumbers.encrypt(facts.number)
    application.id_number_hash = idnumbers.keyed_hash(facts.number)
    application.id_number_masked = idnumbers.mask(facts.number)
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(
            _("An application with this ID number is already waiting for this unit's answer.")
        ) from None
    application._change_reason = "applied online"
    _notify_unit_officers(application)
    return application


def _notify_unit_officers(application: JoinApplication) -> None:
    from notifications.sources import unit_officers

    with unscoped("who to tell of a new application: the applicant has no login"):
        officers = unit_officers().get(application.unit_id, [])
    for uid in officers:
        notification_send(
            recipient_id=uid,
            kind="care_application",
            key=f"care-application:{application.pk}:{uid}",
            title=_("New application to join: %(name)s") % {"name": application.name},
            url=reverse("care:application_detail", args=[application.pk]),
        )


def _locked_application(actor, application_id: int) -> JoinApplication:
    application = get_for_actor(
        JoinApplication.objects.select_for_update(of=("self",)).select_related("unit"), actor, pk=application_id
    )
    require_manage(actor, application)
    if not application.is_pending:
        raise ValidationError(_("This application is already decided."))
    return application


@dataclass(frozen=True)
class Acceptance:
    application: JoinApplication
    member: Member
    account: member_services.IssuedAccount | None


@transaction.atomic
def application_accept(*, actor, application_id: int, card_number: str, join_date: date) -> Acceptance:
    """The unit officer accepts: the member and the login are made by the members' services; the member's history
    and the membership change say it came from this online application."""
    application = _locked_application(actor, application_id)
    number = idnumbers.decrypt(application.id_number_encrypted)
    with unscoped("an ID number is unique across the city: the check reads every unit"):
        clash = Member.objects.filter(id_number_hash__in=idnumbers.lookup_hashes(number)).select_related("unit").first()
    if clash is not None:
        raise ValidationError(id_duplicate_message(actor=actor, existing=clash))
    data = {f: getattr(application, f) for f in APPLICATION_FIELDS}
    data.update(card_number=card_number.strip().upper(), join_date=join_date)
    reason = _("Joined online (application of %(date)s, no. %(pk)s)") % {
        "date": timezone.localdate(application.created_at).isoformat(),
        "pk": application.pk,
    }
    with unscoped("a card number is unique across the city: the check reads every unit"):
        if Member.objects.filter(card_number=data["card_number"]).exists():
            raise ValidationError({"card_number": _("This card number is already used.")})
    member = member_services.member_create(
        data=data, id_number=number, unit=application.unit, actor=actor, reason=reason
    )
    account = member_services.account_create(actor=actor, member=member)
    if application.email:
        user = Member.objects.for_actor(actor).select_related("user").get(pk=member.pk).user
        user.email = application.email
        user.save(update_fields=["email"])
        preference_update(user=user, by_email=True, email=application.email)
    application.status = ApplicationStatus.ACCEPTED
    application.member = member
    application.decided_by = actor
    application.decided_at = timezone.now()
    application._change_reason = "accepted"
    application.save()
    with unscoped("the new member's login, to greet them"):
        user_id = Member.objects.filter(pk=member.pk).values_list("user_id", flat=True).first()
    notification_send(
        recipient_id=user_id,
        kind="care_application",
        key=f"care-accepted:{application.pk}",
        title=_("Welcome to the union: your application was accepted"),
        body=_("Your membership card is on the portal under “My card”. Your username is %(username)s.")
        % {"username": account.username},
        url=reverse("care:card"),
    )
    _tell_applicant_later(application)
    return Acceptance(application, member, account)


@transaction.atomic
def application_decline(*, actor, application_id: int, reason: str) -> JoinApplication:
    application = _locked_application(actor, application_id)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the application is declined: the applicant reads it.")})
    application.status = ApplicationStatus.DECLINED
    application.decline_reason = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application._change_reason = "declined"
    application.full_clean()
    application.save()
    _tell_applicant_later(application)
    return application


def _tell_applicant_later(application: JoinApplication) -> None:
    """The applicant is told by e-mail when they gave an address (the status page tells them in any case)."""
    if not application.email:
        return
    transaction.on_commit(lambda pk=application.pk: _enqueue_tell(pk))


def _enqueue_tell(application_id: int) -> None:
    """Hand the e-mail to the worker; a broker that is down must not fail the officer's committed decision (the
    applicant's status page tells them in any case)."""
    from .tasks import application_tell_task

    try:
        application_tell_task.delay(application_id=application_id)
    except Exception as exc:  # noqa: BLE001 - kombu, redis or socket errors alike
        log.warning("broker unavailable: the decision e-mail of application %s is not sent (%s)", application_id, exc)


def application_tell(*, application_id: int) -> bool:
    """E-mail the applicant the decision, once (the row is locked and ``applicant_told_at`` checked first)."""
    from django.core.mail import send_mail

    from .links import status_url

    with unscoped("the system tells an applicant (no login) the unit's decision"), transaction.atomic():
        application = (
            JoinApplication.objects.select_for_update()
            .select_related("unit")
            .filter(pk=application_id, applicant_told_at__isnull=True)
            .exclude(status=ApplicationStatus.PENDING)
            .first()
        )
        if application is None or not application.email:
            return False
        if application.status == ApplicationStatus.ACCEPTED:
            subject = _("Your application to join the union at %(unit)s was accepted") % {"unit": application.unit}
            body = _("Welcome! Your union officer gives you your login; your membership card is then on the portal.")
        else:
            subject = _("Your application to join the union at %(unit)s was declined") % {"unit": application.unit}
            body = _("The reason the unit gave: %(reason)s") % {"reason": application.decline_reason}
        send_mail(subject, f"{body}\n\n{status_url(application)}", None, [application.email], fail_silently=False)
        application.applicant_told_at = timezone.now()
        application.save(update_fields=["applicant_told_at"])
    return True


# --- The card photo --------------------------------------------------------------------------------
PHOTO_KINDS = ("jpg", "png")


@transaction.atomic
def card_photo_set(*, actor, photo: UploadedFile) -> CardPhoto:
    member = selectors.own_member(actor=actor)
    if member is None:
        raise PermissionDenied
    kind = check_upload(photo, field="photo", allowed=PHOTO_KINDS)  # type by content; metadata stripped
    existing = CardPhoto.objects.for_actor(actor).filter(member=member).first()
    if existing is not None:
        existing.photo.delete(save=False)
        existing.delete()
    card = CardPhoto(member=member, content_type=kind.mime)
    card.photo.save(f"photo{kind.ext}", photo, save=False)
    card.full_clean()
    card.save()
    return card


@transaction.atomic
def card_photo_remove(*, actor) -> None:
    for card in CardPhoto.objects.for_actor(actor):
        card.photo.delete(save=False)
        card.delete()


# --- Counselling -----------------------------------------------------------------------------------
@transaction.atomic
def counsellor_save(*, actor, data: dict, counsellor: Counsellor | None = None) -> Counsellor:
    require_city_admin(actor)
    if counsellor is None:
        with unscoped("the city union the counsellors belong to"):
            city = Organization.objects.filter(kind=OrganizationKind.CITY).first()
        counsellor = Counsellor(organization=city)
    for field, value in data.items():
        setattr(counsellor, field, value)
    counsellor.full_clean()
    counsellor.save()
    return counsellor


@transaction.atomic
def slot_create(
    *, actor, counsellor_id: int, starts_at: datetime, ends_at: datetime, place: str = ""
) -> CounsellingSlot:
    require_city_admin(actor)
    counsellor = get_for_actor(Counsellor, actor, manage=True, pk=counsellor_id)
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A slot must start in the future.")})
    slot = CounsellingSlot(counsellor=counsellor, starts_at=starts_at, ends_at=ends_at, place=place.strip())
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def slot_delete(*, actor, slot_id: int) -> None:
    require_city_admin(actor)
    slot = get_for_actor(CounsellingSlot.objects.select_for_update(), actor, manage=True, pk=slot_id)
    if slot.is_taken:
        raise ValidationError(_("This slot is booked: the member must cancel first, or ask the coordinator."))
    with unscoped("a slot's past (cancelled) bookings go with it; nobody but the system reads them here"):
        if CounsellingBooking.objects.filter(slot=slot).exists():
            raise ValidationError(_("This slot has bookings in its history and is kept."))
    slot.delete()


@transaction.atomic
def booking_create(*, actor, slot_id: int, topic: str = "") -> CounsellingBooking:
    """A member books a free future slot. The slot row is locked, and the database allows one live booking."""
    member = selectors.own_member(actor=actor)
    if member is None:
        raise PermissionDenied
    slot = get_for_actor(
        CounsellingSlot.objects.select_for_update(of=("self",)).select_related("counsellor"), actor, pk=slot_id
    )
    if not slot.counsellor.is_active:
        raise ValidationError(_("This counsellor takes no bookings at present."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This slot has already begun; choose a later one."))
    if slot.is_taken:
        raise ValidationError(_("Someone has just booked this slot; choose another one."))
    booking = CounsellingBooking(slot=slot, member=member, topic=topic.strip())
    booking.full_clean()
    booking.save()
    slot.is_taken = True
    slot.save(update_fields=["is_taken"])
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking_id: int) -> CounsellingBooking:
    """The member cancels the own booking (before it begins); the slot is free again."""
    booking = get_for_actor(
        CounsellingBooking.objects.select_for_update(of=("self",)).select_related("slot"), actor, pk=booking_id
    )
    if booking.member_id != scope_for(actor).member_id:
        raise PermissionDenied
    if booking.status != BookingStatus.BOOKED:
        raise ValidationError(_("This booking is not live any more."))
    if booking.slot.starts_at <= timezone.now():
        raise ValidationError(_("This session has already begun."))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    with unscoped("the slot of the member's own booking is freed"):
        CounsellingSlot.objects.filter(pk=booking.slot_id).update(is_taken=False)
    return booking


@transaction.atomic
def booking_notes_save(*, actor, booking_id: int, notes: str, held: bool) -> CounsellingBooking:
    """The counsellor (and only the counsellor) keeps notes on a booking, encrypted at rest."""
    booking = get_for_actor(
        CounsellingBooking.objects.select_for_update(of=("self",)).select_related("slot__counsellor"),
        actor,
        pk=booking_id,
    )
    if booking.slot.counsellor.user_id != actor.pk:
        raise PermissionDenied
    booking.notes = notes.strip()
    if held and booking.status == BookingStatus.BOOKED:
        booking.status = BookingStatus.DONE
    booking.full_clean()
    booking.save(update_fields=["notes", "status"])
    return booking


# --- Legal help --------------------------------------------------------------------------------------
def _city_admin_ids() -> list[int]:
    from notifications.sources import city_admins

    with unscoped("who handles legal help: the city union's administrators"):
        return city_admins()


@transaction.atomic
def legal_request_send(*, actor, subject: str, description: str) -> LegalRequest:
    member = selectors.own_member(actor=actor)
    if member is None:
        raise PermissionDenied
    request = LegalRequest(member=member, subject=subject.strip(), description=description.strip())
    request.full_clean()
    request.save()
    for uid in _city_admin_ids():
        notification_send(
            recipient_id=uid,
            kind="care_legal",
            key=f"care-legal-new:{request.pk}:{uid}",
            title=_("New legal-help request: %(subject)s") % {"subject": request.subject},
            url=reverse("care:legal_detail", args=[request.pk]),
        )
    return request


def _locked_legal(actor, pk: int, *, manage: bool) -> LegalRequest:
    request = get_for_actor(LegalRequest.objects.select_for_update(), actor, pk=pk)
    if manage:
        require_manage(actor, request)
    return request


@transaction.atomic
def legal_request_answer(*, actor, pk: int, answer: str) -> LegalRequest:
    request = _locked_legal(actor, pk, manage=True)
    if request.status == LegalStatus.CLOSED:
        raise ValidationError(_("This request is closed."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write an answer.")})
    request.answer, request.answered_by, request.answered_at = answer, actor, timezone.now()
    request.status = LegalStatus.ANSWERED
    request.full_clean()
    request.save()
    with unscoped("the member's login, to tell them of the answer"):
        user_id = Member.objects.filter(pk=request.member_id).values_list("user_id", flat=True).first()
    if user_id:
        notification_send(
            recipient_id=user_id,
            kind="care_legal",
            key=f"care-legal-answered:{request.pk}:{request.answered_at:%Y%m%d%H%M%S%f}",
            title=_("Your legal-help request was answered: %(subject)s") % {"subject": request.subject},
            url=reverse("care:legal_detail", args=[request.pk]),
        )
    return request


@transaction.atomic
def legal_request_close(*, actor, pk: int) -> LegalRequest:
    request = _locked_legal(actor, pk, manage=True)
    if request.status == LegalStatus.CLOSED:
        raise ValidationError(_("This request is already closed."))
    request.status, request.closed_at = LegalStatus.CLOSED, timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return request


@transaction.atomic
def legal_request_rate(*, actor, pk: int, rating: int) -> LegalRequest:
    request = _locked_legal(actor, pk, manage=False)
    if request.member_id != scope_for(actor).member_id:
        raise PermissionDenied
    if not request.answer:
        raise ValidationError(_("There is no answer to rate yet."))
    request.rating, request.rated_at = rating, timezone.now()
    request.full_clean()
    request.save(update_fields=["rating", "rated_at"])
    return request


# --- Training records and health checks --------------------------------------------------------------
@transaction.atomic
def training_record_add(
    *,
    actor,
    member_id: int,
    title: str,
    on: date,
    hours: Decimal,
    kind: str = TrainingKind.EXTERNAL,
    is_officer_training: bool = False,
) -> TrainingRecord:
    """An officer records an external course. A training activity's hours are not typed: the check-in counts
    them (activities registers its attendance in ``members.registry``), so typing them would count them twice."""
    member = get_for_actor(Member, actor, manage=True, pk=member_id)
    if kind == TrainingKind.ACTIVITY:
        raise ValidationError(
            {"kind": _("A training activity's hours count from its check-in: record only external courses here.")}
        )
    if on > timezone.localdate():
        raise ValidationError({"on": _("A training cannot be recorded before it takes place.")})
    record = TrainingRecord(
        member=member, title=title.strip(), on=on, hours=hours, kind=kind, is_officer_training=is_officer_training
    )
    record.recorded_by = actor
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def health_check_set(
    *, actor, member_id: int, year: int, planned_on: date | None = None, done_on: date | None = None
) -> HealthCheck:
    """The unit records a member's yearly check: its date, and when it was done."""
    member = get_for_actor(Member, actor, manage=True, pk=member_id)
    if done_on and done_on > timezone.localdate():
        raise ValidationError({"done_on": _("A check cannot be done in the future.")})
    for field, value in (("planned_on", planned_on), ("done_on", done_on)):
        if value and value.year != year:
            raise ValidationError({field: _("The date is not in %(year)s.") % {"year": year}})
    check = HealthCheck.objects.for_actor(actor, manage=True).filter(member=member, year=year).first()
    check = check or HealthCheck(member=member, year=year)
    check.planned_on, check.done_on, check.recorded_by = planned_on, done_on, actor
    check.full_clean()
    check.save()
    return check
