"""Web security of every page: CSP, no caching of personal pages, login throttling, CSRF."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_send_a_strict_script_policy_and_no_store(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()  # every script is a file of the portal


def test_login_is_throttled_after_five_failures(client, officer_a, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        response = client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    fifth = client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"})
    assert fifth.status_code == 429
    locked = client.post("/accounts/login/", {"username": "officer_a", "password": "Test@pass-2026"})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    assert "15" in locked.content.decode()


def test_a_right_password_before_the_limit_resets_the_count(client, officer_a, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        client.post("/accounts/login/", {"username": "officer_a", "password": "wrong"})
    ok = client.post("/accounts/login/", {"username": "officer_a", "password": "Test@pass-2026"})
    assert ok.status_code == 302


def test_state_changing_requests_need_a_csrf_token(officer_a):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer_a)
    assert strict.post("/notifications/0/read/").status_code == 403
    assert strict.post("/accounts/logout/").status_code == 403
