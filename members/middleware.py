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
