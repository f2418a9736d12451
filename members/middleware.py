"""First login: a person with a one-time password must choose a new one before anything else."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Redirects every page to the password change form while ``user.must_change_password`` is set.

    Place after AuthenticationMiddleware. The password change itself, logout, the language switch,
    static files and the health check stay reachable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = (
                reverse("members:first_password"),
                reverse("logout"),
                reverse("set_language"),
                "/static/",
                "/healthz",
            )
            if not request.path.startswith(allowed):
                return redirect("members:first_password")
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
