"""Care and self-service (issue #22): joining online, the member card, counselling, legal help, training
records and health checks.

Who reads what is said once per model (``scope_path`` / ``scope_q``), as everywhere in the portal. Two rules
here are stricter than the usual "officers read their unit":

- a counselling booking is read only by the member who booked it, the counsellor it is with and the person the
  city union names for counselling (a ``CounsellingCoordinator``): not by the member's unit officers and not by
  every city administrator;
- a legal-help request goes to the city union, not to the member's unit (the problem may be with the unit):
  the unit's officers do not read it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.choices import Education, EmploymentType, Ethnicity, Gender, PoliticalStatus
from members.fields import EncryptedTextField
from members.models import Member, Organization, OrganizationKind, mobile_validator, name_validator
from members.scoping import NO_ROWS, Scope, ScopedManager, city_reads_all


# --- Joining online (网上入会) ---------------------------------------------------------------------
class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the unit")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class JoinApplication(models.Model):
    """An application to join the union, sent from the unit's public page by someone without a login.

    The ID number is stored as the members' record stores it: encrypted, a keyed hash, a masked copy."""

    scope_path = "unit"  # the unit's officers read and decide; the applicant has no login

    unit = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="join_applications",
        verbose_name=_("unit"),
        limit_choices_to={"kind": OrganizationKind.UNIT},
    )
    name = models.CharField(_("name"), max_length=50, validators=[name_validator])
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_hash = models.CharField(max_length=64, editable=False, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("birth date"))
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=50, blank=True)
    employment_type = models.CharField(_("employment type"), max_length=20, choices=EmploymentType.choices)
    mobile = models.CharField(_("mobile number"), max_length=11, validators=[mobile_validator])
    email = models.EmailField(_("e-mail"), blank=True)
    #: The applicant's reference: the status page's address holds it (signed), nobody can guess another's.
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    decline_reason = models.TextField(_("reason for declining"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    member = models.OneToOneField(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="join_application"
    )
    applicant_told_at = models.DateTimeField(_("applicant told at"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied at"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["id_number_encrypted", "id_number_hash"])
    objects = ScopedManager()

    class Meta:
        verbose_name = _("membership application")
        verbose_name_plural = _("membership applications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status", "created_at"], name="joinapp_unit_status_idx")]
        constraints = [
            # One waiting application per person and unit: a second one is refused, not queued.
            models.UniqueConstraint(
                fields=["unit", "id_number_hash"],
                condition=Q(status="pending"),
                name="joinapp_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.unit_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING


# --- The member card (电子会员卡) ------------------------------------------------------------------
def photo_path(instance, filename: str) -> str:
    return f"care/photos/{uuid.uuid4().hex}"


class CardPhoto(models.Model):
    """The photo a member puts on the own card (optional); its metadata is stripped on upload."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="card_photo")
    photo = models.FileField(_("photo"), upload_to=photo_path)
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("card photo")
        verbose_name_plural = _("card photos")

    def __str__(self) -> str:
        return f"{self.member_id}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The member's own; nobody else needs a member's photo."""
        return Q(member_id=scope.member_id) if scope.member_id else NO_ROWS


# --- Counselling (心理咨询) -----------------------------------------------------------------------
class CounsellingCoordinator(models.Model):
    """The person the city union names for counselling: reads every booking (never the notes)."""

    scope_path = "user"  # the rule itself is scope_q: the city keeps the list, each person reads the own row

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="counselling_coordinator",
        verbose_name=_("login"),
    )
    named_on = models.DateField(_("named on"), default=timezone.localdate)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("counselling coordinator")
        verbose_name_plural = _("counselling coordinators")

    def __str__(self) -> str:
        return str(self.user)

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return scope.own_q("user_id", manage=manage)


class CounsellorKind(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house")
    CONTRACTED = "contracted", _("Contracted")


def _published(scope: Scope, *, manage: bool) -> Q:
    """Published to every login; kept by the city administrators."""
    allowed = scope.is_city_admin if manage else scope.user_id is not None
    return Q() if allowed else NO_ROWS


class Counsellor(models.Model):
    """A counsellor the city union lists (in-house or contracted)."""

    scope_path = "organization"  # the rule itself is scope_q: published to all, kept by the city

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": OrganizationKind.CITY}
    )
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=20, choices=CounsellorKind.choices, default=CounsellorKind.IN_HOUSE)
    qualification = models.CharField(_("qualification"), max_length=100, blank=True)
    introduction = models.TextField(_("introduction"), max_length=1000, blank=True)
    #: The counsellor's login, if any: they then see their bookings and keep notes.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="counsellor",
        verbose_name=_("login"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("counsellor")
        verbose_name_plural = _("counsellors")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    scope_q = classmethod(lambda cls, scope, *, manage: _published(scope, manage=manage))


class CounsellingSlot(models.Model):
    """A time a counsellor offers. Whether it is taken is public; by whom is not (see CounsellingBooking)."""

    scope_path = "counsellor__organization"  # the rule itself is scope_q: published to all, kept by the city

    counsellor = models.ForeignKey(Counsellor, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=100, blank=True, help_text=_("A room, or “phone”/“online”."))
    is_taken = models.BooleanField(_("taken"), default=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("counselling slot")
        verbose_name_plural = _("counselling slots")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"),
            models.UniqueConstraint(fields=["counsellor", "starts_at"], name="slot_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.counsellor} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    scope_q = classmethod(lambda cls, scope, *, manage: _published(scope, manage=manage))


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Held")


class CounsellingBooking(models.Model):
    """A member's booking of a slot. Confidential: see scope_q."""

    scope_path = "member__unit"  # the rule itself is scope_q
    scope_owner = "member"

    slot = models.ForeignKey(CounsellingSlot, on_delete=models.PROTECT, related_name="bookings")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    topic = EncryptedTextField(_("what you would like to talk about"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    #: The counsellor's notes, encrypted like the talk records; only the counsellor reads them.
    notes = EncryptedTextField(_("counsellor's notes"), max_length=5000, blank=True)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("counselling booking")
        verbose_name_plural = _("counselling bookings")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            # A slot is booked once: the database refuses a second live booking, whatever the race.
            models.UniqueConstraint(fields=["slot"], condition=Q(status="booked"), name="booking_one_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.slot_id} {self.member_id}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The member who booked (reads, cancels), the counsellor of the slot and the named coordinator. Not the
        unit's officers, not a zone lead, not a city administrator by that role alone."""
        if scope.user_id is None:
            return NO_ROWS
        q = Q(slot__counsellor__user_id=scope.user_id) | Q(
            # the actor's own row of the coordinators' list (a subquery: the actor is the scope here)
            Exists(CounsellingCoordinator._base_manager.filter(user_id=scope.user_id))
        )
        if scope.member_id:
            q |= Q(member_id=scope.member_id)
        return q


# --- Legal help (法律援助) ------------------------------------------------------------------------
class LegalStatus(models.TextChoices):
    NEW = "new", _("New")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class LegalRequest(models.Model):
    """A member's request for legal help, to the city union (never to the own unit's officers)."""

    scope_path = "member__unit"  # the rule itself is scope_q
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    subject = models.CharField(_("subject"), max_length=100)
    description = EncryptedTextField(_("the problem"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=LegalStatus.choices, default=LegalStatus.NEW)
    answer = models.TextField(_("answer"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    history = HistoricalRecords(excluded_fields=["description"])
    objects = ScopedManager()

    class Meta:
        verbose_name = _("legal-help request")
        verbose_name_plural = _("legal-help requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="legal_rating_range"
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The city union handles it (reads and manages); the member reads the own. The unit's officers never."""
        return scope.own_q(manage=manage)


# --- Training records (培训记录) and health checks (健康体检) ---------------------------------------
class TrainingKind(models.TextChoices):
    ACTIVITY = "activity", _("Training activity")
    EXTERNAL = "external", _("External course")


class TrainingRecord(models.Model):
    """Hours of training a member attended: a training-kind activity or an external course."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    title = models.CharField(_("course"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices, default=TrainingKind.EXTERNAL)
    on = models.DateField(_("date"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0.5), MaxValueValidator(200)]
    )
    is_officer_training = models.BooleanField(_("union officers' training"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["member", "on"], name="training_member_on_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.title}"


class HealthCheck(models.Model):
    """The yearly health check a unit organises for a member: the date and whether it was done."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    year = models.PositiveSmallIntegerField(_("year"))
    planned_on = models.DateField(_("date"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("health check")
        verbose_name_plural = _("health checks")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="healthcheck_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="healthcheck_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.member_id}"
