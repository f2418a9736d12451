"""The database goes away in the middle of a write: the user gets the 503 page, nothing is half-saved.

The cuts are real: a second connection terminates the request's PostgreSQL backend
(``pg_terminate_backend``) at a chosen moment (after a given statement or row), exactly as a
database restart or a network cut would. The tests then reconnect (``connection.close()``) and look
at what the database holds.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import psycopg2
import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from members.models import Member, MembershipChange
from tests.factories import MemberFactory
from tests.members.test_excel import import_of, roster_row, upload, xlsx_bytes
from welfare import services as welfare_services
from welfare.defaults import ensure_jiangsu_policy
from welfare.models import Distribution, MemberBudget

from .conftest import assert_database_unavailable_page


# --- the page itself (any database) ------------------------------------------------------------------
@pytest.mark.django_db
def test_a_lost_database_in_a_view_gives_the_503_page_not_the_500(client, officer_a, monkeypatch):
    from members import views

    client.force_login(officer_a)

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(views.MemberListView, "get", gone)
    response = client.get("/members/")
    assert_database_unavailable_page(response)


@pytest.mark.django_db
def test_the_503_page_needs_no_database(rf):
    from nantong_union.middleware import database_unavailable_response

    request = rf.post("/welfare/distributions/1/confirm/")
    with connection.execute_wrapper(_refuse_every_query):
        response = database_unavailable_response(request, OperationalError("gone"))
    assert_database_unavailable_page(response)


def _refuse_every_query(execute, sql, params, many, context):
    raise AssertionError(f"the 503 page ran a query: {sql}")


@pytest.mark.django_db
def test_a_lost_database_outside_the_view_gives_the_503_page_too(client, officer_a, monkeypatch):
    """The session is read by a middleware, before any view: handler500 answers the same page."""
    from nantong_union.sessions import SessionStore

    client.force_login(officer_a)
    client.raise_request_exception = False

    def gone(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "_get_session_from_db", gone)
    assert_database_unavailable_page(client.get("/members/"))


@pytest.mark.django_db
def test_other_errors_still_give_the_plain_500(client, officer_a, monkeypatch):
    from members import views

    client.force_login(officer_a)
    client.raise_request_exception = False
    monkeypatch.setattr(views.MemberListView, "get", lambda *a, **k: 1 / 0)
    response = client.get("/members/")
    assert response.status_code == 500 and "Retry-After" not in response


@pytest.mark.django_db
def test_a_session_refresh_lost_with_the_database_does_not_hide_a_done_action(client, officer_a, monkeypatch):
    """The view committed, then the session refresh fails: the user still gets the view's answer."""
    from django.contrib.sessions.models import Session

    from members import views

    client.force_login(officer_a)
    real_save = Session.save

    def gone(self, *args, **kwargs):
        if kwargs.get("force_update"):
            raise OperationalError("server closed the connection unexpectedly")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", gone)
    response = client.get("/members/")
    assert response.status_code == 200 and views.MemberListView.template_name in [t.name for t in response.templates]


@pytest.mark.django_db
def test_a_session_deleted_meanwhile_still_fails_its_save():
    from django.contrib.sessions.backends.base import UpdateError

    from nantong_union.sessions import SessionStore

    store = SessionStore()
    store["x"] = 1
    store.create()
    store.delete()
    store["x"] = 2
    with pytest.raises(UpdateError):
        store.save()


