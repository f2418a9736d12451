"""Issue 16, "Officers cannot take over a member's account": the whole attack, from inside an officer's rights.

The officer resets a member's password, logs in as the member with the one-time password, and looks
everywhere the member can look. The reset is recorded (access record, login log), the member is told (inbox
and e-mail, naming the officer), the member's sessions end, and nothing the officer can reach names the
member as the sender of an anonymous suggestion.
"""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.test import Client
from openpyxl import load_workbook

from members.models import AccessRecord, LoginEvent
from notifications.models import Notification
from notifications.services import notification_email
from voice import services as voice_services
from voice.models import Category, ItemKind, VoiceItem

pytestmark = pytest.mark.django_db

SUBJECT = "科长长期克扣加班费"
TEXT = "本科室连续三个月周末加班未发放加班费，也不安排调休。"


def _reset_as_officer(officer_client: Client, member) -> str:
    response = officer_client.post(f"/members/{member.pk}/account/", {"action": "reset"})
    assert response.status_code == 200, response.status_code
    return response.context["issued"][0].password


def _log_in(username: str, password: str) -> Client:
    c = Client(REMOTE_ADDR="10.1.2.3")
    response = c.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302, "the login did not succeed"
    return c


def _xlsx_text(content: bytes) -> str:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    return " ".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def test_an_officer_who_takes_over_a_login_cannot_learn_who_sent_an_anonymous_item(member_a, officer_a, tree):
    member = member_a.member
    item = voice_services.item_send(
        actor=member_a,
        addressee=tree["a"],
        kind=ItemKind.COMPLAINT,
        category=Category.RIGHTS,
        subject=SUBJECT,
        text=TEXT,
        anonymous=True,
    )
    # The officer, inside the own rights: reset the member's password, log in as the member.
    officer = Client()
    officer.force_login(officer_a)
    password = _reset_as_officer(officer, member)
    as_member = _log_in(member_a.username, password)
    first = as_member.post(
        "/members/password/",
        {"old_password": password, "new_password1": "Takeover#2026x", "new_password2": "Takeover#2026x"},
    )
    assert first.status_code == 302
    # Look everywhere the member can look.
    pages = {}
    for url in ("/", "/voice/", "/voice/?status=new", "/notifications/", f"/members/{member.pk}/", "/voice/receipt/"):
        response = as_member.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    pages["my data"] = _xlsx_text(as_member.get("/members/my-data/").content)
    for where, text in pages.items():
        assert SUBJECT not in text and TEXT not in text, f"the anonymous item shows on {where}"
    assert as_member.get(f"/voice/{item.pk}/").status_code == 404
    assert as_member.get(f"/voice/{item.pk}/attachment/").status_code == 404
    for action in ("rate", "reopen"):
        assert as_member.post(f"/voice/{item.pk}/{action}/", {"satisfied": "yes", "reason": "x"}).status_code == 404
    guessed = as_member.post("/voice/receipt/", {"code": "AAAA-BBBB-CCCC-DDDD"})
    assert SUBJECT not in guessed.content.decode()
    # And from the officer's own side: the item is there, its sender is not.
    html = officer.get(f"/voice/{item.pk}/").content.decode()
    assert SUBJECT in html and member.name not in html and member_a.username not in html
    with pytest.raises(Exception):  # noqa: B017 - the database keeps no link at all
        VoiceItem.objects.get(sender=member)


def test_the_sender_follows_the_anonymous_item_with_the_receipt_code_only(member_a, officer_a, tree):
    c = Client()
    c.force_login(member_a)
    response = c.post(
        "/voice/new/",
        {
            "addressee": tree["a"].pk,
            "kind": ItemKind.SUGGESTION,
            "category": Category.WELFARE,
            "subject": SUBJECT,
            "text": TEXT,
            "anonymous": "on",
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = response.context["code"]
    item = VoiceItem.objects.get(subject=SUBJECT)
    assert item.sender_id is None and code.replace("-", "") not in item.receipt_hash
    voice_services.item_answer(actor=officer_a, item=item, answer="已安排。")
    # A new session (the sender logged in again): the item is not theirs until the code is entered.
    again = Client()
    again.force_login(member_a)
    assert again.get(f"/voice/{item.pk}/").status_code == 404
    assert again.post("/voice/receipt/", {"code": code.lower()}).status_code == 302
    detail = again.get(f"/voice/{item.pk}/").content.decode()
    assert "已安排" in detail
    assert again.post(f"/voice/{item.pk}/rate/", {"satisfied": "0"}).status_code == 302
    item.refresh_from_db()
    assert item.satisfied is False
    assert not Notification.objects.filter(recipient=member_a, kind="voice_answered").exists()


def test_a_reset_is_recorded_told_to_the_member_and_ends_the_members_sessions(member_a, officer_a):
    member = member_a.member
    member_a.email = "member_a@example.cn"
    member_a.save(update_fields=["email"])
    victim_session = Client()
    victim_session.force_login(member_a)
    assert victim_session.get("/").status_code == 200
    officer = Client(REMOTE_ADDR="10.9.8.7")
    officer.force_login(officer_a)
    _reset_as_officer(officer, member)

    record = AccessRecord.objects.get(action="reset_login")
    assert (record.actor, record.target_id, record.ip_address) == (officer_a, member.pk, "10.9.8.7")
    assert member.name in record.target_ref and member_a.username in record.target_ref
    event = LoginEvent.objects.get(kind="password_reset")
    assert (event.user, event.by, event.ip_address) == (member_a, officer_a, "10.9.8.7")
    notice = Notification.objects.get(recipient=member_a, kind__startswith="account:")
    assert officer_a.username in notice.body and officer_a.member.name in notice.body
    # e-mailed although the member never asked for e-mail notices: a security notice
    assert notification_email(notification_id=notice.pk) is True
    assert mail.outbox[-1].to == ["member_a@example.cn"] and officer_a.username in mail.outbox[-1].body
    # every session of the login ended
    assert victim_session.get("/")["Location"].startswith("/accounts/login/")
