"""Logins for members: one by one or in bulk, one-time password shown once, new password at first login."""

import pytest

from members.models import Member, User
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_officer_creates_a_login_with_the_mobile_number_and_a_one_time_password(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"], mobile="13812345678")
    client.force_login(officer_a)
    response = client.post(f"/members/{m.pk}/account/")
    page = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    m.refresh_from_db()
    user = m.user
    assert user.username == "13812345678" and user.must_change_password
    password = page.split('data-testid="issued-password">')[1].split("<")[0]
    assert len(password) == 10 and user.check_password(password)
    assert password not in user.password  # only the hash is stored
    # Shown once: the member page does not show it again, and a second creation is refused.
    assert password not in client.get(f"/members/{m.pk}/").content.decode()
    response = client.post(f"/members/{m.pk}/account/", follow=True)
    assert "已有账号" in response.content.decode()


def test_the_card_number_is_used_when_the_mobile_is_taken_or_missing(client, officer_a, tree):
    User.objects.create(username="13812345678")
    m = MemberFactory(unit=tree["a"], mobile="13812345678", card_number="NT0000777")
    client.force_login(officer_a)
    client.post(f"/members/{m.pk}/account/")
    m.refresh_from_db()
    assert m.user.username == "NT0000777"


def test_first_login_asks_for_a_new_password_before_anything_else(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"], mobile="13812345678")
    client.force_login(officer_a)
    page = client.post(f"/members/{m.pk}/account/").content.decode()
    password = page.split('data-testid="issued-password">')[1].split("<")[0]
    client.logout()
    assert client.login(username="13812345678", password=password)
    response = client.get(f"/members/{m.pk}/")
    assert response.status_code == 302 and response["Location"] == "/members/password/"
    response = client.post(
        "/members/password/",
        {"old_password": password, "new_password1": "Nt-union-2026!", "new_password2": "Nt-union-2026!"},
    )
    assert response.status_code == 302
    assert client.get(f"/members/{m.pk}/").status_code == 200
    assert not User.objects.get(username="13812345678").must_change_password


def test_bulk_creation_after_an_import_gives_a_printable_sheet(client, officer_a, tree):
    members = MemberFactory.create_batch(4, unit=tree["a"])
    MemberFactory(unit=tree["a"], status="withdrawn")  # no login for an ended membership
    MemberFactory(unit=tree["b"])  # nor for another unit
    client.force_login(officer_a)
    page = client.get(f"/members/units/{tree['a'].pk}/accounts/").content.decode()
    assert "4 名在籍会员尚未开通账号" in page
    response = client.post(f"/members/units/{tree['a'].pk}/accounts/")
    sheet = response.content.decode()
    assert sheet.count('data-testid="issued-account"') == 4
    assert Member.objects.filter(pk__in=[m.pk for m in members], user__isnull=False).count() == 4
    assert Member.objects.filter(unit=tree["b"], user__isnull=False).count() == 0
    assert "每人须设置新密码" in sheet
    assert "本单位所有在籍会员均已开通账号" in client.get(f"/members/units/{tree['a'].pk}/accounts/").content.decode()


def test_bulk_accounts_are_scoped(client, officer_b, zone_lead, tree):
    client.force_login(officer_b)
    assert client.get(f"/members/units/{tree['a'].pk}/accounts/").status_code == 404
    client.force_login(zone_lead)
    assert client.post(f"/members/units/{tree['a'].pk}/accounts/").status_code == 403
