"""In real Chromium, on a phone: a city administrator enrols the second factor (QR code drawn by the portal,
first code, recovery codes), and an auditor reads the login log on a desktop."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from members import services
from members.models import Role
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_city_admin_enrols_the_second_factor_on_a_phone(phone, live_server, city_admin, settings):
    settings.OTP_REQUIRED = True
    ARTIFACTS.mkdir(exist_ok=True)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.fill("input[name=username]", "cityadmin")
    phone.fill("input[name=password]", "Test@pass-2026")
    phone.click("main button[type=submit]")
    phone.wait_for_url("**/accounts/two-factor/**")  # every page asks for the second factor first
    phone.goto(f"{live_server.url}/members/")
    assert "/accounts/two-factor/" in phone.url
    phone.get_by_test_id("qr").locator("svg").wait_for()
    phone.screenshot(path=str(ARTIFACTS / "access-2fa-enrol-phone.png"), full_page=True)
    secret = phone.get_by_test_id("secret").input_value().replace(" ", "")
    import base64

    key = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    phone.fill("input[name=token]", f"{totp(bytes.fromhex(key)):06d}")
    phone.get_by_role("button", name="确认").click()
    phone.get_by_test_id("recovery-codes").wait_for()
    phone.screenshot(path=str(ARTIFACTS / "access-2fa-recovery-phone.png"), full_page=True)
    assert TOTPDevice.objects.get(user=city_admin).confirmed
    phone.get_by_role("link", name="继续").click()
    phone.goto(f"{live_server.url}/members/")
    assert phone.url.endswith("/members/")


def test_the_auditor_reads_the_login_log(page, live_server, tree, member_a):
    auditor = UserFactory(username="auditor")
    services.role_assign(user=auditor, organization=tree["city"], role=Role.AUDITOR)
    login(page, live_server, "auditor")
    page.goto(f"{live_server.url}/members/login-log/")
    page.get_by_test_id("login-row").first.wait_for()
    assert "auditor" in page.content()
    page.screenshot(path=str(ARTIFACTS / "access-login-log.png"), full_page=True)
    assert page.goto(f"{live_server.url}/members/").status == 403
    assert page.get_by_test_id("error-page").get_attribute("data-status") == "403"
