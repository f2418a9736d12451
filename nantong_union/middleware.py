"""Request middleware of the project (infrastructure only)."""

import logging

from django.conf import settings
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_vary_headers


class ChosenLanguageMiddleware:
    """Chinese for everyone unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
    browser would get English pages; on this portal the language is Chinese by default and English
    only on request (the language cookie set by the navbar's switcher).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """Pages for a logged-in person carry personal data: no browser or proxy may store them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store, private"
        return response


#: Errors that mean "the database went away" (connection lost, server down or restarting), as opposed to
#: a bug in a query: the user is told to try again, not that the portal is broken.
DATABASE_GONE = (OperationalError, InterfaceError)
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER_SECONDS = 30

logger = logging.getLogger("nantong_union.failures")


def database_unavailable_response(request, exc: BaseException) -> HttpResponse:
    """The 503 page: rendered without a request context, so it needs no database and writes no session.

    The transaction of the request (if any) was rolled back with the lost connection: nothing was saved.
    """
    logger.error(
        "database unavailable during %s %s: %s",
        request.method,
        request.path,
        exc,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers the 503 page instead of the generic 500.

    Errors raised outside a view (a middleware, the session save) are caught by ``handler500``
    (nantong_union.views.server_error), which answers the same page for the same errors.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_GONE):
            return database_unavailable_response(request, exception)
        return None
