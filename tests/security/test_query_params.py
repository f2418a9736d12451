"""No 500 from any address (issue #17): every query parameter of every page is validated.

The four addresses of the issue answered 500 (an out-of-range date, a month in year 9999, a 23-digit unit id).
This walks every URL of the access matrix that GETs a page (lists, reports, exports, detail pages) as each
logged-in role, finds which query parameters each page reads (a recording ``request.GET``: what the view asks
for, through forms or by hand), and then asks Hypothesis for values of those parameters — out-of-range dates
and months, huge and negative integers, NUL bytes, unknown choices, long strings — failing on any 5xx.
It runs on PostgreSQL when ``DATABASE_URL`` is set (where a 20-digit integer or a NUL byte in a query fails
differently from SQLite); ``test_the_issue_addresses`` pins the four addresses of the issue on either database.
"""

from __future__ import annotations

import os

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .matrix import ACTORS, Actors, build_url, classify
from .test_url_matrix import TABLE

pytestmark = pytest.mark.django_db

ROLES = tuple(a for a in ACTORS if a != "anonymous")
#: Values a person or a crawler may type into an address: every one must get a page or a 400, never a 5xx.
NASTY = (
    "9999-12-31", "0001-01-01", "0000-00-00", "2026-02-30", "9999-12", "0-0", "2026-13", "10000-01",
    "99999999999999999999999", "-99999999999999999999999", "9223372036854775808", "2147483648", "-1", "0",
    "1e9", "NaN", "inf", "", " ", "\x00", "a\x00b", "x" * 3000, "%", "'", "１２", "٣", "null", "[]", "-", "unit",
    "-start", "??", "2026-1-1", "1.5",
)  # fmt: skip


class RecordingGET(QueryDict):
    """A request's GET that notes every key a view asks for."""

    asked: set[str] = set()

    def get(self, key, default=None):
        RecordingGET.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        RecordingGET.asked.add(key)
        return super().__getitem__(key)

    def getlist(self, key, default=None):
        RecordingGET.asked.add(key)
        return super().getlist(key, default)

    def __contains__(self, key):
        RecordingGET.asked.add(key)
        return super().__contains__(key)


def _recording_get(self):
    return RecordingGET(self.environ.get("QUERY_STRING", ""))


#: Keys nobody reads as data (the matrix's own and the language switch).
IGNORED = {"next", "csrfmiddlewaretoken"}


@pytest.fixture
def targets(world, users, monkeypatch):
    """(url, actor, parameters the page reads) for every page an actor may GET."""
    monkeypatch.setattr(WSGIRequest, "GET", property(_recording_get))
    actors = Actors(users)
    found = []
    for name, row in sorted(TABLE.items()):
        if not row.get or name.startswith(("admin:", "login", "logout", "set_language", "healthz", "liveness")):
            continue
        url = build_url(name, row, world)
        for actor, want in zip(ACTORS, row.get, strict=True):
            if actor == "anonymous" or want != 200:
                continue
            RecordingGET.asked = set()
            actors.ask(actor, "get", url)
            keys = sorted(RecordingGET.asked - IGNORED)
            found.append((url.split("?")[0], actor, keys))
    return actors, found


def _fails(actors, url, actor, params) -> str | None:
    response = actors.ask(actor, "get", url, params)
    code = classify(response)
    if isinstance(code, int) and code >= 500:
        return f"GET {url} {params!r} as {actor}: {code}"
    return None


#: The sweep's values: one of each kind of trouble (the Hypothesis walk below tries the rest).
SWEEP = ("9999-12-31", "0001-01-01", "9999-12", "2026-13", "99999999999999999999999", "-1", "a\x00b", "x" * 3000, "٣")


def test_every_page_survives_each_nasty_value_of_each_parameter(targets):
    """Deterministic sweep, as the city administrator (who reaches every page and every branch of its filters):
    every parameter a page reads, one nasty value at a time."""
    actors, found = targets
    assert sum(len(keys) for _u, _a, keys in found) > 20, "the recording found hardly any parameters"
    failures = []
    for url, actor, keys in found:
        if actor != "city_admin":  # the other roles in the Hypothesis walk below
            continue
        for key in keys:
            for value in SWEEP:
                failure = _fails(actors, url, actor, {key: value})
                if failure:
                    print(failure)  # noqa: T201 - seen at once with -s
                    failures.append(failure)
    assert not failures, f"{len(failures)} answers were 5xx:\n" + "\n".join(failures[:80])


value = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.tuples(st.integers(0, 99999), st.integers(-1, 14)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.text(max_size=40),
)


@settings(
    max_examples=int(os.environ.get("QUERY_PARAM_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(data=st.data())
def test_any_values_of_the_parameters_as_any_role_never_give_a_5xx(targets, data):
    actors, found = targets
    url, actor, keys = data.draw(st.sampled_from(found))
    chosen = data.draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
    params = {k: data.draw(value) for k in chosen}
    failure = _fails(actors, url, actor, params)
    assert failure is None, failure


@pytest.mark.parametrize(
    "address",
    [
        "/voice/stats/?end=9999-12-31",
        "/activities/calendar/?month=9999-12",
        "/activities/participation/?end=9999-12-31",
        "/voice/talks/?unit=99999999999999999999999",
    ],
)
def test_the_issue_addresses(client, city_admin, address):
    client.raise_request_exception = False
    client.force_login(city_admin)
    assert client.get(address).status_code < 500


def test_a_nul_in_the_address_gives_the_chinese_400_page(client, city_admin):
    client.raise_request_exception = False
    client.force_login(city_admin)
    response = client.get("/members/honours/", {"q": "a\x00b"})
    assert response.status_code == 400 and "请求无法识别" in response.content.decode()  # the portal's 400 page


def test_an_impossible_month_gives_this_month_with_a_message(client, city_admin):
    client.force_login(city_admin)
    page = client.get("/activities/calendar/", {"month": "9999-12"}, follow=True).content.decode()
    assert "无法显示" in page
