"""The note of issue 16: the login log and the access record after one session of an officer reset, a failed
attack, a second-factor enrolment, and a transfer out and in — all through the proxy, as deployed.

``pytest tests/access/test_session_note.py -s`` prints them; they are also written to
test-artifacts/access-session.txt."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import AccessRecord, LoginEvent, MembershipChange

pytestmark = pytest.mark.django_db
PASSWORD = "Test@pass-2026"


def _via(address: str) -> Client:
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address)


def test_print_the_records_after_a_session(settings, tree, member_a, officer_a, officer_b, city_admin):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.OTP_REQUIRED = True
    settings.OTP_SENSITIVE_PERMISSIONS = []  # the officers here need no second factor; the city admin does

    # 1. An officer resets a member's password (the member forgot it).
    officer = _via("10.20.1.15")
    assert officer.post("/accounts/login/", {"username": "officer_a", "password": PASSWORD}).status_code == 302
    officer.post(f"/members/{member_a.member.pk}/account/", {"action": "reset"})
    # 2. A failed attack: someone guesses the city administrator's password from outside, and is locked out.
    attacker = _via("203.0.113.66")
    for guess in ("123456", "admin123", "Nantong2026", "password", "cityadmin"):
        attacker.post("/accounts/login/", {"username": "cityadmin", "password": guess})
    attacker.post("/accounts/login/", {"username": "cityadmin", "password": "Union@2026"})
    # 3. The city administrator logs in from the office and enrols the second factor.
    admin = _via("10.20.0.8")
    assert admin.post("/accounts/login/", {"username": "cityadmin", "password": PASSWORD}).status_code == 302
    admin.get("/accounts/two-factor/")
    key = admin.session["_union_otp_pending_key"]
    device = TOTPDevice(user=city_admin, key=key)
    admin.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}"})
    assert TOTPDevice.objects.filter(user=city_admin, confirmed=True).exists()
    # 4. A transfer out (unit A) and in (unit B).
    mover = member_a.member
    officer.post(
        f"/members/{mover.pk}/transfer/", {"to_unit": tree["b"].pk, "on": timezone.localdate(), "reason": "工作调动"}
    )
    receiver = _via("10.20.2.31")
    assert receiver.post("/accounts/login/", {"username": "officer_b", "password": PASSWORD}).status_code == 302
    transfer = mover.transfer_requests.get()
    assert receiver.post(f"/members/transfers/{transfer.pk}/accept/").status_code == 302
    officer.post("/accounts/logout/")
    receiver.post("/accounts/logout/")

    lines = ["LOGIN LOG (members_loginevent)", f"{'at':19}  {'user name':10}  {'event':26} {'by':10} address"]
    for e in LoginEvent.objects.order_by("pk"):
        lines.append(
            f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}  {e.username:10}  {e.get_kind_display():26} "
            f"{(e.by.username if e.by else '—'):10} {e.ip_address}"
        )
    lines += ["", "ACCESS RECORD (members_accessrecord)", f"{'at':19}  {'by':10}  {'action':22} {'what':40} address"]
    for r in AccessRecord.objects.order_by("pk"):
        what = f"{r.what} · {r.target_ref}" if r.target_ref else r.what
        lines.append(
            f"{timezone.localtime(r.at):%Y-%m-%d %H:%M:%S}  {(r.actor.username if r.actor else '—'):10}  "
            f"{r.get_action_display():22} {what:40} {r.ip_address}"
        )
    lines += ["", "MEMBERSHIP HISTORY (members_membershipchange)"]
    for c in MembershipChange.objects.order_by("pk"):
        lines.append(
            f"{timezone.localtime(c.created_at):%Y-%m-%d %H:%M:%S}  {c.member.name}  {c.get_kind_display():12} "
            f"{c.from_unit} → {c.to_unit}  {c.recorded_by.username if c.recorded_by else '—'}"
        )
    text = "\n".join(lines)
    out = Path(settings.BASE_DIR) / "test-artifacts"
    out.mkdir(exist_ok=True)
    (out / "access-session.txt").write_text(text + "\n", encoding="utf-8")
    print("\n" + text)
    kinds = set(LoginEvent.objects.values_list("kind", flat=True))
    assert {"login", "failed", "locked_out", "password_reset", "otp_enrol", "logout"} <= kinds
    assert set(AccessRecord.objects.values_list("action", flat=True)) >= {"reset_login"}
