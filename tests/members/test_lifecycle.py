"""Transfer, retirement, withdrawal, expulsion, death: nothing deleted, history kept, logins follow."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from members import services
from members.models import Member, MembershipChange
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_transfer_out_and_in_moves_the_member_and_the_history_keeps_it(client, officer_a, tree):
    user = UserFactory(username="13900001111")
    m = MemberFactory(unit=tree["a"], user=user)
    client.force_login(officer_a)
    response = client.post(
        f"/members/{m.pk}/transfer/", {"to_unit": tree["c"].pk, "on": "2026-03-01", "reason": "工作调动"}
    )
    assert response.status_code == 302 and response["Location"] == f"/members/{m.pk}/"  # 转出: still in A
    m.refresh_from_db()
    assert m.unit == tree["a"]
    officer_c = UserFactory(username="officer_c")
    MemberFactory(unit=tree["c"], user=officer_c)
    services.role_assign(user=officer_c, organization=tree["c"], role="unit_officer")
    client.force_login(officer_c)
    transfer = m.transfer_requests.get()
    assert client.post(f"/members/transfers/{transfer.pk}/accept/").status_code == 302  # 转入
    m.refresh_from_db()
    assert m.unit == tree["c"] and m.status == "active" and m.user == user
    assert list(MembershipChange.objects.filter(member=m).order_by("pk").values_list("kind", flat=True)) == [
        "transfer_start",
        "transfer",
    ]
    change = MembershipChange.objects.get(member=m, kind="transfer")
    assert (change.kind, change.on, change.from_unit, change.to_unit, change.reason, change.recorded_by) == (
        "transfer",
        date(2026, 3, 1),
        tree["a"],
        tree["c"],
        "工作调动",
        officer_c,
    )
    client.force_login(officer_a)
    assert client.get(f"/members/{m.pk}/").status_code == 404  # gone from the old unit's scope
    # The member's own login follows: the member still sees the own record, now in unit C.
    client.force_login(user)
    page = client.get(f"/members/{m.pk}/").content.decode()
    assert "市公安局" in page and "工作调动" in page and "会籍转接" in page


def test_transfer_refuses_the_same_unit_a_future_date_and_other_units_members(client, officer_a, officer_b, tree):
    m = MemberFactory(unit=tree["a"])
    with pytest.raises(ValidationError):
        services.member_transfer(actor=officer_a, member=m, to_unit=tree["a"], on=date(2026, 1, 1), reason="")
    future = date.today() + timedelta(days=30)
    client.force_login(officer_a)
    response = client.post(f"/members/{m.pk}/transfer/", {"to_unit": tree["b"].pk, "on": future.isoformat()})
    assert "日期不能晚于今天" in response.content.decode()
    client.force_login(officer_b)
    assert client.post(f"/members/{m.pk}/transfer/", {"to_unit": tree["b"].pk, "on": "2026-01-01"}).status_code == 404
    m.refresh_from_db()
    assert m.unit == tree["a"] and not MembershipChange.objects.exists()


def test_zone_lead_reads_but_cannot_transfer(client, zone_lead, tree):
    m = MemberFactory(unit=tree["a"])
    client.force_login(zone_lead)
    assert client.get(f"/members/{m.pk}/").status_code == 200
    assert client.get(f"/members/{m.pk}/transfer/").status_code == 403
    assert client.post(f"/members/{m.pk}/status/", {"kind": "withdraw", "on": "2026-01-01"}).status_code == 403


@pytest.mark.parametrize(
    ("kind", "status", "login_active"),
    [
        ("retain", "retained", True),
        ("withdraw", "withdrawn", False),
        ("expel", "expelled", False),
        ("decease", "deceased", False),
        ("transfer_out", "transferred_out", False),
    ],
)
def test_status_changes_keep_the_record_and_disable_the_login_when_membership_ends(
    client, officer_a, tree, kind, status, login_active
):
    user = UserFactory(username=f"u_{kind}")
    m = MemberFactory(unit=tree["a"], user=user)
    client.force_login(officer_a)
    response = client.post(f"/members/{m.pk}/status/", {"kind": kind, "on": "2026-02-01", "reason": "按规定"})
    assert response.status_code == 302
    m.refresh_from_db()
    user.refresh_from_db()
    assert m.status == status and user.is_active is login_active
    assert Member.objects.filter(pk=m.pk).exists()  # nothing deleted
    assert m.history.count() >= 2
    change = MembershipChange.objects.get(member=m)
    assert (change.kind, change.from_status, change.to_status) == (kind, "active", status)
    page = client.get(f"/members/{m.pk}/").content.decode()
    assert 'data-testid="change-row"' in page


def test_an_ended_membership_cannot_end_again_and_expulsion_needs_a_reason(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"], status="deceased")
    client.force_login(officer_a)
    response = client.post(f"/members/{m.pk}/status/", {"kind": "withdraw", "on": "2026-02-01"})
    assert "不能办理此变动" in response.content.decode()
    other = MemberFactory(unit=tree["a"])
    response = client.post(f"/members/{other.pk}/status/", {"kind": "expel", "on": "2026-02-01", "reason": ""})
    assert "开除会籍须填写原因" in response.content.decode()
    other.refresh_from_db()
    assert other.status == "active" and not MembershipChange.objects.exists()


def test_a_disabled_member_cannot_log_in(client, officer_a, tree):
    user = UserFactory(username="leaver")
    m = MemberFactory(unit=tree["a"], user=user)
    assert client.login(username="leaver", password="Test@pass-2026")  # the control: the login works before
    client.logout()
    services.member_change_status(actor=officer_a, member=m, kind="withdraw", on=date(2026, 1, 5), reason="")
    assert not client.login(username="leaver", password="Test@pass-2026")


def test_record_history_is_shown_to_officers(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"])
    services.member_update(actor=officer_a, member=m, data={"position": "科长"})
    client.force_login(officer_a)
    page = client.get(f"/members/{m.pk}/").content.decode()
    assert "信息修改记录" in page and "职务" in page.split("信息修改记录")[1]
