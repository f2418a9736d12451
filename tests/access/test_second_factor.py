"""Issue 16, "Two factors for those who hold sensitive data": tested with OTP_REQUIRED switched on."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import AccessRecord, LoginEvent
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Test@pass-2026"


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.OTP_REQUIRED = True


def _login(user) -> Client:
    c = Client()
    assert c.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return c


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _enrol(c: Client, user) -> list[str]:
    page = c.get("/accounts/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()  # the QR code, drawn by the portal
    assert not TOTPDevice.objects.filter(user=user).exists()  # the page wrote nothing: the key waits in the session
    device = TOTPDevice(user=user, key=c.session["_union_otp_pending_key"])
    response = c.post("/accounts/two-factor/", {"token": _code(device)})
    assert TOTPDevice.objects.get(user=user).confirmed
    assert response.status_code == 200
    return response.context["codes"]


def test_a_city_admin_must_enrol_then_verify_before_any_page(city_admin):
    c = _login(city_admin)
    first = c.get("/members/")
    assert first.status_code == 302 and first["Location"].startswith("/accounts/two-factor/verify/")
    assert c.get(first["Location"])["Location"].startswith("/accounts/two-factor/")  # no device yet: enrol
    assert c.get("/admin/").status_code == 302  # the Django admin too
    codes = _enrol(c, city_admin)
    assert len(codes) == 10
    assert c.get("/members/").status_code == 200
    assert LoginEvent.objects.filter(user=city_admin, kind="otp_enrol").exists()

    # The next login asks for the code; a wrong one is refused and logged; a right one lets in.
    again = _login(city_admin)
    assert again.get("/members/").status_code == 302
    wrong = again.post("/accounts/two-factor/verify/", {"token": "000000", "next": "/members/"})
    assert wrong.status_code == 200 and LoginEvent.objects.filter(user=city_admin, kind="otp_failed").exists()
    device = TOTPDevice.objects.get(user=city_admin)
    time.sleep(1.1)  # django-otp throttles after a failure (1 s); a used step is refused: take the next one
    ok = again.post("/accounts/two-factor/verify/", {"token": _code(device, 1), "next": "/members/"})
    assert ok.status_code == 302 and ok["Location"] == "/members/"
    assert again.get("/members/").status_code == 200
    assert again.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(city_admin):
    c = _login(city_admin)
    codes = _enrol(c, city_admin)
    for expected in (302, 200):
        other = _login(city_admin)
        response = other.post("/accounts/two-factor/verify/", {"token": codes[0], "next": "/"})
        assert response.status_code == expected


def test_an_officer_with_sensitive_permissions_needs_it_a_plain_member_does_not(officer_a, member_a, settings):
    assert _login(member_a).get("/voice/").status_code == 200
    assert _login(officer_a).get("/members/").status_code == 302  # officers hold the hardship-file permission
    settings.OTP_SENSITIVE_PERMISSIONS = []
    assert _login(officer_a).get("/members/").status_code == 200
    settings.OTP_FOR_OFFICERS = True
    assert _login(officer_a).get("/members/").status_code == 302


def test_off_by_default_with_debug(settings):
    """OTP_REQUIRED defaults to ``not DEBUG``: make run (DEBUG=1) stays one command."""
    import os
    import subprocess
    import sys

    code = "import django,os;django.setup();from django.conf import settings as s;print(s.OTP_REQUIRED)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nantong_union.settings"}
    env.pop("OTP_REQUIRED", None)
    for debug, expected in (("1", "False"), ("0", "True")):
        out = subprocess.run([sys.executable, "-c", code], env={**env, "DEBUG": debug}, capture_output=True, text=True)
        assert out.stdout.strip() == expected, out.stderr[-500:]


def test_a_city_admin_resets_someones_second_factor_and_it_is_recorded(city_admin, tree):
    user = UserFactory(username="lost_phone")
    member = MemberFactory(unit=tree["a"], user=user)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    admin = _login(city_admin)
    _enrol(admin, city_admin)
    assert admin.post(f"/members/{member.pk}/two-factor/reset/").status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AccessRecord.objects.filter(action="reset_otp", actor=city_admin, target_id=member.pk).exists()
    assert LoginEvent.objects.filter(kind="otp_reset", user=user, by=city_admin).exists()


def test_an_officer_cannot_reset_a_second_factor(officer_a, member_a, settings):
    settings.OTP_REQUIRED = False
    c = Client()
    c.force_login(officer_a)
    assert c.post(f"/members/{member_a.member.pk}/two-factor/reset/").status_code == 403
