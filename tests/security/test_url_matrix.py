"""Every URL of the portal, asked by every kind of person: the access matrix of issue #9.

The URLs are read from the resolver (``get_resolver().url_patterns``, recursively: the apps, the accounts
pages, ``set_language``, ``healthz`` and the Django admin under /admin/). **Every named URL pattern must have a
row in TABLE below** (or, for the admin's standard model pages, be covered by the admin rule; an app added later
keeps its rows in ``rows_<app>.py`` and its objects in ``world_<app>.py``): a URL added
later without a row makes ``test_every_url_has_a_row`` fail, naming the URL. Add its row: what the anonymous
visitor, a plain member of unit A, the officer of unit A, the officer of unit B and a city administrator get.

The world (tests/security/conftest.py) owns one object of every kind in unit A, so officer A is inside and
officer B outside. The rules the table encodes (the house rules, "Who may see what"):

- anonymous → the login page (LoginRequiredMiddleware), except the login page, healthz and the calendar feed;
- outside the actor's scope → 404 (never 403: existence is not leaked);
- inside the scope without the right → 403;
- never a 500 (the clients do not raise, so a crash is a 500 in the table);
- GET never changes anything; a view that changes something takes POST (GET: 405) or only renders a form;
- every POST needs a CSRF token.

Every request runs in a savepoint that is rolled back, so the order of the requests does not matter.
``MATRIX_DISCOVER=1 pytest tests/security -s -k matrix`` prints what every URL answered each actor, to help
write a new row: check each answer against the rules above before copying it.
"""

from __future__ import annotations

import os

import pytest
from django.contrib import admin
from django.http import HttpResponseForbidden
from django.test import RequestFactory

from .conftest import extension_modules
from .matrix import (
    ACTORS,
    ADMIN_LOGIN,
    ANY,
    DONE,
    GET_ONLY,
    LOGIN,
    REDIRECT,
    Actors,
    Row,
    build_url,
    classify,
    fingerprint,
    matches,
    missing_rows,
    portal_patterns,
)

pytestmark = pytest.mark.django_db

L, AL, R = LOGIN, ADMIN_LOGIN, REDIRECT
#: a page only officers read: members get 403, officers (and the city) 200
OFFICERS = (L, 403, 200, 200, 200)
#: every logged-in person
EVERYONE = (L, 200, 200, 200, 200)
#: a POST every logged-in person may make
POST_ALL = (L, DONE, DONE, DONE, DONE)
#: an object of unit A: officer A manages it, officer B does not see it, the member is not an officer
UNIT_A = (L, 404, 200, 404, 200)
POST_UNIT_A = (L, 404, DONE, 404, DONE)
#: city administrators only
CITY = (L, 403, 403, 403, 200)
POST_CITY = (L, 403, 403, 403, DONE)
#: an activity of unit A: its members read it, officer A manages it, officer B does not see it
ACTIVITY_A = (L, 200, 200, 404, 200)
MANAGE_ACTIVITY_A = (L, 403, 200, 404, 200)
POST_MANAGE_ACTIVITY_A = (L, 403, DONE, 404, DONE)
#: POST only (GET 405 for anyone logged in)
NO_GET = (L, 405, 405, 405, 405)

