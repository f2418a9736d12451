"""Account rules on every page: a new password first (first login, expiry), then the second factor.

Both cost nothing on an ordinary request: the first reads two fields of the logged-in user, the second
one key of the session (the policy is decided once per session, members.security.session_policy); only
a session that must pass a second factor asks django-otp whether it has (one query).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


def _always_reachable() -> tuple[str, ...]:
    return (
        reverse("members:first_password"),
        reverse("logout"),
        reverse("set_language"),
        "/static/",
        "/healthz",
    )


class PasswordChangeRequiredMiddleware:
    """Redirects every page to the password change form while ``user.must_change_password`` is set or
    the password is older than PASSWORD_MAX_AGE_DAYS.

    Place after AuthenticationMiddleware. The password change itself, logout, the language switch,
    static files and the health check stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and self._must_change(user)
            and not request.path.startswith(_always_reachable())
        ):
            return redirect("members:first_password")
        return self.get_response(request)

    @staticmethod
    def _must_change(user) -> bool:
        if getattr(user, "must_change_password", False):
            return True
        if getattr(settings, "PASSWORD_MAX_AGE_DAYS", 0):
            from .passwords import password_expired

            return password_expired(user)
        return False


class SecondFactorRequiredMiddleware:
    """A session that must pass a second factor (members.security.second_factor_required) sees only the
    second-factor pages until it has: the code from the authenticator app, or enrolment when the person
    has none yet. Place after django_otp's OTPMiddleware and the password middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            from .security import session_policy

            required, _privileged = session_policy(request)
            if required and not user.is_verified():
                allowed = (*_always_reachable(), "/accounts/two-factor/")
                if not request.path.startswith(allowed):
                    return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class QueryParameterMiddleware:
    """An address whose query holds a NUL or another control character answers the 400 page (in Chinese).

    No page means such a value, and PostgreSQL refuses a NUL inside a string, so a search, a filter or the access
    record's copy of an export's filters would otherwise fail with a 500 (issue #17). Each page's own parameters
    (dates, months, ids, choices) are parsed with ``members.params``, which gives the page with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import BadRequest

        for key, values in request.GET.lists():
            if _has_control(key) or any(_has_control(v) for v in values):
                raise BadRequest("control character in the query string")
        return self.get_response(request)


def _has_control(text: str) -> bool:
    return any(ch < " " and ch not in "\t\r\n" for ch in text)


class KeptPermissionsMiddleware:
    """Reads the login's scope and permissions kept in the shared cache at the start of the request (one round
    trip, before anything computes them) and keeps the permissions this request computed at its end
    (members.scopecache). Place right after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from . import scopecache
        from .scoping import scope_for

        user = getattr(request, "user", None)
        kept = scopecache.enabled() and user is not None and user.is_authenticated
        if kept:
            scope_for(user)
        response = self.get_response(request)
        if kept:
            scopecache.store_perms(user)
        return response
