"""The session, the login and the second factor's device read by SQL compiled once per process
(nantong_union.identity, issue #23): the same objects as the ORM's, and the same refusals."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from nantong_union.identity import PortalModelBackend, PortalOTPMiddleware, get_by_pk
from nantong_union.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_the_login_and_the_device_are_the_orms(officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="手机", confirmed=True)
    User = get_user_model()
    assert _fields(get_by_pk(User, officer_a.pk)) == _fields(User.objects.get(pk=officer_a.pk))
    assert _fields(get_by_pk(TOTPDevice, device.pk)) == _fields(TOTPDevice.objects.get(pk=device.pk))
    assert get_by_pk(User, officer_a.pk + 10_000) is None
    assert get_by_pk(User, str(officer_a.pk)).pk == officer_a.pk  # the session keeps the id as text


def test_a_loaded_login_saves_like_one_the_orm_loaded(officer_a):
    user = get_by_pk(get_user_model(), officer_a.pk)
    user.first_name = "甲"
    user.save(update_fields=["first_name"])
    officer_a.refresh_from_db()
    assert officer_a.first_name == "甲" and officer_a.password == user.password


def test_an_inactive_login_is_nobody(officer_a):
    backend = PortalModelBackend()
    assert backend.get_user(officer_a.pk).pk == officer_a.pk
    get_user_model().objects.filter(pk=officer_a.pk).update(is_active=False)
    assert backend.get_user(officer_a.pk) is None
    assert backend.get_user("not-a-number") is None


def test_a_deleted_or_unconfirmed_device_verifies_nothing(officer_a):
    device = TOTPDevice.objects.create(user=officer_a, name="手机", confirmed=True)
    load = PortalOTPMiddleware._device_from_persistent_id
    assert load(device.persistent_id).pk == device.pk
    assert load("otp_totp.totpdevice/x") is None and load("members.user/1") is None and load("nope") is None
    device.confirmed = False
    device.save()
    assert load(device.persistent_id).confirmed is False  # the middleware then refuses it (not confirmed)
    device.delete()
    assert load(device.persistent_id) is None


def test_an_expired_session_is_no_session():
    store = SessionStore()
    store["x"] = 1
    store.create()
    assert SessionStore(store.session_key).load() == {"x": 1}
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    fresh = SessionStore(store.session_key)
    assert fresh.load() == {} and fresh.session_key is None


def test_a_logged_in_page_after_the_device_is_removed_asks_for_the_code_again(client, officer_a, settings):
    """A session verified by a device that is then removed (an administrator reset the second factor) is sent
    to the code page on its next request."""
    from django_otp import DEVICE_ID_SESSION_KEY

    settings.OTP_REQUIRED = settings.OTP_FOR_OFFICERS = True
    device = TOTPDevice.objects.create(user=officer_a, name="手机", confirmed=True)
    client.force_login(officer_a)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/members/").status_code == 200
    device.delete()
    response = client.get("/members/")
    assert response.status_code == 302 and "/accounts/two-factor/" in response["Location"]