TABLE: dict[str, Row] = {
    # --- the shell, accounts, infrastructure ---
    "home": Row(get=EVERYONE),
    "healthz": Row(get=({200, 503},) * 5, post=(405,) * 5),
    "liveness": Row(get=(200,) * 5, post=(405,) * 5),
    "login": Row(get=(200, R, R, R, R), post=(200, R, R, R, R)),
    "logout": Row(get=(L, 405, 405, 405, 405), post=(L,) * 5),  # logged out, then to the login page
    "password_change": Row(get=EVERYONE, post=(L, 200, 200, 200, 200)),
    "password_change_done": Row(get=EVERYONE),
    "set_language": Row(get=(R,) * 5, post=(R,) * 5),
    # --- reports (city administrators only; the workbook of world["report"] belongs to the city admin) ---
    "reports:index": Row(get=CITY, post=(L, 403, 403, 403, 400)),  # a garbage form: its errors, as a 400
    "reports:status": Row({"pk": "report"}, get=CITY),
    "reports:download": Row({"pk": "report"}, get=CITY),
    # --- members ---
    "members:list": Row(get=OFFICERS),
    "members:create": Row(get=(L, 403, 200, 200, 200), post=(L, 403, DONE, DONE, DONE)),
    "members:export": Row(get=OFFICERS),
    "members:import": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    "members:import_template": Row(get=OFFICERS),
    "members:detail": Row({"pk": "subject"}, get=UNIT_A),
    "members:detail#own": Row({"pk": "own"}, get=(L, 200, 200, 404, 200)),
    "members:edit": Row({"pk": "subject"}, get=UNIT_A, post=POST_UNIT_A),
    # officers may not see full ID numbers: only who holds members.reveal_id_number (the city)
    "members:reveal_id": Row({"pk": "subject"}, get=NO_GET, post=(L, 404, 403, 404, DONE)),
    "members:transfer": Row({"pk": "subject"}, get=UNIT_A, post=POST_UNIT_A),
    "members:status": Row({"pk": "subject"}, get=UNIT_A, post=POST_UNIT_A),
    "members:account": Row({"pk": "subject"}, get=NO_GET, post=POST_UNIT_A),
    "members:first_password": Row(get=EVERYONE, post=POST_ALL),
    "members:honour_add": Row({"pk": "subject"}, get=UNIT_A, post=POST_UNIT_A),
    "members:honour_list": Row(get=OFFICERS),
    "members:committee_list": Row(get=OFFICERS),
    "members:committee": Row({"unit_pk": "unit"}, get=UNIT_A, post=POST_UNIT_A),
    "members:id_reveal_log": Row(get=(L, R, R, R, R)),  # the old address: to the access record (which checks)
    "members:access_records": Row(get=CITY),
    "members:access_records_export": Row(get=CITY),
    "members:my_data": Row(get=(L, 200, 200, 200, 200)),  # always the caller's own record, no id in the URL
    "members:unit_list": Row(get=OFFICERS),
    "members:unit_detail": Row({"pk": "unit"}, get=UNIT_A),
    "members:account_bulk": Row({"unit_pk": "unit"}, get=UNIT_A, post=POST_UNIT_A),
    # --- activities (the activity is organised by unit A) ---
    "activities:list": Row(get=EVERYONE),
    "activities:calendar": Row(get=EVERYONE),
    "activities:create": Row(get=(L, 403, 200, 200, 200), post=(L, 403, DONE, DONE, DONE)),
    "activities:detail": Row({"pk": "activity"}, get=ACTIVITY_A),
    "activities:poster": Row({"pk": "activity"}, get=ACTIVITY_A),
    "activities:update": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A, post=POST_MANAGE_ACTIVITY_A),
    "activities:register": Row({"pk": "activity"}, get=NO_GET, post=(L, DONE, DONE, 404, DONE)),
    "activities:register_members": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A, post=POST_MANAGE_ACTIVITY_A),
    "activities:team_create": Row({"pk": "team_activity"}, get=ACTIVITY_A, post=(L, DONE, DONE, 404, DONE)),
    "activities:participants": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A, post=POST_MANAGE_ACTIVITY_A),
    "activities:participants_xlsx": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A),
    "activities:signin_xlsx": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A),
    "activities:qr": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A),
    "activities:qr_renew": Row({"pk": "activity"}, get=NO_GET, post=POST_MANAGE_ACTIVITY_A),
    "activities:checkin": Row(
        {"pk": "activity", "token": "checkin_token"}, get=ACTIVITY_A, post=(L, DONE, DONE, 404, DONE)
    ),
    "activities:results": Row({"pk": "activity"}, get=MANAGE_ACTIVITY_A, post=POST_MANAGE_ACTIVITY_A),
    "activities:ics": Row({"pk": "activity"}, get=ACTIVITY_A),
    "activities:registration_cancel": Row({"pk": "registration"}, get=NO_GET, post=(L, DONE, DONE, 404, DONE)),
    "activities:team_cancel": Row({"pk": "team"}, get=NO_GET, post=(L, 404, DONE, 404, DONE)),
    "activities:participation": Row(get=OFFICERS),
    "activities:feed": Row(get=EVERYONE, post=POST_ALL),
    "activities:feed_ics": Row({"token": "feed_token"}, get=(200,) * 5, post=(405,) * 5),
    "activities:mentoring": Row(get=EVERYONE, post=(L, 403, DONE, DONE, DONE)),
    "activities:reading_rooms": Row(get=EVERYONE),
    # --- assistance (a draft file of unit A with one household member and a document; a filed one with a grant) ---
    "assistance:case_list": Row(get=OFFICERS),
    "assistance:case_create": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    "assistance:case_detail": Row({"pk": "case"}, get=UNIT_A),
    "assistance:case_update": Row({"pk": "case"}, get=UNIT_A, post=POST_UNIT_A),
    "assistance:household_remove": Row({"pk": "case", "person_pk": "person"}, get=NO_GET, post=POST_UNIT_A),
    "assistance:case_step": Row({"pk": "case", "action": "=submit"}, get=NO_GET, post=POST_UNIT_A),
    "assistance:case_step#unknown": Row({"pk": "case", "action": "=fly"}, get=NO_GET, post=(L, 404, 404, 404, 404)),
    "assistance:document_upload": Row({"pk": "case"}, get=NO_GET, post=POST_UNIT_A),
    "assistance:document_download": Row({"pk": "document"}, get=UNIT_A),
    "assistance:notice": Row(get=EVERYONE),
    "assistance:campaign_list": Row(get=OFFICERS),
    "assistance:campaign_create": Row(get=CITY, post=POST_CITY),
    "assistance:campaign_detail": Row({"pk": "campaign"}, get=OFFICERS),
    "assistance:roster_add": Row({"pk": "campaign"}, get=NO_GET, post=(L, 403, DONE, DONE, DONE)),
    # a garbage date is refused (a message) before the service refuses officers: no change either way
    "assistance:grant_batch": Row({"pk": "campaign"}, get=NO_GET, post=(L, 403, 403, 403, DONE)),
    "assistance:roster_remove": Row({"pk": "roster_entry"}, get=NO_GET, post=(L, 403, DONE, 404, DONE)),
    "assistance:grant_received": Row({"pk": "grant"}, get=NO_GET, post=(L, 403, DONE, 404, DONE)),
    "assistance:report": Row(get=OFFICERS),
    "assistance:report_xlsx": Row(get=OFFICERS),
    "assistance:access_log": Row(get=(L, R, R, R, R)),  # the old address: to the access record (which checks)
    "assistance:recuperation": Row(get=OFFICERS, post=(L, 403, DONE, DONE, DONE)),
    # --- welfare (a draft festival batch of unit A) ---
    "welfare:home": Row(get=EVERYONE),
    "welfare:list": Row(get=OFFICERS),
    "welfare:create": Row(get=(L, 403, 200, 200, 200), post=(L, 403, DONE, DONE, DONE)),
    "welfare:detail": Row({"pk": "distribution"}, get=UNIT_A),
    "welfare:amount": Row({"pk": "distribution"}, get=NO_GET, post=POST_UNIT_A),
    "welfare:confirm": Row({"pk": "distribution"}, get=NO_GET, post=POST_UNIT_A),
    "welfare:delete": Row({"pk": "distribution"}, get=NO_GET, post=POST_UNIT_A),
    "welfare:recipient_add": Row({"pk": "distribution"}, get=NO_GET, post=POST_UNIT_A),
    "welfare:recipient_remove": Row({"pk": "distribution", "rid": "recipient"}, get=NO_GET, post=POST_UNIT_A),
    "welfare:recipient_sign": Row({"pk": "distribution", "rid": "recipient"}, get=NO_GET, post=POST_UNIT_A),
    "welfare:signoff_xlsx": Row({"pk": "distribution"}, get=UNIT_A),
    "welfare:signoff_print": Row({"pk": "distribution"}, get=UNIT_A),
    "welfare:report": Row(get=OFFICERS),
    "welfare:report_xlsx": Row(get=OFFICERS),
    "welfare:policies": Row(get=OFFICERS, post=POST_CITY),  # officers read the caps; the city sets them
    "welfare:policy_edit": Row({"pk": "policy"}, get=CITY, post=POST_CITY),
    # --- voice (an item member_a sent to unit A, with an attachment; a talk with the subject) ---
    "voice:index": Row(get=EVERYONE),
    "voice:new": Row(get=EVERYONE, post=POST_ALL),
    "voice:detail": Row({"pk": "item"}, get=(L, 200, 200, 404, 200)),
    "voice:attachment": Row({"pk": "item"}, get=(L, 200, 200, 404, 200)),
    "voice:action": Row({"pk": "item", "action": "=take"}, get=NO_GET, post=(L, 403, DONE, 404, DONE)),
    "voice:action#unknown": Row({"pk": "item", "action": "=fly"}, get=NO_GET, post=(L, 404, 404, 404, 404)),
    "voice:inbox": Row(get=OFFICERS),
    "voice:inbox_export": Row(get=OFFICERS),
    "voice:stats": Row(get=OFFICERS),
    "voice:talks": Row(get=OFFICERS),
    "voice:talks_due": Row(get=OFFICERS),
    "voice:talk_new": Row({"member_id": "subject"}, get=UNIT_A, post=POST_UNIT_A),
    "voice:talk_detail": Row({"pk": "talk"}, get=UNIT_A),
    "voice:follow_up_done": Row({"pk": "follow_up"}, get=NO_GET, post=POST_UNIT_A),
    "voice:honours": Row(get=EVERYONE),
    "voice:honour_new": Row(get=CITY, post=POST_CITY),
    "voice:honour_delete": Row({"pk": "honour"}, get=NO_GET, post=POST_CITY),
    # --- notifications (member_a's notification) ---
    "notifications:list": Row(get=EVERYONE),
    "notifications:read": Row({"pk": "notification"}, get=NO_GET, post=(L, R, 404, 404, 404)),
    "notifications:read#all": Row({"pk": "=0"}, get=NO_GET, post=(L, R, R, R, R)),
    "notifications:preferences": Row(get=EVERYONE, post=POST_ALL),
}

