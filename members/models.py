"""Organisations, people and their roles: the base every other app stands on."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import ExtractDay, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from . import idnumbers
from .choices import Education, EmploymentType, Ethnicity, Gender, MemberStatus, PoliticalStatus
from .fields import EncryptedTextField
from .pinyin import NameOrder, name_keys
from .scoping import NO_ROWS, ScopedManager, ScopedQuerySet, city_reads_all, ids_q, login_owned_rows

mobile_validator = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter a mainland mobile number: 11 digits starting with 13-19."), code="mobile"
)
# Chinese names, with the middle dot (·) of ethnic-minority names; Latin letters for foreign names.
name_validator = RegexValidator(
    r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·•\. ]{0,48}[\u3400-\u9fffA-Za-z]$",
    _("Enter a name of 2-50 characters (Chinese characters, letters and the middle dot ·)."),
    code="name",
)


class User(AbstractUser):
    """A login. Members get one each; `must_change_password` forces a new password at first login."""

    scope_exempt = (
        "logins: authentication looks a user up by name before there is an actor; the portal's pages "
        "reach a login only through its member record, which is scoped"
    )

    must_change_password = models.BooleanField(_("must change password"), default=False)
    #: When the person last chose a password (PASSWORD_MAX_AGE_DAYS counts from here).
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")


class OrganizationKind(models.TextChoices):
    CITY = "city", _("City organ union")
    ZONE = "zone", _("Liaison zone")
    UNIT = "unit", _("Unit union")


class OrganizationQuerySet(models.QuerySet):
    def units(self):
        return self.filter(kind=OrganizationKind.UNIT)

    def zones(self):
        return self.filter(kind=OrganizationKind.ZONE)

    def for_actor(self, actor, *, manage: bool = False) -> OrganizationQuerySet:
        """The organisations the actor reads (or manages): the same rule as every scoped model. The
        tree itself is not enforced (see ``Organization.scope_exempt``)."""
        from .scoping import scope_for

        scope = scope_for(actor)
        return self.filter(ids_q("pk", scope.manage_units() if manage else scope.read_orgs()))


class Organization(models.Model):
    """The union tree: the city organ union, its liaison zones, and the unit unions."""

    scope_exempt = (
        "the union tree: every page names units (the calendar's organisers, a transfer's target), and a "
        "unit's name is no unit's data; what an actor may pick is still narrowed by for_actor()"
    )

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["kind", "sort_order", "name"]
        indexes = [models.Index(fields=["sort_order", "name"], name="organization_sort_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind=OrganizationKind.CITY, parent__isnull=True)
                | models.Q(~models.Q(kind=OrganizationKind.CITY), parent__isnull=False),
                name="organization_only_city_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        expected = {
            OrganizationKind.ZONE: {OrganizationKind.CITY},
            OrganizationKind.UNIT: {OrganizationKind.ZONE, OrganizationKind.CITY},
        }
        if self.kind in expected and (self.parent is None or self.parent.kind not in expected[self.kind]):
            raise ValidationError({"parent": _("A liaison zone belongs to the city union; a unit to a zone.")})


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    ZONE_LEAD = "zone_lead", _("Liaison zone lead")
    UNIT_OFFICER = "unit_officer", _("Unit officer")
    #: A member of a union's funds audit committee (经费审查委员会): reads that union's ledger, budget and
    #: vouchers, changes nothing. Held at the city union or at a unit.
    FUNDS_AUDITOR = "funds_auditor", _("Funds audit committee member")
    #: 安全审计员 (三员分立): reads the access record, the membership history and the login log only.
    AUDITOR = "auditor", _("Security auditor")


#: The kind of organisation each role is held at.
ROLE_KIND = {
    Role.CITY_ADMIN: OrganizationKind.CITY,
    Role.ZONE_LEAD: OrganizationKind.ZONE,
    Role.UNIT_OFFICER: OrganizationKind.UNIT,
    Role.FUNDS_AUDITOR: (OrganizationKind.CITY, OrganizationKind.UNIT),
    Role.AUDITOR: OrganizationKind.CITY,
}


class RoleAssignment(models.Model):
    """A role a person holds at one organisation; a person may hold several."""

    scope_path = "organization"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="roleassignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    def clean(self):
        from django.core.exceptions import ValidationError

        kinds = ROLE_KIND[self.role]
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        if self.organization_id and self.organization.kind not in kinds:
            raise ValidationError({"organization": _("This role is held at an organisation of another kind.")})


class MemberQuerySet(ScopedQuerySet):
    def current(self):
        from .choices import CURRENT_STATUSES

        return self.filter(status__in=CURRENT_STATUSES)


class Member(models.Model):
    """A union member: the fields of the membership registration form (会员信息登记表)."""

    scope_path = "unit"
    scope_owner = "pk"  # a member reads the own record

    # No index of its own: the orders use member_name_order_idx / member_unit_name_idx (in pinyin), a search by
    # part of a name cannot use a plain B-tree, and every index is paid for by each imported row (issue #23).
    name = models.CharField(_("name"), max_length=50, validators=[name_validator])
    # Derived from the name (members.pinyin.name_keys, by fill_name_keys): search by pinyin or initials, and
    # the pinyin order on databases without an ICU collation.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=200, blank=True, editable=False)
    name_search = models.CharField(_("name search keys"), max_length=250, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    birth_date = models.DateField(_("birth date"))
    # The ID number is never stored in clear: an encrypted token, a keyed hash for uniqueness and
    # look-up, and a masked copy for display (3206**************).
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_hash = models.CharField(max_length=64, editable=False)  # unique: Meta.constraints
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    native_place = models.CharField(_("native place"), max_length=50, blank=True)
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, default=PoliticalStatus.MASSES
    )
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    unit = models.ForeignKey(
        Organization,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="members",
        limit_choices_to={"kind": OrganizationKind.UNIT},
        db_index=False,  # member_unit_status_idx and member_unit_name_idx begin with the unit
    )
    position = models.CharField(_("position"), max_length=50, blank=True)
    professional_title = models.CharField(_("professional title"), max_length=50, blank=True)
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.ESTABLISHED
    )
    join_date = models.DateField(_("join date"))
    card_number = models.CharField(_("membership card number"), max_length=20)  # unique: Meta.constraints
    mobile = models.CharField(_("mobile number"), max_length=11, blank=True, validators=[mobile_validator])
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    notes = models.TextField(_("notes"), blank=True)
    user = models.OneToOneField(
        User, verbose_name=_("login"), null=True, blank=True, on_delete=models.SET_NULL, related_name="member"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A member's history is read by the member's id (and its date); the indexes simple-history would add on
    # the other indexed columns are never read and slow every import (issue #23).
    history = HistoricalRecords(
        excluded_fields=["id_number_encrypted", "id_number_hash", "name_pinyin", "name_search"],
        no_db_index=["unit", "user"],
    )
    objects = ScopedManager.from_queryset(MemberQuerySet)()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["unit__sort_order", NameOrder(), "pk"]
        permissions = [
            ("reveal_id_number", _("Can reveal a member's full ID number")),
            ("import_member", _("Can import members from Excel")),
            ("export_member", _("Can export members to Excel")),
        ]
        indexes = [
            models.Index(fields=["unit", "status"], name="member_unit_status_idx"),
            models.Index(fields=["mobile"], name="member_mobile_idx"),
            # The list's default order within a unit, in pinyin (the unit order comes from a small table).
            models.Index(F("unit"), NameOrder(), F("id"), name="member_unit_name_idx"),
            # The city's list sorted by name (a million members: the first page without sorting them all).
            models.Index(NameOrder(), F("id"), name="member_name_order_idx"),
            models.Index(fields=["birth_date"], name="member_birth_date_idx"),
            # The daily reminder scan's birthdays: month and day whatever the year (issue #23).
            models.Index(ExtractMonth("birth_date"), ExtractDay("birth_date"), name="member_birthday_idx"),
            models.Index(fields=["join_date", "id"], name="member_join_date_idx"),
        ]
        # Unique constraints rather than ``unique=True``: on PostgreSQL a unique text field also gets a
        # second index for LIKE 'prefix%' that no page uses (a card number is matched whole, the ID number's
        # keyed hash only by equality); each is written by every imported row (issue #23). A duplicate in a
        # form is still reported on its field ("… already exists").
        constraints = [
            models.UniqueConstraint(fields=["card_number"], name="member_card_number_uniq"),
            models.UniqueConstraint(fields=["id_number_hash"], name="member_id_number_hash_uniq"),
        ]

    def __str__(self) -> str:
        return self.name

    def fill_name_keys(self) -> None:
        """Derive the pinyin and the initials from the name (every path that writes a member: the
        services and the import through ``clean``, the bulk loads directly)."""
        self.name_pinyin, self.name_search = name_keys(self.name)

    def set_id_number(self, value: str) -> None:
        """Store a validated ID number: encrypted, hashed and masked; the record's rules check the
        gender and birth date against it (``clean``)."""
        facts = idnumbers.parse(value)
        self.id_number_encrypted = idnumbers.encrypt(facts.number)
        self.id_number_hash = idnumbers.keyed_hash(facts.number)
        self.id_number_masked = idnumbers.mask(facts.number)
        self._id_facts = facts

    def fill_from_id(self, facts: idnumbers.IdFacts) -> None:
        """An empty gender or birth date is taken from the ID number."""
        if not self.gender:
            self.gender = facts.gender
        if not self.birth_date:
            self.birth_date = facts.birth_date

    def rule_errors(self, facts: idnumbers.IdFacts | None = None, today: date | None = None) -> dict[str, str]:
        """The record's own rules, for every path that writes a member (the form, the import, a
        service): gender and birth date agree with the ID number; the join date is not in the future."""
        from django.utils.translation import gettext as _

        facts = facts or getattr(self, "_id_facts", None)
        errors: dict[str, str] = {}
        if facts is not None:
            if self.gender and self.gender != facts.gender:
                errors["gender"] = _("The gender does not match the ID number.")
            if self.birth_date and self.birth_date != facts.birth_date:
                errors["birth_date"] = _("The birth date does not match the ID number (%(date)s).") % {
                    "date": facts.birth_date.isoformat()
                }
        if self.join_date and self.join_date > (today or timezone.localdate()):
            errors["join_date"] = _("The join date cannot be in the future.")
        return errors

    def clean(self):
        from django.core.exceptions import ValidationError

        self.fill_name_keys()
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)

    def reveal_id_number(self) -> str:
        """The full number. Call only through the service that records the view."""
        return idnumbers.decrypt(self.id_number_encrypted)

    def age_on(self, on: date) -> int:
        b = self.birth_date
        return on.year - b.year - ((on.month, on.day) < (b.month, b.day))

    @property
    def is_current(self) -> bool:
        from .choices import CURRENT_STATUSES

        return self.status in CURRENT_STATUSES


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")
    UNIT = "unit", _("Unit")


class HonourTitle(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")
    ADVANCED_WORKER = "advanced_worker", _("Advanced worker")
    OUTSTANDING_OFFICER = "outstanding_officer", _("Outstanding union officer")
    POST_EXPERT = "post_expert", _("Post expert")
    CONTEST_PRIZE = "contest_prize", _("Contest prize")
    OTHER = "other", _("Other honour")


class Honour(models.Model):
    """An honour (先进典型) held by a member: 劳动模范, 先进工作者, 优秀工会干部, 岗位能手 ..."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="honours", verbose_name=_("member"))
    title = models.CharField(_("honour"), max_length=30, choices=HonourTitle.choices)
    name = models.CharField(
        _("name of the honour"),
        max_length=100,
        blank=True,
        help_text=_("The honour's full name, e.g. 2025年度南通市劳动模范."),
    )
    level = models.CharField(_("level"), max_length=20, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    awarded_by = models.CharField(_("awarded by"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("honour")
        verbose_name_plural = _("honours")
        ordering = ["-year", "member__name"]
        indexes = [models.Index(fields=["title", "year"], name="honour_title_year_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.name or self.get_title_display()}"


class UnitHonourTitle(models.TextChoices):
    MODEL_STAFF_HOME = "model_staff_home", _("Model staff home")
    MODEL_STAFF_SMALL_HOME = "model_staff_small_home", _("Model staff small home")
    ADVANCED_UNION = "advanced_union", _("Advanced grassroots union")
    READING_ROOM_DEMO = "reading_room_demo", _("Staff reading room demonstration site")
    CONTEST_PRIZE = "contest_prize", _("Contest prize")
    OTHER = "other", _("Other honour")


class UnitHonour(models.Model):
    """A collective honour (集体荣誉) held by a unit union: 模范职工之家, 先进基层工会, 职工书屋示范点, and the
    prizes of its teams in contests. The honour roll is kept by the city (the voice app's pages); other apps
    write into it through ``members.services.unit_honour_add`` (a team contest's final prizes)."""

    scope_path = "unit"  # the rule itself is scope_q: published to all, kept by the city

    unit = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="unit_honours",
        verbose_name=_("unit"),
        limit_choices_to={"kind": "unit"},
    )
    title = models.CharField(_("honour"), max_length=30, choices=UnitHonourTitle.choices)
    name = models.CharField(_("name of the honour"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    awarded_by = models.CharField(_("awarded by"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("unit honour")
        verbose_name_plural = _("unit honours")
        ordering = ["-year", "unit__sort_order", "pk"]
        constraints = [
            # One 模范职工之家 of a level a year; a unit's teams may win several prizes in a year's contests.
            models.UniqueConstraint(
                fields=["unit", "title", "level", "year"],
                condition=~models.Q(title="contest_prize"),
                name="unithonour_unique",
            ),
            models.CheckConstraint(condition=models.Q(year__gte=1949, year__lte=2100), name="unithonour_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name or self.get_title_display()}"

    @classmethod
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        """The honour roll is published: everyone logged in reads it; the city administrator keeps it."""
        allowed = scope.sees_all if manage else scope.user_id is not None
        return models.Q() if allowed else NO_ROWS

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.unit_id and self.unit.kind != "unit":
            raise ValidationError({"unit": _("Only a unit union can hold this honour.")})


class ChangeKind(models.TextChoices):
    JOIN = "join", _("Joined")
    TRANSFER = "transfer", pgettext_lazy("membership change", "Transferred")
    RETAIN = "retain", _("Retired, membership retained")
    WITHDRAW = "withdraw", _("Withdrew")
    EXPEL = "expel", _("Expelled")
    DECEASE = "decease", _("Deceased")
    TRANSFER_OUT = "transfer_out", _("Transferred out of the system")
    REINSTATE = "reinstate", _("Reinstated")
    # The steps of a transfer between units (组织关系接转) before it is accepted.
    TRANSFER_START = "transfer_start", _("Transfer started")
    TRANSFER_RETURN = "transfer_return", _("Transfer returned")
    TRANSFER_CANCEL = "transfer_cancel", _("Transfer withdrawn")


class MembershipChange(models.Model):
    """One step in a membership's life (一次入会，动态接转): date, from, to, type and reason."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("member"),
        db_index=False,  # memberchange_member_on_idx begins with the member
    )
    kind = models.CharField(_("type"), max_length=20, choices=ChangeKind.choices)
    on = models.DateField(_("date"))
    from_unit = models.ForeignKey(
        Organization,
        verbose_name=_("from unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    to_unit = models.ForeignKey(
        Organization,
        verbose_name=_("to unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("status before"), max_length=20, choices=MemberStatus.choices, blank=True)
    to_status = models.CharField(_("status after"), max_length=20, choices=MemberStatus.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["member", "on"], name="memberchange_member_on_idx")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_kind_display()} · {self.on}"

    @classmethod
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        """The history of the actor's units (and the own); the auditor reads all of it, manages none."""
        from .scoping import default_scope_q

        if scope.is_auditor and not manage and not scope.sees_all:
            return models.Q()
        return default_scope_q(cls, scope, manage=manage)


class AppendOnlyQuerySet(ScopedQuerySet):
    """A record nobody changes or deletes (the access record, the login log): ``update`` and ``delete``
    are refused, but for the named retention job's purge of what has passed its period
    (members.retention.purge_records, inside ``retention_run``). On PostgreSQL the table's trigger refuses them
    too, whatever the code."""

    def update(self, **kwargs) -> int:
        self._require_scope()
        raise PermissionError(f"{self.model._meta.label} is append-only")

    def delete(self):
        from .scoping import unscoped_reason

        self._require_scope()
        if not (unscoped_reason() or "").startswith("the named retention purge"):
            raise PermissionError(f"{self.model._meta.label} is append-only")
        return super().delete()


class AppendOnlyModel(models.Model):
    """Rows are written once: saving an existing row or deleting one is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.label} is append-only")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.label} is append-only")


class AccessAction(models.TextChoices):
    REVEAL_ID = "reveal_id", _("Revealed an ID number")
    VIEW = "view", _("Viewed sensitive details")
    DOCUMENT = "document", _("Opened a document")
    EXPORT = "export", _("Exported")
    OWN_DATA = "own_data", _("Downloaded own data")
    DUPLICATE = "duplicate", _("Found in another unit by a duplicate check")
    RESET_LOGIN = "reset_login", _("Reset a login's password")
    RESET_OTP = "reset_otp", _("Reset a second factor")
    PURGE = "purge", _("Retention purge")


class AccessRecord(AppendOnlyModel):
    """The portal's one record of access to personal data (PIPL, GB/T 35273): every full view of a
    sensitive field, every export and every own-data download: who, when, what, how many rows.

    It never holds the sensitive value itself: ``what`` is a label (e.g. "ID number of 张三"),
    the object is referred to by content type and id or by a short text reference."""

    scope_path = "unit"

    #: Empty only for the portal's own named jobs (the retention purge).
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False, db_index=True)
    action = models.CharField(_("action"), max_length=12, choices=AccessAction.choices)
    app = models.CharField(_("section"), max_length=30)
    what = models.CharField(_("what"), max_length=200)
    #: The object, as its model label ("assistance.hardshipcase") and primary key.
    target_model = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    target_ref = models.CharField(_("reference"), max_length=100, blank=True)
    unit = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    rows = models.PositiveIntegerField(_("rows"), default=0)
    filters = models.CharField(_("filters"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    #: The member whose data this was (the member, or the owner of the file, talk …): "who saw this person's data".
    subject_member_id = models.PositiveBigIntegerField(_("member"), null=True, blank=True, db_index=True)
    #: A "view" keeps one row per person, object and day (set on views only; the constraint below).
    view_day = models.DateField(_("day viewed"), null=True, blank=True, editable=False)

    objects = ScopedManager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access records")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["action", "at"], name="accessrecord_action_at_idx"),
            models.Index(fields=["app", "at"], name="accessrecord_app_at_idx"),
            models.Index(fields=["target_model", "target_id"], name="accessrecord_target_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "target_model", "target_id", "view_day"],
                condition=models.Q(view_day__isnull=False),
                name="accessrecord_one_view_per_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.actor} · {self.get_action_display()} · {self.what} · {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        """The record is read by the city union's administrators and the auditor only (it names who saw
        whom); nobody writes it but ``record_access`` (append-only: see the migration's trigger)."""
        return models.Q() if (scope.sees_all or scope.is_auditor) and not manage else NO_ROWS


class Committee(models.Model):
    """A unit union's committee (工会委员会) and its current term."""

    scope_path = "unit"

    unit = models.OneToOneField(
        Organization,
        on_delete=models.PROTECT,
        related_name="committee",
        verbose_name=_("unit"),
        limit_choices_to={"kind": OrganizationKind.UNIT},
    )
    term_start = models.DateField(_("term start"))
    term_years = models.PositiveSmallIntegerField(
        _("term length (years)"), choices=[(3, _("3 years")), (5, _("5 years"))], default=5
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        constraints = [
            models.CheckConstraint(condition=models.Q(term_years__in=[3, 5]), name="committee_term_3_or_5"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.term_start:%Y}"

    @property
    def term_end(self) -> date:
        start = self.term_start
        try:
            return start.replace(year=start.year + self.term_years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + self.term_years, day=28)


class Post(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Committee member")
    AUDIT = "audit", _("Funds audit committee member")
    WOMEN = "women", _("Women workers' committee member")


class CommitteePost(models.Model):
    """A post held on a committee; a by-election (增补选举) fills one mid-term."""

    scope_path = "committee__unit"
    scope_owner = "member"

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="posts", verbose_name=_("committee")
    )
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts", verbose_name=_("member"))
    post = models.CharField(_("post"), max_length=20, choices=Post.choices)
    elected_on = models.DateField(_("elected on"))
    by_election = models.BooleanField(_("by-election"), default=False)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("committee post")
        verbose_name_plural = _("committee posts")
        ordering = ["committee", "post", "elected_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "member", "post"],
                condition=models.Q(ended_on__isnull=True),
                name="committeepost_one_current_per_post",
            ),
            models.UniqueConstraint(
                fields=["committee"],
                condition=models.Q(ended_on__isnull=True, post="chair"),
                name="committeepost_one_current_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_post_display()}"


class CorrectionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    DONE = "done", _("Corrected")
    REFUSED = "refused", _("Refused")


class CorrectionRequest(models.Model):
    """A member's request to correct the own record (PIPL arts. 45–47): which fields, what they should say and
    why; the unit officer answers (corrected, or refused with a reason) before ``due_on``, which the daily
    reminders watch. The history keeps every step."""

    scope_path = "member__unit"
    scope_owner = "member"

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="corrections", verbose_name=_("member"))
    fields = models.JSONField(_("fields"), default=list)
    #: what the fields should say: may hold personal data (a corrected ID number), so stored encrypted
    proposed = EncryptedTextField(_("what it should say"))
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CorrectionStatus.choices, default="open")
    created_at = models.DateTimeField(_("asked at"), default=timezone.now, editable=False)
    due_on = models.DateField(_("answer due by"))
    answered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("answered by")
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), max_length=1000, blank=True)

    objects = ScopedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="correction_status_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(answer=""), name="correction_refusal_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_status_display()}"

    def field_labels(self) -> list[str]:
        labels = dict(CORRECTABLE_FIELDS)
        return [str(labels.get(f, f)) for f in self.fields]


#: What a member may ask to correct (the record's fields as the member page shows them).
CORRECTABLE_FIELDS = [
    ("name", _("Name")),
    ("gender", _("Gender")),
    ("ethnicity", _("Ethnicity")),
    ("birth_date", _("Birth date")),
    ("id_number", _("ID number")),
    ("native_place", _("Native place")),
    ("political_status", _("Political status")),
    ("education", _("Education")),
    ("position", _("Position")),
    ("professional_title", _("Professional title")),
    ("employment_type", _("Employment type")),
    ("join_date", _("Join date")),
    ("mobile", _("Mobile")),
    ("other", _("Something else")),
]


class RetentionRun(models.Model):
    """One run of the retention job (docs/data-map.md, "Retention"): a dry run (what would go) or a real one,
    who or what started it, and how many rows each rule removed or anonymised. Read by the city administrators."""

    scope_path = "started_by"

    started_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=True)
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("started by")
    )
    #: {rule key: {"label": …, "period": …, "count": n}}
    report = models.JSONField(_("report"), default=dict)
    total = models.PositiveIntegerField(_("rows"), default=0)
    #: {append-only table: ISO time}: a real run may delete that record's rows older than this, and only while
    #: it runs (the records' PostgreSQL trigger looks for an unfinished real run of its own transaction).
    cutoffs = models.JSONField(_("deleted before"), default=dict, blank=True, editable=False)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        kind = _("dry run") if self.dry_run else _("applied")
        return f"{self.started_at:%Y-%m-%d %H:%M} · {kind} · {self.total}"

    @city_reads_all
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        """The job's runs are the city union's business: its administrators read them all, nobody else any."""
        return NO_ROWS


class TransferState(models.TextChoices):
    PENDING = "pending", _("Waiting for the receiving unit")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Withdrawn")


class TransferRequest(models.Model):
    """A transfer between units in two steps (组织关系接转): the sending unit's officer starts it (转出),
    the receiving unit's officer or the city union accepts it (转入) or returns it with a reason. Until
    it is accepted the member stays in the sending unit and the login keeps its scope."""

    scope_path = "from_unit"  # the rule itself is scope_q: both units' officers read it

    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="transfer_requests", verbose_name=_("member")
    )
    from_unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("from unit")
    )
    to_unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to unit")
    )
    on = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=TransferState.choices, default=TransferState.PENDING)
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("started by"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.CharField(_("reason for returning"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(state="pending"), name="transferrequest_one_pending"
            ),
        ]
        indexes = [
            models.Index(fields=["to_unit", "state"], name="transfer_to_state_idx"),
            models.Index(fields=["from_unit", "state"], name="transfer_from_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.from_unit} → {self.to_unit}"

    @city_reads_all
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        """Both sides read (and act on) a transfer: the sending unit and the receiving one."""
        units = scope.read_units() if not manage else scope.manage_units()
        return ids_q("from_unit", units) | ids_q("to_unit", units)


class LoginEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    FAILED = "failed", _("Login failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_CHANGE = "password_change", _("Changed the password")
    PASSWORD_RESET = "password_reset", _("Password reset by an officer")
    OTP_ENROL = "otp_enrol", _("Enrolled a second factor")
    OTP_VERIFIED = "otp_verified", _("Second factor verified")
    OTP_FAILED = "otp_failed", _("Second factor refused")
    OTP_RESET = "otp_reset", _("Second factor reset")
    RECOVERY_CODES = "recovery_codes", _("New recovery codes")


class LoginEvent(AppendOnlyModel):
    """The login log (网络安全法 art. 21, 等保 2.0 security audit): logins, failures, lock-outs, logouts,
    password and second-factor changes, with time, user name and client address. Kept
    LOGIN_LOG_RETENTION_DAYS (at least 6 months), append-only like the access record."""

    scope_path = "user"  # the rule itself is scope_q: the auditor and the city administrators

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=LoginEventKind.choices)
    #: The name as typed (a failed login may name nobody who exists).
    username = models.CharField(_("user name"), max_length=150)
    # No foreign-key constraint: the log is append-only, and a deleted login must not rewrite it.
    user = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("login"),
    )
    #: Who did it, when not the person themselves (the officer who reset the password).
    by = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)

    objects = ScopedManager.from_queryset(AppendOnlyQuerySet)()

    class Meta:
        verbose_name = _("login log entry")
        verbose_name_plural = _("login log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["username", "at"], name="loginevent_username_at_idx"),
            models.Index(fields=["kind", "at"], name="loginevent_kind_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_kind_display()}"

    @classmethod
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        return models.Q() if (scope.sees_all or scope.is_auditor) and not manage else NO_ROWS


class PasswordHistory(models.Model):
    """The hashes of a login's last passwords (never a password in clear), so that none is chosen again."""

    scope_path = "user"
    scope_q = login_owned_rows("user")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")

    def __str__(self) -> str:
        return f"{self.user_id} · {self.created_at:%Y-%m-%d}"


class SynonymField(models.TextChoices):
    """The choice columns of the roster import whose spellings the city administrator keeps."""

    GENDER = "gender", _("Gender")
    ETHNICITY = "ethnicity", _("Ethnicity")
    POLITICAL_STATUS = "political_status", _("Political status")
    EDUCATION = "education", _("Education")
    EMPLOYMENT_TYPE = "employment_type", _("Employment type")


#: The choice lists of the synonym fields.
SYNONYM_CHOICES = {
    "gender": Gender,
    "ethnicity": Ethnicity,
    "political_status": PoliticalStatus,
    "education": Education,
    "employment_type": EmploymentType,
}


class ChoiceSynonym(models.Model):
    """Another way officers write a value of a choice column (男性 for 男, 党员 for 中共党员, 派遣 for
    劳务派遣): the roster import reads it as that value. Kept by the city administrator in the admin."""

    scope_exempt = "a spelling table of the roster import, the same for every unit: it holds no unit's or person's data"

    field = models.CharField(_("column"), max_length=20, choices=SynonymField.choices)
    text = models.CharField(_("written as"), max_length=30)
    value = models.CharField(_("read as (stored code)"), max_length=20)

    class Meta:
        verbose_name = _("import synonym")
        verbose_name_plural = _("import synonyms")
        ordering = ["field", "value", "text"]
        constraints = [models.UniqueConstraint(fields=["field", "text"], name="choicesynonym_unique_text")]

    def __str__(self) -> str:
        return f"{self.text} → {self.value}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.text = (self.text or "").strip()
        choices = SYNONYM_CHOICES.get(self.field)
        if choices is not None and self.value not in choices.values:
            raise ValidationError({"value": _("Choose one of the column's stored codes.")})


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked")
    SAVING = "saving", _("Being saved")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class MemberImport(models.Model):
    """One uploaded roster: checked (in the request, or by a task for a big file), shown as a preview,
    confirmed once. The rows and the preview are kept sealed on disk (members.excel.seal) until done."""

    scope_path = "unit"
    scope_q = login_owned_rows("requested_by")  # only the person who uploaded it sees it

    token = models.CharField(max_length=32, unique=True, editable=False)
    requested_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", verbose_name=_("uploaded by"))
    unit = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    in_background = models.BooleanField(_("checked and saved by a task"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    new = models.PositiveIntegerField(_("new members"), default=0)
    changed = models.PositiveIntegerField(_("changed members"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged members"), default=0)
    problems = models.PositiveIntegerField(_("problems"), default=0)
    update_existing = models.BooleanField(_("existing members updated"), default=False)
    saved_new = models.PositiveIntegerField(_("members added"), default=0)
    saved_changed = models.PositiveIntegerField(_("members updated"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["requested_by", "created_at"], name="memberimport_user_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="memberimport_progress_le_100"),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.token} · {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.SAVING)

    @property
    def can_confirm(self) -> bool:
        return self.status == ImportStatus.CHECKED and not self.problems and (self.new or self.changed)
