"""Staff voice's retention rules (docs/data-map.md), registered from ``AppConfig.ready()``:

- suggestions, requests and complaints (with their steps and attachment files) are deleted 3 years after
  they were closed (an answered item the sender never closed: 3 years after the answer);
- heart-to-heart talks (with their follow-ups) are deleted 3 years after they were held, or as soon as the
  member has left the unit the talk was held in (transferred, transferred out, withdrawn, expelled, died): the
  notes are that unit's confidential assessment and must not follow the member to the next unit.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import ChangeKind, MembershipChange
from members.retention import RetentionRule, register_retention_rule, years_before

from .models import ItemStatus, Talk, VoiceItem

YEARS = 3
#: The membership changes after which a member is no longer in the unit a talk was held in.
LEFT_THE_UNIT = (
    ChangeKind.TRANSFER,
    ChangeKind.TRANSFER_OUT,
    ChangeKind.WITHDRAW,
    ChangeKind.EXPEL,
    ChangeKind.DECEASE,
)


def items_due(today: date) -> QuerySet[VoiceItem]:
    cutoff = timezone.make_aware(datetime.combine(years_before(today, YEARS), time.min))
    closed = Q(status=ItemStatus.CLOSED, closed_at__lt=cutoff)
    answered = Q(status=ItemStatus.ANSWERED, answered_at__lt=cutoff)  # answered and never closed: from the answer
    return VoiceItem.objects.filter(closed | answered)


def delete_items(qs: QuerySet[VoiceItem]) -> int:
    """The rows and the attachment files (a deleted row leaves its file behind otherwise)."""
    done = 0
    for item in qs.only("pk", "attachment").iterator(chunk_size=500):
        if item.attachment:
            item.attachment.delete(save=False)
        VoiceItem.objects.filter(pk=item.pk).delete()
        done += 1
    return done


def talks_due(today: date) -> QuerySet[Talk]:
    left = MembershipChange.objects.filter(
        member_id=OuterRef("member_id"),
        kind__in=LEFT_THE_UNIT,
        on__gte=OuterRef("held_on"),  # a talk held after the move is the new unit's
        created_at__gt=OuterRef("created_at"),
    )
    return Talk.objects.filter(Q(held_on__lt=years_before(today, YEARS)) | Q(Exists(left)))


def delete_talks(qs: QuerySet[Talk]) -> int:
    return qs.delete()[1].get(Talk._meta.label, 0)


def register() -> None:
    register_retention_rule(
        RetentionRule(
            "voice-items",
            _("Staff-voice items (suggestions, requests, complaints) and their attachments"),
            _("3 years after closing"),
            items_due,
            delete_items,
        )
    )
    register_retention_rule(
        RetentionRule(
            "voice-talks",
            _("Heart-to-heart talk records and their follow-ups"),
            _("3 years, or when the member leaves the unit"),
            talks_due,
            delete_talks,
        )
    )