# Apps added later keep their rows in tests/security/rows_<app>.py (``ROWS: dict[str, Row]``).
for _module in extension_modules("rows_"):
    TABLE.update(_module.ROWS)


#: the admin to anyone but a city administrator: its login page (the portal's, for the anonymous visitor, on
#: the model pages LoginRequiredMiddleware guards)
NOT_STAFF = ({L, AL}, AL, AL, AL)
#: a model page about an object that does not exist: back to the index, 404, or 403 without the model's rights
MISSING = {R, 403, 404}

# The Django admin's standard pages of every registered model: a city administrator gets what the ModelAdmin
# grants; everyone else is sent to the admin's login page.
ADMIN_SITE: dict[str, Row] = {
    "admin:index": Row(get=(AL, AL, AL, AL, 200), post=(AL, AL, AL, AL, 200)),
    "admin:login": Row(get=(200, 200, 200, 200, R), post=(200, 200, 200, 200, 200)),
    "admin:logout": Row(get=(AL, R, R, R, 405), post=(AL, R, R, R, L)),
    "admin:password_change": Row(get=(AL, AL, AL, AL, 200), post=(AL, AL, AL, AL, 200)),
    "admin:password_change_done": Row(get=(AL, AL, AL, AL, 200)),
    "admin:autocomplete": Row(get=(AL, AL, AL, AL, 403)),
    "admin:jsi18n": Row(get=(AL, AL, AL, AL, 200)),
    "admin:app_list": Row({"app_label": "=members"}, get=(AL, AL, AL, AL, 200), post=(AL, AL, AL, AL, 200)),
    "admin:view_on_site": Row(
        {"content_type_id": "=1", "object_id": "=1"}, get=(AL, AL, AL, AL, 404), post=(AL, AL, AL, AL, 404)
    ),
    # the city administrators do not change logins' passwords in the admin (members:account resets them)
    "admin:auth_user_password_change": Row({"id": "city_admin"}, get=(*NOT_STAFF, 403), post=(*NOT_STAFF, 403)),
    # (the member import is the portal's page alone, members:import: the admin has none of its own)
}