# --- cutting the connection for real (PostgreSQL) ----------------------------------------------------
def _terminate(pid: int) -> None:
    """Terminate a backend from a second connection, as a database restart would."""
    d = connection.settings_dict
    other = psycopg2.connect(
        dbname=d["NAME"], user=d["USER"], password=d["PASSWORD"], host=d["HOST"] or "127.0.0.1", port=d["PORT"] or 5432
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@contextmanager
def cut_after(statement_prefix: str, *, nth: int = 1, before: bool = False):
    """Terminate this thread's database connection right after the nth statement starting so has run
    (or, with ``before``, just before it runs, so that the statement itself fails)."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    seen: list[str] = []

    def wrapper(execute, sql, params, many, context):
        hit = len(seen) < nth and sql.startswith(statement_prefix)
        if hit:
            seen.append(sql)
        if hit and before and len(seen) == nth:
            _terminate(pid)
        result = execute(sql, params, many, context)
        if hit and not before and len(seen) == nth:
            _terminate(pid)
        return result

    try:
        with connection.execute_wrapper(wrapper):
            yield seen
    finally:
        connection.close()  # the next query opens a fresh connection


def _preview_token(client, rows) -> str:
    """The checked import's confirmation address."""
    response = upload(client, xlsx_bytes(rows))
    assert 'data-testid="import-ready"' in response.content.decode()
    return f"/members/import/{import_of(response).token}/confirm/"


@pytest.mark.parametrize(
    "cut",
    [
        "at the 12th row",
        "after the members are inserted",
        # the last step of the save: the import must still answer the 503 page, not "the import failed".
        "when the join records are inserted",
    ],
)
@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_member_import_cut_midway_saves_nothing_and_can_run_again(
    require_postgres, client, officer_a, tree, cut, monkeypatch
):
    rows = [roster_row(i, "市财政局") for i in range(1, 31)]
    client.force_login(officer_a)
    token = _preview_token(client, rows)
    if cut == "at the 12th row":
        from members import roster

        original = roster._new_member
        connection.ensure_connection()
        pid = connection.connection.info.backend_pid
        calls = []

        def counting(row):
            calls.append(row)
            if len(calls) == 12:  # the confirmation's 12th new member
                _terminate(pid)
            return original(row)

        monkeypatch.setattr(roster, "_new_member", counting)
        try:
            response = client.post(token)
        finally:
            connection.close()
        monkeypatch.setattr(roster, "_new_member", original)
    else:
        prefix, before = {
            # written with COPY on PostgreSQL (members.bulkwrite)
            "after the members are inserted": ('COPY "members_member"', False),
            "when the join records are inserted": ('COPY "members_membershipchange"', True),
        }[cut]
        with cut_after(prefix, before=before) as seen:
            response = client.post(token)
        assert seen, "the import never got there: the cut did not happen where the test says"

    assert_database_unavailable_page(response)
    imported = Member.objects.filter(card_number__startswith="IM")
    assert imported.count() == 0
    assert Member.history.filter(card_number__startswith="IM").count() == 0
    assert not MembershipChange.objects.exists()

    # The checked file is still there: confirming again imports every row, once.
    response = client.post(token)
    assert response.status_code == 302 and response["Location"] == token.replace("confirm/", "")
    assert imported.count() == 30
    assert MembershipChange.objects.filter(member__in=imported, kind="join").count() == 30


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_welfare_confirmation_cut_after_charging_leaves_budgets_and_status_untouched(
    require_postgres, client, officer_a, tree
):
    ensure_jiangsu_policy(2026)  # the migration's rows are flushed by transactional tests
    MemberFactory.create_batch(6, unit=tree["a"])
    batch = welfare_services.distribution_create(
        actor=officer_a,
        organization=tree["a"],
        category="festival",
        festival="mid_autumn",
        on=date(2026, 9, 20),
        item="中秋月饼礼盒",
        form="goods",
        amount=Decimal("300"),
    )
    people = batch.recipients.filter(included=True).count()
    assert people == 7  # officer_a and the six
    client.force_login(officer_a)
    url = reverse("welfare:confirm", args=[batch.pk])
    with cut_after('UPDATE "welfare_memberbudget"') as seen:
        response = client.post(url)
    assert seen, "the confirmation never charged a budget: the cut did not happen where the test says"
    assert_database_unavailable_page(response)
    batch.refresh_from_db()
    assert batch.is_draft and batch.confirmed_at is None
    assert not MemberBudget.objects.filter(spent__gt=0).exists()

    response = client.post(url)
    assert response.status_code == 302
    batch.refresh_from_db()
    assert not batch.is_draft
    spent = list(MemberBudget.objects.filter(festival="").values_list("spent", flat=True))
    assert spent == [Decimal("300")] * people  # charged once each, not twice
    assert Distribution.objects.filter(status="confirmed").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_assistance_grants_from_a_roster_cut_midway_grant_nothing_and_can_run_again(
    require_postgres, client, city_admin, officer_a, tree
):
    from assistance import services as assistance_services
    from assistance.models import Grant
    from tests.assistance.conftest import file_case, make_campaign

    campaign = make_campaign(city_admin)
    for _ in range(4):
        case = file_case(officer_a, city_admin, MemberFactory(unit=tree["a"]))
        assistance_services.roster_add(
            actor=officer_a, campaign=campaign, case=case, purpose="high_school", source="union"
        )
    client.force_login(city_admin)
    url = reverse("assistance:grant_batch", args=[campaign.pk])
    today = date.today().isoformat()
    # The batch writes its grants (and their history) together, then their postings to the ledger: cut there,
    # with the grants written and not one posting.
    with cut_after('INSERT INTO "funds_posting"') as seen:
        response = client.post(url, {"granted_on": today})
    assert len(seen) == 1, "the batch did not reach the ledger: the cut did not happen where the test says"
    assert_database_unavailable_page(response)
    assert not Grant.objects.exists()
    assert not Grant.history.exists()

    response = client.post(url, {"granted_on": today})
    assert response.status_code == 302
    assert Grant.objects.filter(campaign=campaign).count() == 4
