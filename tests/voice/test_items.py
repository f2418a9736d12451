"""Sending, handling, rating and reopening; who may see what; attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Notification
from tests.factories import MemberFactory, UserFactory, png
from tests.voice.conftest import xlsx_rows
from tests.voice.factories import VoiceItemFactory
from voice.models import ItemStatus, VoiceItem

PNG = png()  # a real (tiny) image: a PNG header followed by zeros is refused as unreadable


@pytest.fixture
def sender(tree):
    return MemberFactory(unit=tree["a"], user=UserFactory(username="sender_a"))


def _send(client, tree, **extra):
    data = {
        "addressee": tree["a"].pk,
        "kind": "request",
        "category": "health",
        "subject": "希望组织心理讲座",
        "text": "最近压力大。",
        **extra,
    }
    return client.post(reverse("voice:new"), data)


def test_member_sends_officer_answers_member_rates_and_reopens_once(sender, officer_a, tree, client_for):
    member = client_for(sender.user)
    response = _send(member, tree)
    item = VoiceItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("voice:detail", args=[item.pk])
    assert item.sender == sender and item.status == ItemStatus.NEW
    assert Notification.objects.filter(recipient=officer_a, kind="voice_new").count() == 1
    assert "希望组织心理讲座" in member.get(reverse("voice:index")).content.decode()

    officer = client_for(officer_a)
    officer.post(reverse("voice:action", args=[item.pk, "take"]))
    officer.post(reverse("voice:action", args=[item.pk, "answer"]), {"answer": "下月组织讲座。"})
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED and item.first_answered_at
    assert Notification.objects.filter(recipient=sender.user, kind="voice_answered").exists()

    page = member.get(reverse("voice:detail", args=[item.pk])).content.decode()
    assert "下月组织讲座。" in page and "您对答复满意吗" in page
    member.post(reverse("voice:action", args=[item.pk, "rate"]), {"satisfied": "0"})
    item.refresh_from_db()
    assert item.satisfied is False

    member.post(reverse("voice:action", args=[item.pk, "reopen"]), {"reason": "希望尽快安排。"})
    item.refresh_from_db()
    assert item.status == ItemStatus.NEW and item.reopened_at and item.satisfied is None
    officer.post(reverse("voice:action", args=[item.pk, "answer"]), {"answer": "已定于15日。"})
    response = member.post(reverse("voice:action", args=[item.pk, "reopen"]), {"reason": "again"}, follow=True)
    assert "只能重新提出一次" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.ANSWERED


def test_a_member_cannot_write_to_another_unit(sender, tree, client_for):
    response = _send(client_for(sender.user), tree, addressee=tree["b"].pk)
    assert response.status_code == 200
    assert "addressee" in response.context["form"].errors
    assert not VoiceItem.objects.exists()


def test_writing_to_the_city_reaches_the_city_administrator(sender, city_admin, officer_a, tree, client_for):
    _send(client_for(sender.user), tree, addressee=tree["city"].pk)
    assert Notification.objects.filter(recipient=city_admin).count() == 1
    assert not Notification.objects.filter(recipient=officer_a).exists()
    item = VoiceItem.objects.get()
    assert client_for(officer_a).get(reverse("voice:detail", args=[item.pk])).status_code == 404


def test_forward_hands_the_item_to_another_unit(sender, officer_a, officer_b, tree, client_for):
    item = VoiceItemFactory(sender=sender)
    officer = client_for(officer_a)
    response = officer.post(
        reverse("voice:action", args=[item.pk, "forward"]), {"to": tree["b"].pk, "note": "属商务局职责"}
    )
    assert response.url == reverse("voice:inbox")
    item.refresh_from_db()
    assert item.addressee == tree["b"]
    assert Notification.objects.filter(recipient=officer_b).exists()
    assert officer.get(reverse("voice:detail", args=[item.pk])).status_code == 404
    assert client_for(officer_b).get(reverse("voice:detail", args=[item.pk])).status_code == 200


def test_forward_without_a_note_is_refused_with_a_message(sender, officer_a, tree, client_for):
    item = VoiceItemFactory(sender=sender)
    response = client_for(officer_a).post(
        reverse("voice:action", args=[item.pk, "forward"]), {"to": tree["b"].pk, "note": ""}, follow=True
    )
    assert "说明" in response.content.decode()
    item.refresh_from_db()
    assert item.addressee == tree["a"]


@pytest.mark.parametrize("name", ["inbox", "inbox_export", "stats"])
def test_plain_members_get_403_on_officer_pages(member_a, client_for, name):
    assert client_for(member_a).get(reverse(f"voice:{name}")).status_code == 403


def test_other_units_and_other_members_get_404(sender, officer_a, officer_b, member_a, client_for, tree):
    item = VoiceItemFactory(sender=sender, attachment="voice/x", attachment_type="image/png")
    for user in (officer_b, member_a):
        c = client_for(user)
        for url in (reverse("voice:detail", args=[item.pk]), reverse("voice:attachment", args=[item.pk])):
            assert c.get(url).status_code == 404, (user, url)
        assert c.post(reverse("voice:action", args=[item.pk, "answer"]), {"answer": "x"}).status_code == 404
    assert "建议" not in client_for(officer_b).get(reverse("voice:inbox")).content.decode().split("<tbody>")[1]
    assert len(xlsx_rows(client_for(officer_b).get(reverse("voice:inbox_export")))) == 1  # the header alone
    # ...while the officer of the addressed unit finds it in both (the positive control).
    officer_a_html = client_for(officer_a).get(reverse("voice:inbox")).content.decode().split("<tbody>")[1]
    assert item.subject in officer_a_html
    assert [row[0] for row in xlsx_rows(client_for(officer_a).get(reverse("voice:inbox_export")))[1:]] == [item.pk]


def test_zone_lead_reads_but_cannot_answer(sender, zone_lead, client_for):
    item = VoiceItemFactory(sender=sender)
    c = client_for(zone_lead)
    assert c.get(reverse("voice:detail", args=[item.pk])).status_code == 200
    assert c.post(reverse("voice:action", args=[item.pk, "answer"]), {"answer": "x"}).status_code == 403


def test_a_sender_cannot_answer_and_an_officer_cannot_rate(sender, officer_a, client_for):
    item = VoiceItemFactory(sender=sender, status=ItemStatus.ANSWERED, answer="好")
    assert client_for(sender.user).post(reverse("voice:action", args=[item.pk, "close"])).status_code == 403
    assert (
        client_for(officer_a).post(reverse("voice:action", args=[item.pk, "rate"]), {"satisfied": "1"}).status_code
        == 403
    )
    assert client_for(officer_a).post(reverse("voice:action", args=[item.pk, "bogus"])).status_code == 404


def test_attachment_is_checked_by_content_and_served_only_through_the_view(sender, officer_a, tree, client_for):
    member = client_for(sender.user)
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 this is an exe", content_type="image/png")
    response = _send(member, tree, attachment=fake)
    assert response.status_code == 200
    assert "只接受以下类型的文件" in response.content.decode()
    assert not VoiceItem.objects.exists()

    _send(member, tree, attachment=SimpleUploadedFile("体检.png", PNG, content_type="application/octet-stream"))
    item = VoiceItem.objects.get()
    assert item.attachment_type == "image/png" and "体检" not in item.attachment.name
    got = client_for(officer_a).get(reverse("voice:attachment", args=[item.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert b"".join(got.streaming_content) == PNG


def test_attachment_over_the_size_limit_is_refused(sender, tree, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 100
    response = _send(client_for(sender.user), tree, attachment=SimpleUploadedFile("a.png", PNG + b"\0" * 200))
    assert response.status_code == 200
    assert "文件超过" in response.content.decode()
    assert not VoiceItem.objects.exists()


def test_bad_input_gives_messages_not_500(sender, officer_a, client_for, tree):
    item = VoiceItemFactory(sender=sender)
    c = client_for(officer_a)
    response = c.post(reverse("voice:action", args=[item.pk, "answer"]), {"answer": ""}, follow=True)
    assert response.status_code == 200 and "答复" in response.content.decode()
    assert c.get(reverse("voice:inbox") + "?status=zzz&overdue=abc&addressee=999999&sort=x&page=-1").status_code == 200
    assert c.get(reverse("voice:stats") + "?start=2026-13-01&end=x").status_code == 200
    empty = _send(client_for(sender.user), tree, subject="", text="")
    assert empty.status_code == 200 and not VoiceItem.objects.filter(subject="").exists()


def test_an_administrator_without_a_member_record_lands_on_the_inbox(tree, client_for):
    from members.models import Role
    from members.services import role_assign

    admin = UserFactory(username="plainadmin")
    role_assign(user=admin, organization=tree["city"], role=Role.CITY_ADMIN)
    c = client_for(admin)
    assert c.get(reverse("voice:index")).url == reverse("voice:inbox")
    assert c.get(reverse("voice:new")).status_code == 403


def test_a_service_error_without_a_field_goes_on_top_of_the_form():
    """It used to call itself for ever (a RecursionError, a 500) when a service raised a plain ValidationError."""
    from django.core.exceptions import ValidationError

    from members.web import form_errors_from
    from voice.forms import TalkForm

    form = TalkForm({})
    form.is_valid()
    form_errors_from(form, ValidationError("这次谈心已记录过。"))
    assert "这次谈心已记录过。" in form.non_field_errors()


def test_inbox_headers_sort_both_ways(sender, officer_a, client_for):
    VoiceItemFactory(sender=sender, subject="甲")
    VoiceItemFactory(sender=sender, subject="乙")
    c = client_for(officer_a)
    up = c.get(reverse("voice:inbox"), {"sort": "subject"})
    down = c.get(reverse("voice:inbox"), {"sort": "-subject"})
    assert [i.subject for i in up.context["page"]] == sorted(["甲", "乙"])
    assert [i.subject for i in down.context["page"]] == sorted(["甲", "乙"], reverse=True)
    assert "?sort=-subject" in up.content.decode() and "?sort=subject" in down.content.decode()
