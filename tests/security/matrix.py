"""The machinery of the URL matrix: walking the resolver, building URLs, asking as each actor, comparing.

The table itself (what each actor must get from each URL) is in test_url_matrix.py.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ACTORS = ("anonymous", "member", "officer_a", "officer_b", "city_admin")

# What a response is, in the table's words. An int is that status code (a 302 elsewhere is "redirect").
LOGIN = "login"  # 302 to the portal's login page (?next=...)
ADMIN_LOGIN = "admin-login"  # 302 to the admin's login page
REDIRECT = "redirect"  # 302 anywhere else
DONE = "done"  # a POST that is handled: 200 (a form again, with its errors) or a redirect (not to a login page)
ANY = "any"  # anything but a 500 (the Django admin's own answers to a city administrator's garbage POST)
GET_ONLY = None  # a row's post: the view does not take POST (405 for a logged-in actor)


@dataclass(frozen=True)
class Row:
    """One URL of the matrix: how to fill its kwargs from the world, what GET and POST must answer."""

    kwargs: dict[str, str] = field(default_factory=dict)  # URL kwarg -> world key, or "=literal"
    args: tuple = ()  # positional arguments (the admin's regex patterns), literal
    get: tuple = ()  # one expectation per actor, in ACTORS order
    post: tuple | None = GET_ONLY
    query: str = ""


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str | None, str, object]]:
    """(qualified name or None, route, callback) of every pattern, recursively (the admin and includes too)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield (f"{namespace}{p.name}" if p.name else None), prefix + str(p.pattern), p.callback


def portal_patterns() -> dict[str, str]:
    """Every named pattern of the project: name -> route (static and media are not URL patterns here)."""
    out: dict[str, str] = {}
    for name, route, _callback in walk():
        if name and name not in out:
            out[name] = route
    return out


def classify(response) -> str | int:
    code = response.status_code
    if code in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith(resolve_url(settings.LOGIN_URL)):
            return LOGIN
        if location.startswith(reverse("admin:login")):
            return ADMIN_LOGIN
        return REDIRECT
    return code


def matches(got, expected) -> bool:
    if expected == ANY:
        return got != 500
    if expected == DONE:
        return got in (200, REDIRECT)
    if isinstance(expected, (set, frozenset)):
        return got in expected
    return got == expected


class Actors:
    """One logged-in test client per actor; every request runs in a savepoint that is rolled back."""

    def __init__(self, users: dict[str, object], **client_kwargs):
        self.clients: dict[str, Client] = {}
        for actor in ACTORS:
            c = Client(raise_request_exception=False, **client_kwargs)
            if users.get(actor) is not None:
                c.force_login(users[actor])
            self.clients[actor] = c

    def ask(self, actor: str, method: str, url: str, data=None):
        client = self.clients[actor]
        cookies = copy.deepcopy(client.cookies)  # a logout or a message must not carry over
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            transaction.set_rollback(True)
        client.cookies = cookies
        return response


#: Tables a GET may write: the session (saved on every request), the record of who opened which
#: hardship file (a read that must be recorded), login throttling and the admin's own log.
#: Tables a read may write by design: sessions, the access record (full views of sensitive fields), the admin's log.
FINGERPRINT_SKIPS = {"sessions.session", "members.accessrecord", "admin.logentry"}


def fingerprint() -> str:
    """A hash of every row of every table the portal keeps (but FINGERPRINT_SKIPS)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in FINGERPRINT_SKIPS or model._meta.app_label == "axes" or not model._meta.managed:
            continue
        digest.update(label.encode())
        digest.update(repr(list(model._base_manager.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def build_url(name: str, row: Row, world) -> str:
    base = name.split("#", 1)[0]
    kwargs = {k: (v[1:] if v.startswith("=") else world[v]) for k, v in row.kwargs.items()}
    if row.args:
        return reverse(base, args=row.args) + row.query
    return reverse(base, kwargs=kwargs) + row.query


def missing_rows(table: dict[str, Row]) -> list[str]:
    covered = {key.split("#", 1)[0] for key in table}
    return [f"{name}  (/{route})" for name, route in portal_patterns().items() if name not in covered]
