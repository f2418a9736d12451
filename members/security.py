"""Accounts fit for a government system (等保 2.0 level 3): the login log, the second-factor policy,
the idle timeout of privileged sessions. (The records' retention is a rule of the one retention job:
members.retention.)

The login log is written here, from Django's and django-axes' authentication signals (the one place
every login, failure, lock-out and logout passes) and from the services that change a password or a
second factor. Nothing here runs on an ordinary request: the policy is decided once per session.
"""

from __future__ import annotations

from django.conf import settings

from .models import LoginEvent, LoginEventKind, User
from .scoping import scope_for, unscoped

#: Session keys: whether this session must pass a second factor; whether it is privileged (idle timeout).
SECOND_FACTOR_KEY = "_union_2fa"
PRIVILEGED_KEY = "_union_privileged"


def _ip(request) -> str | None:
    from nantong_union.client_ip import client_ip

    return client_ip(request) if request is not None else None


def login_event(*, kind: str, username: str = "", user=None, by=None, request=None) -> LoginEvent:
    """Write one line of the login log (never a password, only who, what, when, from where)."""
    if user is not None and not username:
        username = user.get_username()
    agent = request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else ""
    return LoginEvent.objects.create(
        kind=kind,
        username=(username or "")[:150],
        user=user if user is not None and user.pk else None,
        by=by,
        ip_address=_ip(request),
        user_agent=agent,
    )


# --- Policy ----------------------------------------------------------------------------------------
def is_privileged(user) -> bool:
    """City administrators and auditors: the shorter idle timeout."""
    scope = scope_for(user)
    return scope.is_city_admin or scope.is_auditor


def second_factor_required(user) -> bool:
    """Whether this login must pass a second factor (OTP_REQUIRED on): city administrators, auditors,
    holders of a sensitive permission (OTP_SENSITIVE_PERMISSIONS) and, with OTP_FOR_OFFICERS, every officer."""
    if not getattr(settings, "OTP_REQUIRED", False) or not user.is_authenticated:
        return False
    scope = scope_for(user)
    if scope.is_city_admin or scope.is_auditor or user.is_superuser:
        return True
    if getattr(settings, "OTP_FOR_OFFICERS", False) and scope.is_officer:
        return True
    return any(user.has_perm(perm) for perm in getattr(settings, "OTP_SENSITIVE_PERMISSIONS", ()))


def session_policy(request) -> tuple[bool, bool]:
    """(second factor required, privileged) for this session: decided once, kept in the session."""
    session = request.session
    if SECOND_FACTOR_KEY not in session:
        user = request.user
        privileged = is_privileged(user)
        session[SECOND_FACTOR_KEY] = second_factor_required(user)
        session[PRIVILEGED_KEY] = privileged
        if privileged:
            # SESSION_SAVE_EVERY_REQUEST renews the expiry on every request: an idle timeout.
            session.set_expiry(settings.PRIVILEGED_IDLE_TIMEOUT)
    return session[SECOND_FACTOR_KEY], session[PRIVILEGED_KEY]


def has_second_factor(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Signal receivers (connected in MembersConfig.ready) ---------------------------------------------
def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None:
        return
    login_event(kind=LoginEventKind.LOGIN, user=user, request=request)
    for key in (SECOND_FACTOR_KEY, PRIVILEGED_KEY):
        request.session.pop(key, None)
    # decide the session's policy now, for the user just logged in (request.user may still be anonymous)
    request.user = user
    session_policy(request)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = (credentials or {}).get("username", "")
    with unscoped("the login log names the login a failed attempt was for, if it exists"):
        user = User.objects.filter(username=username).first() if username else None
    login_event(kind=LoginEventKind.FAILED, username=username, user=user, request=request)


def on_logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and request is not None:
        login_event(kind=LoginEventKind.LOGOUT, user=user, request=request)


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    login_event(kind=LoginEventKind.LOCKED_OUT, username=username or "", request=request)
