"""The member's rights (PIPL arts. 45–47): a correction request from the own page to the unit officer, answered
within a deadline the daily reminders watch, kept in the history; nobody else answers it or reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from members import corrections
from members.models import CorrectionRequest
from notifications.models import Notification
from notifications.reminders import run_daily_reminders
from tests.factories import MemberFactory

#: the session, the user, the scope (roles), the page: count, rows (member and unit joined), the notices badge
QUERIES_CORRECTIONS = 4

pytestmark = pytest.mark.django_db


def _ask(client, member_a):
    client.force_login(member_a)
    return client.post(
        "/members/corrections/new/",
        {"fields_": ["mobile", "native_place"], "proposed": "手机 13900001111；籍贯 江苏如皋", "reason": "换了号码"},
        follow=True,
    )


def test_a_member_asks_from_the_own_page_and_the_unit_officer_is_told(client, member_a, officer_a, officer_b):
    page = client.get(f"/members/{member_a.member.pk}/") if client.force_login(member_a) is None else None
    assert "/members/corrections/" in page.content.decode()
    response = _ask(client, member_a)
    assert "已发送" in response.content.decode() or "单位工会" in response.content.decode()
    request = CorrectionRequest.objects.get()
    assert request.fields == ["mobile", "native_place"] and request.status == "open"
    assert request.due_on == timezone.localdate() + timedelta(days=15)
    told = Notification.objects.filter(kind="correction")
    assert set(told.values_list("recipient", flat=True)) == {officer_a.pk}  # not officer B
    client.force_login(officer_a)
    page = client.get("/members/corrections/").content.decode()
    assert "手机" in page and "江苏如皋" in page and member_a.member.name in page


def test_the_officer_refuses_only_with_a_reason_and_the_member_is_told(client, member_a, officer_a):
    _ask(client, member_a)
    request = CorrectionRequest.objects.get()
    client.force_login(officer_a)
    client.post(f"/members/corrections/{request.pk}/answer/", {"done": "0", "answer": ""})
    request.refresh_from_db()
    assert request.status == "open"  # refused without a reason: not saved
    client.post(f"/members/corrections/{request.pk}/answer/", {"done": "0", "answer": "与人事档案一致"})
    request.refresh_from_db()
    assert (request.status, request.answer, request.answered_by) == ("refused", "与人事档案一致", officer_a)
    assert Notification.objects.filter(recipient=member_a, kind="correction", title__contains="与人事档案一致").exists()
    assert [h.status for h in request.history.order_by("history_id")] == ["open", "refused"]  # kept in the history
    client.force_login(member_a)
    assert "与人事档案一致" in client.get("/members/corrections/").content.decode()


def test_an_officer_of_another_unit_can_neither_read_nor_answer_it(client, member_a, officer_b):
    _ask(client, member_a)
    request = CorrectionRequest.objects.get()
    client.force_login(officer_b)
    assert "江苏如皋" not in client.get("/members/corrections/").content.decode()
    assert client.post(f"/members/corrections/{request.pk}/answer/", {"done": "1"}).status_code == 404
    client.force_login(member_a)  # nor the member answers the own request
    assert client.post(f"/members/corrections/{request.pk}/answer/", {"done": "1"}).status_code == 403
    request.refresh_from_db()
    assert request.status == "open"


def test_the_reminders_watch_the_deadline_once_a_day(member_a, officer_a):
    request = corrections.correction_request_create(actor=member_a, fields=["mobile"], proposed="139", reason="")
    today = timezone.localdate()
    assert run_daily_reminders(today, only=["corrections-due"], enqueue_email=False)["corrections-due"] == 0
    near = request.due_on - timedelta(days=2)
    assert run_daily_reminders(near, only=["corrections-due"], enqueue_email=False)["corrections-due"] == 1
    assert run_daily_reminders(near, only=["corrections-due"], enqueue_email=False)["corrections-due"] == 0
    late = request.due_on + timedelta(days=1)
    assert run_daily_reminders(late, only=["corrections-due"], enqueue_email=False)["corrections-due"] == 1
    assert Notification.objects.filter(recipient=officer_a, kind="correction_due", title__contains="逾期").exists()
    corrections.correction_request_answer(actor=officer_a, pk=request.pk, done=True, answer="")
    later = late + timedelta(days=1)
    assert run_daily_reminders(later, only=["corrections-due"], enqueue_email=False)["corrections-due"] == 0


def test_what_it_should_say_is_stored_encrypted(member_a):
    from django.db import connection

    request = corrections.correction_request_create(
        actor=member_a, fields=["id_number"], proposed="11010519491231002X", reason=""
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT proposed FROM members_correctionrequest WHERE id = %s", [request.pk])
        assert "11010519491231002X" not in cursor.fetchone()[0]


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_query_count_does_not_grow_with_the_requests(client, tree, officer_a, django_assert_num_queries, n):
    for _ in range(n):
        member = MemberFactory(unit=tree["a"])
        CorrectionRequest.objects.create(member=member, fields=["mobile"], proposed="139", due_on=timezone.localdate())
    client.force_login(officer_a)
    client.get("/members/corrections/")  # warm the session and the permission caches
    with django_assert_num_queries(QUERIES_CORRECTIONS):
        assert client.get("/members/corrections/").status_code == 200
