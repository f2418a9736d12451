"""Outside experts (评审专家) see the judging pages and nothing else of the portal.

An expert's login has no member record and no role, so most pages would show it nothing anyway; this
makes it explicit and complete: any other address answers 404 (the home page leads to the judging list).
Regular logins cost nothing here: their scope (computed once per request, and used by every page
anyway) has a member or a role, and only a login with neither is looked up among the experts.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from members.scoping import scope_for, unscoped


def confined(user) -> bool:
    """A login that is an outside expert and nothing else."""
    if not user.is_authenticated or user.is_superuser:
        return False
    scope = scope_for(user)
    if scope.member_id or scope.roles:
        return False
    from .models import Expert

    with unscoped("is this login an outside expert: its own row, before any page is served"):
        return Expert.objects.filter(user_id=user.pk).exists()


class ExpertConfinementMiddleware:
    """Place after PasswordChangeRequiredMiddleware (an expert first chooses a password)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and confined(user):
            allowed = (
                reverse("contests:judging"),
                reverse("logout"),
                reverse("password_change"),
                reverse("members:first_password"),
                reverse("set_language"),
                reverse("notifications:list"),
                "/static/",
                "/healthz",
            )
            if request.path == reverse("home"):
                return redirect("contests:judging")
            if not request.path.startswith(allowed):
                raise Http404
        return self.get_response(request)
