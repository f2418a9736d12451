"""Activities: the calendar, registrations and teams with a first-come waitlist, check-in, results,
mentoring pairs (传帮带) and staff reading rooms (职工书屋)."""

from __future__ import annotations

import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Honour, Member, Organization, OrganizationKind
from members.scoping import Scope, ScopedManager, city_reads_all, default_scope_q, ids_q, login_owned_rows


def new_token() -> str:
    return secrets.token_urlsafe(24)


# --------------------------------------------------------------------------------------------------
# Who sees and who manages an activity: the one rule, used by every scoped model of this app.

_ORGANIZERS_CACHE = "_activity_organizer_ids"


def visible_organizer_ids(scope: Scope) -> frozenset[int]:
    """Organisers whose activities a person sees: the city union's, the own zone's and the own unit's;
    an officer or zone lead also those of the units (and zones) they read.

    One query, cached on the Scope object (which lives as long as the request's user object)."""
    if scope.user_id is None:
        return frozenset()  # no login, no activities
    cached = scope.__dict__.get(_ORGANIZERS_CACHE)
    if cached is not None:
        return cached
    units = set(scope.readable_unit_ids) | ({scope.member_unit_id} if scope.member_unit_id else set())
    rows = Organization.objects.filter(Q(pk__in=units) | Q(kind=OrganizationKind.CITY)).values_list(
        "pk", "parent_id", "kind"
    )
    result = set(units) | set(scope.zone_ids)
    for pk, parent_id, kind in rows:
        if kind == OrganizationKind.CITY:
            result.add(pk)
        elif parent_id:
            result.add(parent_id)
    ids = frozenset(result)
    object.__setattr__(scope, _ORGANIZERS_CACHE, ids)  # a per-object memo, not a field (eq/hash unchanged)
    return ids


def organizer_q(scope: Scope, *, manage: bool, path: str = "organizer") -> Q:
    """The activities (reached through ``path``) the actor reads, or with ``manage`` manages: a zone lead manages
    the zone's, a unit officer the unit's (``Scope.manage_orgs``), city administrators every activity."""
    if manage:
        return ids_q(path, scope.manage_orgs())
    return ids_q(path, None if scope.is_city_admin else visible_organizer_ids(scope))


class ActivityKind(models.TextChoices):
    SKILLS_CONTEST = "skills_contest", _("Skills contest")
    DRILL = "drill", _("On-the-job drill")
    ESSAY = "essay", _("Essay")
    CALLIGRAPHY = "calligraphy", _("Calligraphy")
    PAINTING = "painting", _("Painting")
    PHOTOGRAPHY = "photography", _("Photography")
    RECITATION = "recitation", _("Recitation")
    SPEECH = "speech", _("Speech")
    PERFORMANCE = "performance", _("Performance")
    FITNESS = "fitness", _("Fitness event")
    TABLE_TENNIS = "table_tennis", _("Table-tennis team competition")
    BADMINTON = "badminton", _("Badminton team competition")
    READING = "reading", _("Reading activity")
    TRAINING = "training", _("Training class")
    THEME_EDUCATION = "theme_education", _("Theme education")
    TALK = "talk", _("Heart-to-heart talk")
    SOCIAL = "social", _("Social event")
    OTHER = "other", _("Other activity")


#: Kinds whose results (rank, score, prize) are recorded.
CONTEST_KINDS = {
    ActivityKind.SKILLS_CONTEST,
    ActivityKind.DRILL,
    ActivityKind.ESSAY,
    ActivityKind.CALLIGRAPHY,
    ActivityKind.PAINTING,
    ActivityKind.PHOTOGRAPHY,
    ActivityKind.RECITATION,
    ActivityKind.SPEECH,
    ActivityKind.PERFORMANCE,
    ActivityKind.FITNESS,
    ActivityKind.TABLE_TENNIS,
    ActivityKind.BADMINTON,
}


#: Kinds whose attendance counts as training hours (care's training records, through members.registry).
TRAINING_KINDS = {ActivityKind.TRAINING}


