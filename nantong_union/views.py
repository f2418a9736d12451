"""Infrastructure views: the health check and the error page. (Domain pages live in the apps.)"""

from __future__ import annotations

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
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
@never_cache
def liveness(request):
    """The process answers (no database, no broker): for a load balancer's liveness probe."""
    return HttpResponse("ok", content_type="text/plain")


def server_error(request):
    """handler500: the database-unavailable page (503) when the database went away, else Django's 500.

    Django calls it inside the ``except`` block of the failed request, so the exception is at hand.
    It catches what DatabaseUnavailableMiddleware cannot: a lost connection in a middleware or in
    the session save.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_GONE):
        return database_unavailable_response(request, exc)
    return defaults.server_error(request)