def admin_model_rows(city_admin) -> dict[str, Row]:
    """The rule for the admin's standard pages, from what each ModelAdmin grants a city administrator."""
    request = RequestFactory().get("/admin/")
    request.user = city_admin
    rows = {}
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        obj = model._base_manager.order_by("pk").first()
        sees = 200 if model_admin.has_view_or_change_permission(request) else 403
        rows[f"{info}_changelist"] = Row(get=(*NOT_STAFF, sees), post=(*NOT_STAFF, ANY))
        rows[f"{info}_add"] = Row(
            get=(*NOT_STAFF, 200 if model_admin.has_add_permission(request) else 403), post=(*NOT_STAFF, ANY)
        )
        for view, allowed in (
            ("change", model_admin.has_view_or_change_permission(request, obj)),
            ("history", model_admin.has_view_or_change_permission(request, obj)),
            ("delete", model_admin.has_delete_permission(request, obj)),
        ):
            pk = f"={obj.pk}" if obj else "=999999"
            city = (200 if allowed else 403) if obj else MISSING
            rows[f"{info}_{view}"] = Row({"object_id": pk}, get=(*NOT_STAFF, city), post=(*NOT_STAFF, ANY))
        if hasattr(model, "history"):  # django-simple-history's page of one past version
            version = model.history.filter(pk=obj.pk).order_by("history_id").first() if obj else None
            args = (obj.pk, version.history_id) if version else (999999, 999999)
            allowed = model_admin.has_view_or_change_permission(request, obj)
            rows[f"{info}_simple_history"] = Row(
                args=args,
                get=(*NOT_STAFF, (200 if allowed else 403) if version else 404),
                post=(*NOT_STAFF, ANY),
            )
    return rows


