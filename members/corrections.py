"""The member's right to have the own record corrected (PIPL arts. 45–47): the writes and reads of
``CorrectionRequest`` (one entity, kept out of services.py, which is past 500 lines).

A member asks from the own page (which fields, what they should say, why); the officers of the member's unit are
told and answer — corrected (they change the record through the usual form, which the history keeps) or refused
with a reason — before the deadline (``CORRECTION_DAYS`` days, a setting), which the daily reminders watch
(``notifications`` registers the source ``corrections-due``). The member is told the answer.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CORRECTABLE_FIELDS, CorrectionRequest, CorrectionStatus, Role, RoleAssignment, User
from .registry import notify
from .scoping import get_for_actor, require_manage, scope_for, unscoped


def _officers_of(unit_id: int) -> list[int]:
    with unscoped("the officers of the member's unit are told of a correction request"):
        return list(
            RoleAssignment.objects.filter(role=Role.UNIT_OFFICER, organization_id=unit_id, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )


@transaction.atomic
def correction_request_create(*, actor: User, fields: list[str], proposed: str, reason: str) -> CorrectionRequest:
    """The actor asks for a correction of the own record; the unit's officers are told."""
    member = getattr(actor, "member", None)
    if member is None:
        raise PermissionDenied
    allowed = {key for key, _label in CORRECTABLE_FIELDS}
    fields = [f for f in fields if f in allowed]
    if not fields:
        raise ValidationError({"fields": _("Choose what should be corrected.")})
    if not (proposed or "").strip():
        raise ValidationError({"proposed": _("Say what the record should say.")})
    today = timezone.localdate()
    request = CorrectionRequest(
        member=member,
        fields=fields,
        proposed=proposed.strip(),
        reason=(reason or "").strip(),
        due_on=today + timedelta(days=settings.CORRECTION_DAYS),
    )
    request.full_clean()
    request.save()
    _tell_officers(request)  # a notice is a row in this transaction (its e-mail is enqueued on commit)
    return request


def _tell_officers(request: CorrectionRequest) -> None:
    title = _("%(name)s asks for a correction of the own record (answer by %(due)s)") % {
        "name": request.member.name,
        "due": request.due_on.isoformat(),
    }
    notify(
        recipient_ids=_officers_of(request.member.unit_id),
        kind="correction",
        key=f"correction-new:{request.pk}",
        title=title,
        body=", ".join(request.field_labels()),
        url=reverse("members:corrections"),
    )


@transaction.atomic
def correction_request_answer(*, actor: User, pk: int, done: bool, answer: str) -> CorrectionRequest:
    """An officer of the member's unit answers: corrected, or refused with a reason. The member is told."""
    request = get_for_actor(CorrectionRequest.objects.select_for_update(of=("self",)), actor, manage=True, pk=pk)
    require_manage(actor, request.member)
    if request.status != CorrectionStatus.OPEN:
        raise ValidationError(_("This request has been answered already."))
    answer = (answer or "").strip()
    if not done and not answer:
        raise ValidationError({"answer": _("Say why the correction is refused.")})
    request.status = CorrectionStatus.DONE if done else CorrectionStatus.REFUSED
    request.answer = answer
    request.answered_by = actor
    request.answered_at = timezone.now()
    request.full_clean()
    request.save()
    user_id = request.member.user_id
    if user_id:
        title = (
            _("Your record has been corrected as you asked.")
            if done
            else _("Your correction request was refused: %(reason)s") % {"reason": answer[:150]}
        )
        notify(
            recipient_ids=[user_id],
            kind="correction",
            key=f"correction-answer:{request.pk}",
            title=title,
            url=reverse("members:corrections"),
        )
    return request


def correction_request_list(*, actor: User) -> QuerySet[CorrectionRequest]:
    """Officers: the requests of the members they manage (open ones first); a member: the own."""
    qs = CorrectionRequest.objects.for_actor(actor).select_related("member", "member__unit", "answered_by")
    if scope_for(actor).is_officer:
        return qs.order_by("status", "due_on", "-pk")
    return qs.order_by("-created_at", "-pk")
