"""An anonymous item's sender appears nowhere: the portal keeps no link between the item and a login (issue 16;
the takeover attack itself is walked in tests/members/test_takeover.py)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.models import Role
from members.services import role_assign
from notifications.models import Notification
from tests.factories import UserFactory, pdf
from tests.voice.conftest import identity_strings, xlsx_rows, xlsx_text
from voice import services
from voice.models import Category, ItemKind

PDF = pdf()


@pytest.fixture
def anonymous_item(secret_sender, officer_a, tree):
    return services.item_send(
        actor=secret_sender.user,
        addressee=tree["a"],
        kind=ItemKind.COMPLAINT,
        category=Category.RIGHTS,
        subject="加班费问题",
        text="科室长期加班没有调休。",
        anonymous=True,
        attachment=SimpleUploadedFile("王晓明的加班记录.pdf", PDF, content_type="application/pdf"),
    )


def _assert_no_identity(html: str, member) -> None:
    for s in identity_strings(member):
        assert s not in html, f"{s!r} leaked"
    assert "王晓明的加班记录" not in html  # the file name could name the sender


def test_officer_pages_exports_and_notifications_never_name_the_sender(
    anonymous_item, secret_sender, officer_a, client_for
):
    c = client_for(officer_a)
    pages = [
        reverse("voice:inbox"),
        reverse("voice:inbox") + "?q=加班",
        reverse("voice:detail", args=[anonymous_item.pk]),
        reverse("voice:stats"),
        reverse("notifications:list"),
        reverse("home"),
    ]
    for url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        _assert_no_identity(response.content.decode(), secret_sender)
    detail = c.get(reverse("voice:detail", args=[anonymous_item.pk])).content.decode()
    assert "加班费问题" in detail and "匿名" in detail  # the officer sees the item, marked anonymous
    export = xlsx_text(c.get(reverse("voice:inbox_export")))
    assert "加班费问题" in export
    _assert_no_identity(export, secret_sender)
    attachment = c.get(reverse("voice:attachment", args=[anonymous_item.pk]))
    assert attachment.status_code == 200
    assert "王晓明" not in attachment["Content-Disposition"]
    note = Notification.objects.get(recipient=officer_a)
    _assert_no_identity(f"{note.title} {note.body} {note.url}", secret_sender)


def test_after_answer_and_reopen_the_officer_still_does_not_learn_the_sender(
    anonymous_item, secret_sender, officer_a, client_for
):
    services.item_answer(actor=officer_a, item=anonymous_item, answer="已与科室沟通，安排调休。")
    proven = frozenset({anonymous_item.pk})  # the sender entered the receipt code in this session
    services.item_rate(actor=secret_sender.user, item=anonymous_item, satisfied=False, proven=proven)
    services.item_reopen(actor=secret_sender.user, item=anonymous_item, reason="调休仍未落实。", proven=proven)
    html = client_for(officer_a).get(reverse("voice:detail", args=[anonymous_item.pk])).content.decode()
    assert "调休仍未落实" in html
    _assert_no_identity(html, secret_sender)
    for note in Notification.objects.filter(recipient=officer_a):
        _assert_no_identity(f"{note.title} {note.body}", secret_sender)


def test_zone_lead_reads_the_item_but_not_the_sender(anonymous_item, secret_sender, zone_lead, client_for):
    response = client_for(zone_lead).get(reverse("voice:detail", args=[anonymous_item.pk]))
    assert response.status_code == 200
    _assert_no_identity(response.content.decode(), secret_sender)
    assert "发送答复" not in response.content.decode()  # reads, does not handle


def test_not_even_the_city_admin_or_the_database_knows_who_sent_it(
    anonymous_item, secret_sender, city_admin, client_for
):
    html = client_for(city_admin).get(reverse("voice:detail", args=[anonymous_item.pk])).content.decode()
    _assert_no_identity(html, secret_sender)
    anonymous_item.refresh_from_db()
    assert anonymous_item.sender_id is None and anonymous_item.receipt_hash
    assert anonymous_item.receipt_code not in anonymous_item.receipt_hash


def test_a_signed_item_shows_its_sender_to_the_officer(secret_sender, officer_a, tree, client_for):
    item = services.item_send(
        actor=secret_sender.user, addressee=tree["a"], kind="suggestion", category="welfare", subject="s", text="t"
    )
    assert "王晓明" in client_for(officer_a).get(reverse("voice:detail", args=[item.pk])).content.decode()


def test_admin_hides_the_sender_from_staff_who_are_not_superusers(anonymous_item, secret_sender, tree):
    from django.contrib.auth.models import Permission

    staff = UserFactory(username="staffer", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_voiceitem"))
    role_assign(user=staff, organization=tree["city"], role=Role.CITY_ADMIN)
    from django.test import Client

    c = Client()
    c.force_login(staff)
    url = reverse("admin:voice_voiceitem_change", args=[anonymous_item.pk])
    response = c.get(url)
    assert response.status_code == 200
    _assert_no_identity(response.content.decode(), secret_sender)
    listing = c.get(reverse("admin:voice_voiceitem_changelist"))
    assert listing.status_code == 200
    _assert_no_identity(listing.content.decode(), secret_sender)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    c.force_login(root)
    _assert_no_identity(c.get(url).content.decode(), secret_sender)  # nobody: no sender is kept


def test_searching_the_inbox_by_the_senders_name_finds_nothing(anonymous_item, officer_a, client_for):
    """The search cannot be used as an oracle to learn who sent an anonymous item."""
    c = client_for(officer_a)
    for q in ("王晓明", "xiaoming_w", "SECRET0042", "13812345678"):
        assert len(c.get(reverse("voice:inbox"), {"q": q}).context["page"]) == 0
        assert len(xlsx_rows(c.get(reverse("voice:inbox_export"), {"q": q}))) == 1  # the header alone
    assert len(c.get(reverse("voice:inbox"), {"q": "加班"}).context["page"]) == 1
    assert len(xlsx_rows(c.get(reverse("voice:inbox_export"), {"q": "加班"}))) == 2