class RegistrationMode(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    TEAM = "team", _("By team")


class Activity(models.Model):
    scope_path = "organizer"  # the rule itself (city, zone, unit organisers) is scope_q below

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=ActivityKind.choices)
    theme = models.CharField(_("theme"), max_length=120, blank=True, help_text=_("e.g. 建功新时代、机关作表率"))
    organizer = models.ForeignKey(
        Organization,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=_("The city union (open to all units), a liaison zone (its units) or one unit (its own members)."),
    )
    place = models.CharField(_("place"), max_length=200)
    reading_room = models.ForeignKey(
        "ReadingRoom",
        verbose_name=_("reading room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    poster = models.ImageField(_("poster"), upload_to="activities/posters/%Y/", blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("Places (teams for a team competition); empty for no limit."),
    )
    registration_opens_at = models.DateTimeField(_("registration opens at"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    cancellation_deadline = models.DateTimeField(_("cancellation deadline"))
    mode = models.CharField(
        _("registration"), max_length=12, choices=RegistrationMode.choices, default=RegistrationMode.INDIVIDUAL
    )
    team_size_min = models.PositiveSmallIntegerField(_("team size minimum"), null=True, blank=True)
    team_size_max = models.PositiveSmallIntegerField(_("team size maximum"), null=True, blank=True)
    teams_per_unit = models.PositiveSmallIntegerField(_("teams per unit"), null=True, blank=True)
    #: Social events for single staff (婚恋交友): who registered is seen only by the organiser (and each
    #: person's own registration), never on a list anyone else reads (see Registration.scope_q).
    registrations_private = models.BooleanField(
        _("registrations visible only to the organiser"),
        default=False,
        help_text=_("For social events for single staff: nobody but the organiser sees who registered."),
    )
    #: Training classes (培训班): the hours a member's attendance counts (care's training records). Empty: the
    #: hours between start and end when both fall on the same day (a class over several days must say them).
    training_hours = models.DecimalField(
        _("training hours"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(200)],
        help_text=_(
            "For a training class: the hours attendance counts. Empty: from the start and end times (same day)."
        ),
    )
    #: The union officers' training the city union requires (机关工会干部培训班): attending it counts for the
    #: report of officers without it.
    is_officer_training = models.BooleanField(
        _("union officers' training"),
        default=False,
        help_text=_("A training class that is the union officers' training the city union requires."),
    )
    #: The secret in the check-in QR code.
    checkin_token = models.CharField(max_length=64, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"], name="activity_starts_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="activity_registration_window",
            ),
            models.CheckConstraint(
                condition=Q(mode="individual") | Q(team_size_min__isnull=False, team_size_max__isnull=False),
                name="activity_team_sizes",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return organizer_q(scope, manage=manage)

    @property
    def is_team(self) -> bool:
        return self.mode == RegistrationMode.TEAM

    @property
    def is_contest(self) -> bool:
        return self.kind in CONTEST_KINDS

    @property
    def is_training(self) -> bool:
        return self.kind in TRAINING_KINDS

    @property
    def counted_training_hours(self) -> Decimal | None:
        """The hours attendance counts (see ``training_hours``); None for other kinds or a class over several days
        without hours. The same rule as ``activities.training.hours_expr`` in SQL."""
        if not self.is_training:
            return None
        if self.training_hours is not None:
            return self.training_hours
        if not (self.starts_at and self.ends_at and self.ends_at > self.starts_at):
            return None
        if timezone.localdate(self.starts_at) != timezone.localdate(self.ends_at):
            return None
        hours = Decimal((self.ends_at - self.starts_at).total_seconds()) / 3600
        return hours.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must come after the start.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if self.registration_closes_at and self.starts_at and self.registration_closes_at > self.starts_at:
            errors["registration_closes_at"] = _("Registration must close before the activity starts.")
        if self.cancellation_deadline and self.starts_at and self.cancellation_deadline > self.starts_at:
            errors["cancellation_deadline"] = _("The cancellation deadline must be before the activity starts.")
        if self.organizer_id and self.organizer.kind not in ("city", "zone", "unit"):
            errors["organizer"] = _("Choose the city union, a liaison zone or a unit.")
        if self.kind in TRAINING_KINDS:
            if (
                self.training_hours is None
                and self.starts_at
                and self.ends_at
                and timezone.localdate(self.starts_at) != timezone.localdate(self.ends_at)
            ):
                errors["training_hours"] = _("A training class over several days needs its training hours.")
        else:
            if self.training_hours is not None:
                errors["training_hours"] = _("Only a training class has training hours.")
            if self.is_officer_training:
                errors["is_officer_training"] = _("Only a training class can be the union officers' training.")
        if self.mode == RegistrationMode.TEAM:
            if not self.team_size_min or not self.team_size_max:
                errors["team_size_min"] = _("A team competition needs a minimum and a maximum team size.")
            elif self.team_size_min > self.team_size_max:
                errors["team_size_max"] = _("The maximum team size must be at least the minimum.")
        if errors:
            raise ValidationError(errors)


class EntryStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("Waitlisted")
    CANCELLED = "cancelled", _("Cancelled")


class Team(models.Model):
    """A unit's team in a team competition; in a team competition the team holds the place."""

    scope_path = "unit"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="teams", verbose_name=_("activity"))
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    name = models.CharField(_("team name"), max_length=60)
    captain = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("captain"))
    status = models.CharField(_("status"), max_length=12, choices=EntryStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["activity", "status", "waitlist_position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "name"], condition=~Q(status="cancelled"), name="team_unique_active_name"
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", waitlist_position__isnull=False)
                | (~Q(status="waitlisted") & Q(waitlist_position__isnull=True)),
                name="team_position_iff_waitlisted",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The teams of the activities the actor reads (the competition's page lists them all) and
        the own units' teams; managed by the activity's managers and the team's unit's officers."""
        own_units = ids_q("unit", scope.org_ids(manage=manage))
        return organizer_q(scope, manage=manage, path="activity__organizer") | own_units


class Registration(models.Model):
    """One member in one activity; in a team competition, one member of a team (the team holds the place)."""

    scope_path = "member__unit"
    scope_owner = "member"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("activity")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("member"))
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("team")
    )
    status = models.CharField(_("status"), max_length=12, choices=EntryStatus.choices)
    waitlist_position = models.PositiveIntegerField(_("waitlist position"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("promoted at"), null=True, blank=True)
    attended_at = models.DateTimeField(_("checked in at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["activity", "status", "waitlist_position", "pk"]
        constraints = [
            # One active registration per member per activity (also: one team per person).
            models.UniqueConstraint(
                fields=["activity", "member"], condition=~Q(status="cancelled"), name="registration_one_active"
            ),
        ]
        indexes = [models.Index(fields=["member", "status"], name="registration_member_status_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.activity}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The member's unit's (and one's own) registrations, as for every member's row; and every
        registration of an activity the actor manages (its participants list, attendance, export)."""
        organiser = organizer_q(scope, manage=True, path="activity__organizer")
        # Social events for single staff (Activity.registrations_private): who registered is seen only by the
        # organiser and by the registered person, never through the member's unit.
        own = scope.own_q(manage=manage)
        members_rows = default_scope_q(cls, scope, manage=manage) & (~Q(activity__registrations_private=True) | own)
        return members_rows | organiser


class Result(models.Model):
    """A contest result: rank, score and prize of a person or a team."""

    scope_path = "activity__organizer"
    scope_owner = "member"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="results", verbose_name=_("activity"))
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_results",
        verbose_name=_("member"),
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="results", verbose_name=_("team")
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    prize = models.CharField(_("prize"), max_length=60, blank=True, help_text=_("e.g. 一等奖"))
    honour = models.ForeignKey(
        Honour, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("honour")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["activity", "rank", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=False, team__isnull=True) | Q(member__isnull=True, team__isnull=False),
                name="result_member_or_team",
            ),
            models.UniqueConstraint(fields=["activity", "member"], name="result_unique_member"),
            models.UniqueConstraint(fields=["activity", "team"], name="result_unique_team"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} #{self.rank}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """Results are read with their activity (its page lists them) and by the member who won them;
        recorded by the activity's managers."""
        return organizer_q(scope, manage=manage, path="activity__organizer") | scope.own_q(manage=manage)


class CalendarFeed(models.Model):
    """A person's private iCalendar link; renewing the token cuts off the old link."""

    scope_path = "user"  # a login, not a unit: see scope_q
    scope_q = login_owned_rows("user")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activity_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    renewed_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)


class MentoringStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    ENDED = "ended", _("Ended early")


class MentoringPair(models.Model):
    """传帮带: an experienced colleague paired with a new one for a skill area and a period."""

    scope_path = "unit"

    mentor = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="mentees_as_mentor", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="mentors_as_mentee", verbose_name=_("mentee")
    )
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    skill_area = models.CharField(_("skill area"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(_("status"), max_length=12, choices=MentoringStatus.choices, default="active")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="mentoring_two_people"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="mentoring_period"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The unit's pairs; the mentor and the mentee read their own pair."""
        own = scope.own_q("mentor_id", manage=manage) | scope.own_q("mentee_id", manage=manage)
        return default_scope_q(cls, scope, manage=manage) | own

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.mentor_id and self.mentee_id and self.mentor_id == self.mentee_id:
            errors["mentee"] = _("A mentor cannot mentor themselves.")
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("The period must end after it starts.")
        if errors:
            raise ValidationError(errors)


class ReadingRoom(models.Model):
    """A unit's staff reading room (职工书屋); some are demonstration sites (示范点)."""

    scope_path = "unit"

    unit = models.OneToOneField(
        Organization, on_delete=models.PROTECT, related_name="reading_room", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=200, blank=True)
    is_demonstration = models.BooleanField(_("demonstration site"), default=False)
    books = models.PositiveIntegerField(_("books"), default=0)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("reading room")
        verbose_name_plural = _("reading rooms")
        ordering = ["unit__sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        """The reading rooms of the units the actor reads, and the own unit's (a member reads it)."""
        own_unit = {scope.member_unit_id} if scope.member_unit_id and not manage else set()
        return ids_q("unit", scope.org_ids(manage=manage) | own_unit)


class CostKind(models.TextChoices):
    PRIZES = "prizes", _("Prizes")
    VENUE = "venue", _("Venue")
    MATERIALS = "materials", _("Materials")
    OTHER = "other", _("Other costs")


class ActivityCost(models.Model):
    """A cost of an activity paid from the organiser's union funds (prizes, venue, materials): each is posted to
    the union's funds ledger (members.ledger) and reversed there when the cost is removed."""

    scope_path = "activity__organizer"

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="costs", verbose_name=_("activity"))
    kind = models.CharField(_("kind of cost"), max_length=12, choices=CostKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    payee = models.CharField(_("payee"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("activity cost")
        verbose_name_plural = _("activity costs")
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="activitycost_amount_positive")]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.kind} {self.amount}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        # Costs are the organiser's business: only those who manage the activity read them.
        return organizer_q(scope, manage=True, path="activity__organizer")