def full_table(city_admin) -> dict[str, Row]:
    return {**TABLE, **ADMIN_SITE, **admin_model_rows(city_admin)}


def test_every_url_has_a_row(city_admin):
    """A named URL without a row fails here: add what each actor must get from it to TABLE."""
    missing = missing_rows(full_table(city_admin))
    assert not missing, "URLs without a row in the access matrix (tests/security/test_url_matrix.py TABLE):\n" + (
        "\n".join(missing)
    )
    stale = sorted({k.split("#")[0] for k in TABLE} - set(portal_patterns()))
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def _run(table, world, users, method: str, *, admin_part: bool):
    actors = Actors(users)
    mismatches, discovered = [], []
    for name, row in sorted(table.items()):
        if name.startswith("admin:") != admin_part:
            continue
        expected = row.get if method == "get" else row.post
        if method == "post" and expected is GET_ONLY:
            expected = (L, 405, 405, 405, 405) if not name.startswith("admin:") else (AL, AL, AL, AL, 405)
        url = build_url(name, row, world)
        got = []
        for actor, want in zip(ACTORS, expected or (None,) * len(ACTORS), strict=True):
            answer = classify(actors.ask(actor, method, url, {"garbage": "x"} if method == "post" else None))
            got.append(answer)
            if want is None or not matches(answer, want):
                mismatches.append(f"{method.upper()} {url} [{name}] as {actor}: got {answer}, expected {want}")
        discovered.append(f"{name!r}: {tuple(got)}")
    if os.environ.get("MATRIX_DISCOVER"):
        print("\n".join(discovered))
    assert not mismatches, f"{len(mismatches)} answers differ from the matrix:\n" + "\n".join(mismatches)


