"""Legal help goes to the city union, never to the member's unit; answered, closed and rated like a suggestion."""

import pytest
from django.urls import reverse

from care import services
from care.models import LegalRequest, LegalStatus
from notifications.models import Notification


@pytest.fixture
def request_a(member_a):
    return services.legal_request_send(actor=member_a, subject="单位拖欠加班费", description="单位拖欠我三个月加班费。")


def test_a_member_asks_and_the_city_answers_and_the_member_rates(member_a, city_admin, client_for):
    c = client_for(member_a)
    response = c.post(reverse("care:legal"), {"subject": "劳动合同", "description": "合同到期不续签怎么办？"})
    item = LegalRequest.objects.get()
    assert response.status_code == 302 and item.status == LegalStatus.NEW
    assert Notification.objects.filter(recipient=city_admin, kind="care_legal").exists()
    admin = client_for(city_admin)
    assert "劳动合同" in admin.get(reverse("care:legal_inbox")).content.decode()
    admin.post(reverse("care:legal_action", args=[item.pk, "answer"]), {"answer": "可申请劳动仲裁。"})
    item.refresh_from_db()
    assert item.status == LegalStatus.ANSWERED and item.answer == "可申请劳动仲裁。"
    assert Notification.objects.filter(recipient=member_a, kind="care_legal").exists()
    c.post(reverse("care:legal_action", args=[item.pk, "rate"]), {"rating": "5"})
    item.refresh_from_db()
    assert item.rating == 5
    admin.post(reverse("care:legal_action", args=[item.pk, "close"]))
    item.refresh_from_db()
    assert item.status == LegalStatus.CLOSED


def test_the_members_own_unit_officer_never_sees_it(request_a, officer_a, zone_lead, client_for):
    """Attack: the problem is with the unit; its officer (and the zone lead) look for it."""
    for user in (officer_a, zone_lead):
        c = client_for(user)
        assert c.get(reverse("care:legal_detail", args=[request_a.pk])).status_code == 404
        assert c.get(reverse("care:legal_inbox")).status_code == 403
        assert "拖欠" not in c.get(reverse("care:legal")).content.decode()
        c.post(reverse("care:legal_action", args=[request_a.pk, "answer"]), {"answer": "撤回吧"})
    request_a.refresh_from_db()
    assert request_a.answer == ""


def test_the_member_may_not_answer_or_close_the_own_request(request_a, member_a, client_for):
    c = client_for(member_a)
    assert (
        c.post(reverse("care:legal_action", args=[request_a.pk, "answer"]), {"answer": "自问自答"}).status_code == 403
    )
    assert c.post(reverse("care:legal_action", args=[request_a.pk, "close"])).status_code == 403
    assert c.post(reverse("care:legal_action", args=[request_a.pk, "fly"])).status_code == 404


def test_a_rating_before_an_answer_or_out_of_range_is_refused(request_a, member_a, client_for):
    c = client_for(member_a)
    c.post(reverse("care:legal_action", args=[request_a.pk, "rate"]), {"rating": "4"})
    c.post(reverse("care:legal_action", args=[request_a.pk, "rate"]), {"rating": "9"})
    request_a.refresh_from_db()
    assert request_a.rating is None


def test_another_member_cannot_read_or_rate_it(request_a, tree, client_for):
    from tests.factories import MemberFactory, UserFactory

    other = UserFactory(username="other_a")
    MemberFactory(unit=tree["a"], user=other)
    c = client_for(other)
    assert c.get(reverse("care:legal_detail", args=[request_a.pk])).status_code == 404
    assert c.post(reverse("care:legal_action", args=[request_a.pk, "rate"]), {"rating": "1"}).status_code == 404
