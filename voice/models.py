"""Staff voice and care: suggestions and requests (职工之声), heart-to-heart talks (谈心谈话),
and the honours units earn (职工之家 and the like)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.fields import EncryptedTextField
from members.models import HonourLevel, Member, Organization, UnitHonour, UnitHonourTitle  # noqa: F401
from members.scoping import Scope, ScopedManager, ids_q

#: An item unanswered this long shows as overdue to the officers of the addressed organisation.
OVERDUE_DAYS = 7
#: ... and this long reaches the city administrator.
ESCALATION_DAYS = 14


class ItemKind(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion")
    REQUEST = "request", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")


class Category(models.TextChoices):
    WORK_CONDITIONS = "work_conditions", _("Work conditions")
    WELFARE = "welfare", _("Welfare")
    ACTIVITIES = "activities", _("Activities")
    RIGHTS = "rights", _("Rights")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class ItemStatus(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (ItemStatus.NEW, ItemStatus.IN_PROGRESS)


def _managed_units_only(scope: Scope, unit_path: str) -> models.Q:
    """Rows of the units the actor manages (all for the city administrator), whether reading or managing."""
    return ids_q(unit_path, scope.manage_units())


#: What an attachment may be, by the type its content shows (members.uploads.check_upload; the form
#: checks it for the person, the service again before saving).
ATTACHMENT_KINDS = ("pdf", "jpg", "png", "docx", "xlsx")


def attachment_path(instance, filename: str) -> str:
    # A random name: the stored path reveals nothing (the original name is kept apart).
    return f"voice/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class VoiceItem(models.Model):
    """A suggestion, request for help or complaint a member sends to the own unit union or the city union.

    An anonymous item records no sender at all (a constraint holds it): the portal keeps no link
    between it and any login, so no one — an officer who resets the sender's password and logs in as
    them included — can learn who sent it. The sender follows it with a receipt code shown once when
    sending; only the code's keyed hash is stored (docs/voice.md, "Anonymity").
    """

    #: Officers read (and the addressed unit's officers handle) what is addressed to their unit;
    #: the sender reads the own items wherever they went.
    scope_path = "addressee"
    scope_owner = "sender"

    sender = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        related_name="voice_items",
        verbose_name=_("sender"),
        editable=False,
        null=True,
        blank=True,
    )
    #: An anonymous item's receipt: the keyed hash of the code the sender keeps (voice.selectors.receipt_hash).
    receipt_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    #: The sender's unit when sent: statistics are per this unit.
    sender_unit = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit of the sender")
    )
    addressee = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="voice_inbox", verbose_name=_("addressed to")
    )
    kind = models.CharField(
        pgettext_lazy("voice item", "kind"), max_length=20, choices=ItemKind.choices, default=ItemKind.SUGGESTION
    )
    category = models.CharField(_("topic"), max_length=20, choices=Category.choices)
    subject = models.CharField(_("subject"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)
    anonymous = models.BooleanField(_("anonymous to the officers"), default=False)
    attachment = models.FileField(_("attachment"), upload_to=attachment_path, blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.NEW)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    #: Since when the sender waits for an answer (sending, or reopening).
    waiting_since = models.DateTimeField(_("waiting since"), default=timezone.now)
    first_answered_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    #: Whether the first answer came within 7 days of sending (set once; what the statistics count).
    answered_in_time = models.BooleanField(_("answered within 7 days"), default=False)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    satisfied = models.BooleanField(_("satisfied"), null=True, blank=True)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("suggestion or request")
        verbose_name_plural = _("suggestions and requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["addressee", "status", "waiting_since"], name="voiceitem_inbox_idx"),
            models.Index(fields=["sender_unit", "created_at"], name="voiceitem_stats_idx"),
            # The inbox's default order, newest first (issue #23): a page of 20 without sorting every item.
            models.Index(fields=["created_at", "id"], name="voiceitem_sent_idx"),
            models.Index(fields=["addressee", "created_at", "id"], name="voiceitem_addressee_sent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False, sender__isnull=False)
                | models.Q(anonymous=True, sender__isnull=True),
                name="voiceitem_anonymous_has_no_sender",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def overdue_on(self, now) -> bool:
        return self.is_open and self.waiting_since <= now - timedelta(days=OVERDUE_DAYS)

    def escalated_on(self, now) -> bool:
        return self.is_open and self.waiting_since <= now - timedelta(days=ESCALATION_DAYS)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_on(timezone.now())

    @property
    def can_reopen(self) -> bool:
        return self.status in (ItemStatus.ANSWERED, ItemStatus.CLOSED) and self.reopened_at is None

    @property
    def attachment_label(self) -> str:
        """The name to show officers: an anonymous sender's file name could name them."""
        ext = self.attachment_name.rsplit(".", 1)[-1].lower() if "." in self.attachment_name else ""
        return f"attachment.{ext}" if ext else "attachment"


class EventKind(models.TextChoices):
    TAKEN = "taken", _("Taken in hand")
    ANSWERED = "answered", _("Answered")
    FORWARDED = "forwarded", _("Forwarded")
    RATED = "rated", _("Rated")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed")


class VoiceEvent(models.Model):
    """One step of an item's handling. Steps by the sender have no actor (so they name no one)."""

    #: Through its item: whoever reads the item reads its steps.
    scope_path = "item__addressee"
    scope_owner = "item__sender"

    item = models.ForeignKey(VoiceItem, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    text = models.TextField(_("text"), blank=True)
    from_org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("handling step")
        verbose_name_plural = _("handling steps")

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"


class Talk(models.Model):
    """A heart-to-heart talk (谈心谈话) with a member. Confidential: see voice.selectors.talk_list."""

    scope_path = "member__unit"  # the rule itself is scope_q: reading is managing

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="talks", verbose_name=_("member"))
    held_on = models.DateField(_("date"))
    talked_by = models.CharField(_("who talked"), max_length=100)
    topics = models.TextField(_("topics"), max_length=2000)
    concerns = EncryptedTextField(_("concerns raised"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        ordering = ["-held_on", "-pk"]
        permissions = [("manage_talks", _("Can keep heart-to-heart talk records of the own unit"))]
        indexes = [models.Index(fields=["member", "held_on"], name="talk_member_held_idx")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.member_id}"

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> models.Q:
        """Confidential notes (health, family): only those who manage the member's unit read them, so
        reading is managing. A liaison-zone lead reads the unit's members but not their talks, and a
        member never reads the talks about themselves. (Holding ``voice.manage_talks`` is checked on
        top, in voice.selectors: a permission is the login's, not the scope's.)"""
        return _managed_units_only(scope, "member__unit")


class FollowUp(models.Model):
    """A follow-up action agreed in a talk, with its due date."""

    scope_path = "talk__member__unit"  # as confidential as its talk: see scope_q

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="follow_ups")
    action = models.CharField(_("follow-up action"), max_length=300)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")

    def __str__(self) -> str:
        return self.action

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> models.Q:
        """The rule of its talk: only who manages the member's unit."""
        return _managed_units_only(scope, "talk__member__unit")


# UnitHonourTitle and UnitHonour moved to members (a contest writes a unit honour, and apps meet only in
# members); the names stay importable from here for the voice app's own modules.
