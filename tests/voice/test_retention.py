"""Staff-voice items go 3 years after closing (with their files); talks after 3 years or as soon as the member
has left the unit (issue #17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from members.models import MembershipChange
from members.retention import retention_rules, retention_run
from tests.factories import MemberFactory
from voice.models import FollowUp, ItemStatus, Talk, VoiceEvent, VoiceItem

from .factories import TalkFactory, VoiceItemFactory

pytestmark = pytest.mark.django_db
THREE_YEARS = timedelta(days=3 * 365 + 2)


def test_the_rules_are_registered_from_the_app():
    assert {"voice-items", "voice-talks"} <= {r.key for r in retention_rules()}


def test_items_go_three_years_after_closing_with_their_attachments(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    sender = MemberFactory(unit=tree["a"])
    old = VoiceItemFactory(sender=sender, status=ItemStatus.CLOSED, closed_at=now - THREE_YEARS)
    old.attachment.save("photo.jpg", ContentFile(b"x"), save=True)
    path = old.attachment.path
    VoiceEvent.objects.create(item=old, kind="closed")
    answered = VoiceItemFactory(sender=sender, status=ItemStatus.ANSWERED, answered_at=now - THREE_YEARS)
    recent = VoiceItemFactory(sender=sender, status=ItemStatus.CLOSED, closed_at=now - timedelta(days=3 * 365 - 2))
    still_open = VoiceItemFactory(sender=sender, status=ItemStatus.NEW, created_at=now - timedelta(days=5 * 365))

    assert retention_run(dry_run=True).report["voice-items"]["count"] == 2
    assert retention_run(dry_run=False).report["voice-items"]["count"] == 2
    assert set(VoiceItem.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not VoiceEvent.objects.filter(item_id=old.pk).exists() and answered.pk
    assert not (tmp_path / path).exists()


def test_talks_go_after_three_years_or_when_the_member_leaves_the_unit(tree):
    today = timezone.localdate()
    stays = MemberFactory(unit=tree["a"])
    moved = MemberFactory(unit=tree["a"])
    old = TalkFactory(member=stays, held_on=today - THREE_YEARS)
    FollowUp.objects.create(talk=old, action="回访", due_on=today - THREE_YEARS + timedelta(days=30))
    young = TalkFactory(member=stays, held_on=today - timedelta(days=3 * 365 - 2))
    before_move = TalkFactory(member=moved, held_on=today - timedelta(days=40))
    MembershipChange.objects.create(
        member=moved,
        kind="transfer",
        on=today - timedelta(days=10),
        from_unit=tree["a"],
        to_unit=tree["b"],
        from_status="active",
        to_status="active",
    )
    after_move = TalkFactory(member=moved, held_on=today - timedelta(days=5))  # the new unit's talk

    assert retention_run(dry_run=True).report["voice-talks"]["count"] == 2
    retention_run(dry_run=False)
    assert set(Talk.objects.values_list("pk", flat=True)) == {young.pk, after_move.pk}
    assert not FollowUp.objects.filter(talk_id=old.pk).exists() and before_move.pk
