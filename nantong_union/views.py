"""Infrastructure views: the health check and the error page. (Domain pages live in the apps.)"""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET

from .celery import app as celery_app
from .middleware import DATABASE_GONE, database_unavailable_response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            conn.default_channel  # noqa: B018 - opens the channel: proves the broker answers
        return True
    except Exception:  # noqa: BLE001
        return False


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """200 with {"database": "ok", "broker": "ok"} when both answer, 503 otherwise."""
    state = {"database": _database_ok(), "broker": _broker_ok()}
    body = {name: "ok" if ok else "unavailable" for name, ok in state.items()}
    body["status"] = "ok" if all(state.values()) else "degraded"
    return JsonResponse(body, status=200 if all(state.values()) else 503)


@login_not_required
@require_GET
def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the portal's icon (the pages link it too)."""
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@login_not_required
@require_GET
@never_cache
def liveness(request):
    """The process answers (no database, no broker): for a load balancer's liveness probe."""
    return HttpResponse("ok", content_type="text/plain")


ERRORS = {
    400: {
        "error_title": _("The request could not be understood"),
        "error_text": _("The address or the form that was sent is incomplete or malformed. Nothing was changed."),
        "error_hint": _("Go back, check what you entered and try again."),
        "error_colour": "warning",
        "error_icon": "bi-question-circle",
    },
    403: {
        "error_title": _("You do not have the right to do this"),
        "error_text": _("Your account may not open this page or carry out this action. Nothing was changed."),
        "error_hint": _("If you think you should have this right, ask your unit's union officer or the city union."),
        "error_colour": "danger",
        "error_icon": "bi-shield-lock",
    },
    "csrf": {
        "error_title": _("The form has expired"),
        "error_text": _(
            "The page was open too long or you logged in again in another tab, so the form was not accepted. "
            "Nothing was changed."
        ),
        "error_hint": _("Go back, reload the page and send the form again."),
        "error_colour": "warning",
        "error_icon": "bi-clock-history",
    },
    404: {
        "error_title": _("Page not found"),
        "error_text": _("This page does not exist, was removed, or is not within what your account may see."),
        "error_hint": _("Check the address, or use the menu to find what you are looking for."),
        "error_colour": "secondary",
        "error_icon": "bi-signpost-split",
    },
    500: {
        "error_title": _("Something went wrong on the portal"),
        "error_text": _("The portal could not finish this request. Nothing of this action was saved."),
        "error_hint": _(
            "The error has been recorded. Try again in a moment; if it keeps failing, tell the city union."
        ),
        "error_colour": "danger",
        "error_icon": "bi-exclamation-octagon",
    },
}


def error_page(request, key, status: int, reason: str = "") -> HttpResponse:
    """The error page in the portal's layout (navigation, the way back), in the person's language;
    ``reason``: what the refusing service said (a translated sentence), shown as well."""
    context = {"error_status": status, "error_reason": reason, **ERRORS[key]}
    return HttpResponse(render_to_string("errors/error.html", context, request=request), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return error_page(request, 400, 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    # A service that refuses with a sentence (PermissionDenied(_("…"))) says why: e.g. that only a city
    # administrator may change a member who holds a role (issue 16).
    reason = str(exception) if exception is not None and exception.args else ""
    return error_page(request, 403, 403, reason=reason)


@requires_csrf_token
def page_not_found(request, exception=None):
    return error_page(request, 404, 404)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: an expired or foreign form, said in words instead of Django's English page."""
    return error_page(request, "csrf", 403)


@requires_csrf_token
def server_error(request):
    """handler500: the database-unavailable page (503) when the database went away, else the 500 page.

    Django calls it inside the ``except`` block of the failed request, so the exception is at hand.
    It catches what DatabaseUnavailableMiddleware cannot: a lost connection in a middleware or in
    the session save. The page is drawn in the portal's layout; should that itself fail (the error came
    from the layout), a plain page that needs nothing but the template engine.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_GONE):
        return database_unavailable_response(request, exc)
    try:
        return error_page(request, 500, 500)
    except Exception:  # noqa: BLE001 - the error page must not fail in turn
        return HttpResponse(render_to_string("errors/500_plain.html", ERRORS[500]), status=500)