def test_get_matrix(world, users, city_admin):
    _run(full_table(city_admin), world, users, "get", admin_part=False)


def test_post_matrix(world, users, city_admin):
    """A garbage POST: anonymous to the login page, outside the scope 404, never a 500; GET-only views 405."""
    _run(full_table(city_admin), world, users, "post", admin_part=False)


def test_admin_get_matrix(world, users, city_admin):
    """Every page of the Django admin: its login for everyone but a city administrator, who gets no 500."""
    _run(full_table(city_admin), world, users, "get", admin_part=True)


def test_admin_post_matrix(world, users, city_admin):
    _run(full_table(city_admin), world, users, "post", admin_part=True)


#: GETs that may write, and why.
GET_MAY_WRITE = {
    "activities:feed": "the page makes the caller's own calendar link on the first visit",
}


def test_a_get_to_a_state_changing_url_changes_nothing(world, users, city_admin):
    """For every URL that takes POST, a GET (405, or a form) by anyone leaves every table as it was."""
    actors = Actors(users)
    changed = []
    for name, row in sorted(TABLE.items()):
        if row.post is GET_ONLY or name.split("#")[0] in GET_MAY_WRITE:
            continue
        url = build_url(name, row, world)
        before = fingerprint()
        codes = [actors.clients[actor].get(url).status_code for actor in ACTORS]  # not rolled back: writes show
        if fingerprint() != before:
            changed.append(f"GET {url} [{name}] changed the database (answers {codes} to {ACTORS})")
    assert not changed, "\n".join(changed)


def csrf_refused(request, reason=""):
    """CSRF_FAILURE_VIEW of the CSRF test: a 403 that says it came from the CSRF check."""
    response = HttpResponseForbidden("CSRF")
    response["X-Refused-By"] = "csrf"
    return response


def test_every_post_needs_a_csrf_token(world, users, city_admin, settings):
    """With CSRF checks on (as in production), a POST without a token is refused by the CSRF check: every URL
    that takes POST, for the anonymous visitor, officer A and the city. With the token it gets past the check."""
    settings.CSRF_FAILURE_VIEW = "tests.security.test_url_matrix.csrf_refused"
    strict = Actors(users, enforce_csrf_checks=True)
    tokens = {}
    for actor in ("anonymous", "officer_a", "city_admin"):
        strict.clients[actor].get("/accounts/login/" if actor == "anonymous" else "/accounts/password/")
        tokens[actor] = strict.clients[actor].cookies["csrftoken"].value
    problems = []
    for name, row in sorted(full_table(city_admin).items()):
        if row.post is GET_ONLY:
            continue
        url = build_url(name, row, world)
        for actor, token in tokens.items():
            without = strict.ask(actor, "post", url, {"garbage": "x"})
            if without.status_code != 403 or without.get("X-Refused-By") != "csrf":
                problems.append(f"POST {url} [{name}] as {actor} without a token: {without.status_code}, not refused")
            with_token = strict.ask(actor, "post", url, {"garbage": "x", "csrfmiddlewaretoken": token})
            if with_token.get("X-Refused-By") == "csrf" or with_token.status_code == 500:
                problems.append(f"POST {url} [{name}] as {actor} with the token: {with_token.status_code}")
    assert not problems, "\n".join(problems)


def test_uploaded_files_are_never_served_from_media(world, users, settings):
    """Documents, attachments and posters are served only by their views (rows above), never under MEDIA_URL."""
    actors = Actors(users)
    for name in world["stored_files"]:
        assert name and (settings.MEDIA_ROOT / name).exists(), name
        url = settings.MEDIA_URL + name
        answers = [classify(actors.ask(actor, "get", url)) for actor in ACTORS]
        assert answers == [404] * 5, f"{url}: {answers}"
