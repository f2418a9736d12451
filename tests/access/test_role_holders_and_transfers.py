"""Issue 16: role holders are protected from unit officers; transfers take two steps (组织关系接转)."""

from __future__ import annotations

import pytest
from django.test import Client

from members import services
from members.models import MembershipChange, Role, TransferRequest
from notifications.models import Notification
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone_lead_in_a(tree):
    """A zone lead whose own membership record lies in unit A (officer A manages that unit)."""
    user = UserFactory(username="zonelead_a")
    member = MemberFactory(unit=tree["a"], user=user, name="周片长")
    services.role_assign(user=user, organization=tree["zone1"], role=Role.ZONE_LEAD)
    return member


def _as(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("kind", ["withdraw", "expel", "decease", "transfer_out"])
def test_a_unit_officer_cannot_end_a_role_holders_membership(zone_lead_in_a, officer_a, kind):
    response = _as(officer_a).post(
        f"/members/{zone_lead_in_a.pk}/status/", {"kind": kind, "on": "2026-01-05", "reason": "测试"}
    )
    assert response.status_code == 403
    assert "只有市级管理员" in response.content.decode()  # the clear message, in Chinese
    zone_lead_in_a.refresh_from_db()
    assert zone_lead_in_a.status == "active" and zone_lead_in_a.user.is_active


def test_a_unit_officer_cannot_reset_transfer_or_take_over_a_co_officer(tree, officer_a):
    co_officer = UserFactory(username="co_officer")
    member = MemberFactory(unit=tree["a"], user=co_officer)
    services.role_assign(user=co_officer, organization=tree["a"], role=Role.UNIT_OFFICER)
    c = _as(officer_a)
    assert c.post(f"/members/{member.pk}/account/", {"action": "reset"}).status_code == 403
    assert c.post(f"/members/{member.pk}/transfer/", {"to_unit": tree["b"].pk, "on": "2026-01-05"}).status_code == 403
    co_officer.refresh_from_db()
    assert co_officer.check_password("Test@pass-2026") and not TransferRequest.objects.exists()


def test_the_city_administrator_may_change_a_role_holder(zone_lead_in_a, city_admin):
    response = _as(city_admin).post(
        f"/members/{zone_lead_in_a.pk}/status/", {"kind": "withdraw", "on": "2026-01-05", "reason": "调离"}
    )
    assert response.status_code == 302
    zone_lead_in_a.refresh_from_db()
    assert zone_lead_in_a.status == "withdrawn"


def test_the_member_page_tells_the_officer_that_the_member_holds_a_role(zone_lead_in_a, officer_a):
    html = _as(officer_a).get(f"/members/{zone_lead_in_a.pk}/").content.decode()
    assert 'data-testid="role-holder"' in html


# --- Transfers in two steps --------------------------------------------------------------------------------
def test_a_planted_login_cannot_be_moved_into_another_unit_by_its_officer(tree, officer_a, officer_b):
    """The hole: create a fake member, give it a login, transfer it into a unit the officer may not read."""
    c = _as(officer_a)
    fake = MemberFactory(unit=tree["a"], name="假会员")
    assert c.post(f"/members/{fake.pk}/account/").status_code == 200
    fake.refresh_from_db()
    response = c.post(f"/members/{fake.pk}/transfer/", {"to_unit": tree["b"].pk, "on": "2026-01-05"})
    assert response.status_code == 302
    fake.refresh_from_db()
    assert fake.unit == tree["a"]  # 转出 only: still in the sending unit, the login with it
    transfer = TransferRequest.objects.get(member=fake)
    # The sending officer cannot accept the own transfer.
    assert c.post(f"/members/transfers/{transfer.pk}/accept/").status_code == 403
    fake.refresh_from_db()
    assert fake.unit == tree["a"] and transfer.__class__.objects.get(pk=transfer.pk).state == "pending"
    # The receiving officer sees it waiting and decides.
    b = _as(officer_b)
    listing = b.get("/members/transfers/?direction=in").content.decode()
    assert "假会员" in listing
    assert b.get(f"/members/{fake.pk}/").status_code == 404  # nothing of the member before accepting
    assert b.post(f"/members/transfers/{transfer.pk}/return/", {"reason": ""}).status_code == 302  # reason needed
    assert TransferRequest.objects.get(pk=transfer.pk).state == "pending"
    assert b.post(f"/members/transfers/{transfer.pk}/return/", {"reason": "查无此人"}).status_code == 302
    transfer.refresh_from_db()
    fake.refresh_from_db()
    assert transfer.state == "returned" and transfer.return_reason == "查无此人" and fake.unit == tree["a"]
    kinds = list(MembershipChange.objects.filter(member=fake).order_by("pk").values_list("kind", flat=True))
    assert kinds == ["transfer_start", "transfer_return"]
    notices = Notification.objects.filter(recipient=fake.user).values_list("title", flat=True)
    assert len(notices) == 2  # each step told to the member


def test_accepting_moves_the_member_and_both_sides_and_the_city_see_it(tree, officer_a, officer_b, city_admin):
    m = MemberFactory(unit=tree["a"], name="调动人")
    services.transfer_start(actor=officer_a, member=m, to_unit=tree["b"], on=m.join_date, reason="工作调动")
    assert "调动人" in _as(officer_a).get("/members/transfers/?direction=out").content.decode()
    assert "调动人" in _as(city_admin).get("/members/transfers/").content.decode()
    assert "调动人" not in _as(officer_b).get("/members/transfers/?direction=out").content.decode()
    transfer = TransferRequest.objects.get(member=m)
    assert _as(officer_b).post(f"/members/transfers/{transfer.pk}/accept/").status_code == 302
    m.refresh_from_db()
    assert m.unit == tree["b"]
    assert _as(officer_b).get(f"/members/{m.pk}/").status_code == 200
    assert _as(officer_a).get(f"/members/{m.pk}/").status_code == 404


def test_another_units_officer_gets_404_for_a_transfer_that_is_not_theirs(tree, officer_a, officer_b):
    m = MemberFactory(unit=tree["a"])
    officer_c = UserFactory(username="officer_c")
    services.role_assign(user=officer_c, organization=tree["c"], role=Role.UNIT_OFFICER)
    transfer = services.transfer_start(actor=officer_a, member=m, to_unit=tree["b"], on=m.join_date, reason="")
    for action in ("accept", "return", "cancel"):
        assert _as(officer_c).post(f"/members/transfers/{transfer.pk}/{action}/", {"reason": "x"}).status_code == 404
    assert _as(officer_b).post(f"/members/transfers/{transfer.pk}/cancel/").status_code == 403  # the sender's
    assert _as(officer_a).post(f"/members/transfers/{transfer.pk}/cancel/").status_code == 302
    assert TransferRequest.objects.get(pk=transfer.pk).state == "cancelled"


def test_one_pending_transfer_per_member(tree, officer_a):
    from django.core.exceptions import ValidationError

    m = MemberFactory(unit=tree["a"])
    services.transfer_start(actor=officer_a, member=m, to_unit=tree["b"], on=m.join_date, reason="")
    with pytest.raises(ValidationError):
        services.transfer_start(actor=officer_a, member=m, to_unit=tree["c"], on=m.join_date, reason="")
