"""Every write of the voice app. Notifications name no sender: officers must not learn who wrote."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Organization, OrganizationKind, Role, RoleAssignment
from members.scoping import get_for_actor, require_manage, scope_for, unscoped
from members.services import unit_honour_add
from members.uploads import check_upload
from notifications.services import notification_send

from . import selectors
from .models import (
    ATTACHMENT_KINDS,
    OVERDUE_DAYS,
    EventKind,
    FollowUp,
    ItemStatus,
    Talk,
    UnitHonour,
    VoiceEvent,
    VoiceItem,
)


def _handlers_of(org: Organization) -> list[int]:
    """The users who handle what is addressed to ``org``: its unit officers, or the city administrators."""
    role = Role.CITY_ADMIN if org.kind == OrganizationKind.CITY else Role.UNIT_OFFICER
    with unscoped("who to notify of an item addressed to an organisation: the sender may not read its roles"):
        return list(RoleAssignment.objects.filter(organization=org, role=role).values_list("user_id", flat=True))


def _notify(user_ids, *, kind: str, key: str, title: str, item: VoiceItem, body: str = "") -> int:
    url = reverse("voice:detail", args=[item.pk])
    sent = 0
    for uid in user_ids:
        if notification_send(recipient_id=uid, kind=kind, key=f"{key}:{uid}", title=title, body=body, url=url):
            sent += 1
    return sent


def _locked(actor, item: VoiceItem) -> VoiceItem:
    """The item again, locked, as far as the actor reads it (404 otherwise)."""
    return get_for_actor(VoiceItem.objects.select_for_update().select_related("addressee"), actor, pk=item.pk)


def _locked_for_handler(actor, item: VoiceItem) -> VoiceItem:
    """Answer, forward, close: the model's manage rule (the addressed unit's officers, the city)."""
    item = _locked(actor, item)
    require_manage(actor, item)
    return item


def _locked_for_sender(actor, item: VoiceItem, proven: frozenset[int]) -> VoiceItem:
    if item.pk in proven:
        with unscoped("an anonymous item whose receipt code this session entered: its sender's follow-up"):
            item = VoiceItem.objects.select_for_update().select_related("addressee").get(pk=item.pk)
    else:
        item = _locked(actor, item)
    if not selectors.is_sender(scope=scope_for(actor), item=item, proven=proven):
        raise PermissionDenied
    return item


#: Letters and digits that cannot be mistaken for one another; 16 of them (~92 bits) cannot be guessed.
_RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _receipt_code() -> str:
    import secrets

    raw = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _event(item: VoiceItem, kind: str, actor=None, **kwargs) -> VoiceEvent:
    event = VoiceEvent(item=item, kind=kind, actor=actor, created_at=timezone.now(), **kwargs)
    event.save()
    return event


@transaction.atomic
def item_send(
    *,
    actor,
    addressee: Organization,
    kind: str,
    category: str,
    subject: str,
    text: str,
    anonymous: bool = False,
    attachment: UploadedFile | None = None,
) -> VoiceItem:
    """A member writes to the own unit union or to the city union. An anonymous item keeps no sender:
    its receipt code is returned once on ``item.receipt_code`` (only its keyed hash is stored)."""
    member = selectors.own_member(actor=actor)
    if member is None:
        raise PermissionDenied
    if not selectors.addressee_choices(member=member).filter(pk=addressee.pk).exists():
        raise ValidationError({"addressee": _("Write to your own unit union or to the city union.")})
    now = timezone.now()
    code = _receipt_code() if anonymous else ""
    item = VoiceItem(
        sender=None if anonymous else member,
        receipt_hash=selectors.receipt_hash(code) if anonymous else "",
        sender_unit=member.unit,
        addressee=addressee,
        kind=kind,
        category=category,
        subject=subject.strip(),
        text=text.strip(),
        anonymous=anonymous,
        created_at=now,
        waiting_since=now,
    )
    if attachment is not None:
        item.attachment_type = check_upload(attachment, field="attachment", allowed=ATTACHMENT_KINDS).mime
        item.attachment_name = attachment.name[-200:]
        if anonymous:  # the file's name could name the sender: an anonymous item keeps only its kind
            item.attachment_name = item.attachment_label
        item.attachment = attachment
    item.full_clean()
    item.save()
    _notify(
        _handlers_of(addressee),
        kind="voice_new",
        key=f"voice-new:{item.pk}",
        title=_("New %(kind)s: %(subject)s") % {"kind": item.get_kind_display(), "subject": item.subject},
        body=item.get_category_display(),
        item=item,
    )
    item.receipt_code = code
    return item


@transaction.atomic
def item_take(*, actor, item: VoiceItem) -> VoiceItem:
    """An officer takes a new item in hand (status: in progress)."""
    item = _locked_for_handler(actor, item)
    if item.status != ItemStatus.NEW:
        raise ValidationError(_("Only a new item can be taken in hand."))
    item.status = ItemStatus.IN_PROGRESS
    item.save(update_fields=["status"])
    _event(item, EventKind.TAKEN, actor)
    return item


@transaction.atomic
def item_answer(*, actor, item: VoiceItem, answer: str) -> VoiceItem:
    item = _locked_for_handler(actor, item)
    if not item.is_open:
        raise ValidationError(_("This item is already answered or closed."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write an answer.")})
    now = timezone.now()
    item.answer = answer
    item.answered_at = now
    if item.first_answered_at is None:
        item.first_answered_at = now
        item.answered_in_time = now <= item.created_at + timedelta(days=OVERDUE_DAYS)
    item.answered_by = actor
    item.status = ItemStatus.ANSWERED
    item.full_clean()
    item.save()
    event = _event(item, EventKind.ANSWERED, actor, text=answer)
    sender_user = None
    if item.sender_id:  # an anonymous item has no sender to notify: the receipt code shows the answer
        with unscoped("the sender's login, to notify them of the answer: the handler may not read their record"):
            sender_user = Member.objects.filter(pk=item.sender_id).values_list("user_id", flat=True).first()
    if sender_user:
        _notify(
            [sender_user],
            kind="voice_answered",
            key=f"voice-answered:{item.pk}:{event.pk}",
            title=_("Your %(kind)s was answered: %(subject)s")
            % {"kind": item.get_kind_display(), "subject": item.subject},
            item=item,
        )
    return item


@transaction.atomic
def item_forward(*, actor, item: VoiceItem, to: Organization, note: str) -> VoiceItem:
    item = _locked_for_handler(actor, item)
    if not item.is_open:
        raise ValidationError(_("This item is already answered or closed."))
    if not selectors.forward_choices(item=item).filter(pk=to.pk).exists():
        raise ValidationError({"to": _("Choose another unit union or the city union.")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say why you forward it.")})
    _event(item, EventKind.FORWARDED, actor, text=note, from_org=item.addressee, to_org=to)
    item.addressee = to
    item.status = ItemStatus.NEW
    item.save(update_fields=["addressee", "status"])
    _notify(
        _handlers_of(to),
        kind="voice_new",
        key=f"voice-forwarded:{item.pk}:{to.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        title=_("Forwarded to you: %(subject)s") % {"subject": item.subject},
        body=note,
        item=item,
    )
    return item


@transaction.atomic
def item_close(*, actor, item: VoiceItem) -> VoiceItem:
    item = _locked_for_handler(actor, item)
    if item.status == ItemStatus.CLOSED:
        raise ValidationError(_("This item is already closed."))
    item.status = ItemStatus.CLOSED
    item.closed_at = timezone.now()
    item.save(update_fields=["status", "closed_at"])
    _event(item, EventKind.CLOSED, actor)
    return item


@transaction.atomic
def item_rate(*, actor, item: VoiceItem, satisfied: bool, proven: frozenset[int] = frozenset()) -> VoiceItem:
    """The sender says whether the answer satisfied them (may change the rating until reopening)."""
    item = _locked_for_sender(actor, item, proven)
    if not item.answer or item.is_open:
        raise ValidationError(_("There is no answer to rate yet."))
    item.satisfied = satisfied
    item.rated_at = timezone.now()
    item.save(update_fields=["satisfied", "rated_at"])
    _event(item, EventKind.RATED, None, text=_("Satisfied") if satisfied else _("Not satisfied"))
    return item


@transaction.atomic
def item_reopen(*, actor, item: VoiceItem, reason: str, proven: frozenset[int] = frozenset()) -> VoiceItem:
    """The sender reopens an answered item, once; it waits for an answer again."""
    item = _locked_for_sender(actor, item, proven)
    if not item.can_reopen:
        raise ValidationError(_("This item cannot be reopened (only once, after an answer)."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the answer does not settle it.")})
    now = timezone.now()
    item.status = ItemStatus.NEW
    item.reopened_at = now
    item.waiting_since = now
    item.satisfied = None
    item.rated_at = None
    item.save(update_fields=["status", "reopened_at", "waiting_since", "satisfied", "rated_at"])
    _event(item, EventKind.REOPENED, None, text=reason)
    _notify(
        _handlers_of(item.addressee),
        kind="voice_reopened",
        key=f"voice-reopened:{item.pk}",
        title=_("Reopened: %(subject)s") % {"subject": item.subject},
        item=item,
    )
    return item


def overdue_notify(*, now: datetime | None = None) -> dict[str, int]:
    """Remind the officers of items unanswered for 7 days and the city administrators of those
    unanswered for 14. Idempotent: one reminder per item and waiting period (voice.reminders), so a
    second run (or a retry) sends nothing twice. The daily reminders run the same source."""
    from notifications.services import notifications_send_many

    from .reminders import overdue_reminders

    due = overdue_reminders(now=now or timezone.now())
    return {group: len(notifications_send_many(reminders)) for group, reminders in due.items()}


# --- Talks -------------------------------------------------------------------------------------
@transaction.atomic
def talk_create(
    *,
    actor,
    member_id: int,
    held_on: date,
    talked_by: str,
    topics: str,
    concerns: str = "",
    follow_ups: list[tuple[str, date]] | None = None,
) -> Talk:
    member = selectors.talk_member_require(actor=actor, member_id=member_id)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A talk cannot take place in the future.")})
    talk = Talk(
        member=member, held_on=held_on, talked_by=talked_by.strip(), topics=topics.strip(), concerns=concerns.strip()
    )
    talk.recorded_by = actor
    talk.full_clean()
    talk.save()
    for action, due_on in follow_ups or []:
        follow_up = FollowUp(talk=talk, action=action.strip(), due_on=due_on)
        follow_up.full_clean()
        follow_up.save()
    return talk


@transaction.atomic
def follow_up_done(*, actor, follow_up_id: int) -> FollowUp:
    """Mark a follow-up action done (once): 404 outside the talk rule, 403 without the right."""
    selectors.follow_up_get(actor=actor, pk=follow_up_id)
    follow_up = FollowUp.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=follow_up_id)
    if follow_up.done_on is None:
        follow_up.done_on = timezone.localdate()
        follow_up.save(update_fields=["done_on"])
    return follow_up


# --- Unit honours ------------------------------------------------------------------------------
@transaction.atomic
def honour_create(
    *, actor, unit: Organization, title: str, level: str, year: int, name: str = "", awarded_by: str = ""
) -> UnitHonour:
    data = {"title": title, "level": level, "year": year, "name": name, "awarded_by": awarded_by}
    return unit_honour_add(actor=actor, unit=unit, data=data)


@transaction.atomic
def honour_delete(*, actor, honour: UnitHonour) -> None:
    require_manage(actor, honour)  # the city administrator keeps the honour roll
    honour.delete()
