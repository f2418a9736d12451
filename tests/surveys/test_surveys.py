"""Surveys: built for the own unit, the zone or the city; answered once; anonymous responses stored with no
link to the person (like the ballots); results with charts, the figures beneath, a unit filter and xlsx."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AccessRecord
from surveys import services
from surveys.models import MIX_BATCH, Answer, Respondent, Response, SealedResponse
from tests.factories import MemberFactory, UserFactory

from .factories import answers_for, open_survey

pytestmark = pytest.mark.django_db


def _people(unit, n, prefix):
    return [MemberFactory(unit=unit, user=UserFactory(username=f"{prefix}{i}")) for i in range(n)]


def test_who_builds_for_whom(tree, officer_a, zone_lead, city_admin, member_a):
    open_survey(officer_a, tree["a"])
    open_survey(zone_lead, tree["zone1"])
    open_survey(city_admin, tree["city"])
    with pytest.raises(PermissionDenied):
        open_survey(officer_a, tree["b"])  # another unit
    with pytest.raises(PermissionDenied):
        open_survey(officer_a, tree["city"])
    with pytest.raises(PermissionDenied):
        open_survey(member_a, tree["a"])


def test_answer_once_and_only_in_the_audience(tree, officer_a, officer_b, member_a, django_capture_on_commit_callbacks):
    survey = open_survey(officer_a, tree["a"], anonymous=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(actor=member_a, survey=survey, answers=answers_for(survey))
    with pytest.raises(ValidationError):
        services.response_submit(actor=member_a, survey=survey, answers=answers_for(survey))
    with pytest.raises(PermissionDenied):  # unit B is not the audience of unit A's survey
        services.response_submit(actor=officer_b, survey=survey, answers=answers_for(survey))
    required = next(q for q in survey.questions.all() if q.required)
    with pytest.raises(ValidationError):
        other = _people(tree["a"], 1, "p")[0]
        services.response_submit(actor=other.user, survey=survey, answers={required.pk: None})
    assert Response.objects.filter(survey=survey, member=member_a.member).count() == 1


def test_anonymous_responses_cannot_be_joined_to_their_people(tree, city_admin, django_capture_on_commit_callbacks):
    """Every table read: no response names a person; the order on disk and the writing transaction do not
    follow the order of answering; after closing, one transaction wrote every response."""
    survey = open_survey(city_admin, tree["city"])
    people = _people(tree["a"], 12, "s") + _people(tree["b"], 8, "t")
    texts = [f"秘密意见{i:02d}" for i in range(len(people))]
    for i, p in enumerate(people):
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(actor=p.user, survey=survey, answers=answers_for(survey, i, texts[i]))
    assert SealedResponse.objects.count() < MIX_BATCH  # batches of 5 written out while it runs
    services.survey_close(actor=city_admin, survey=survey)
    assert SealedResponse.objects.count() == 0 and Response.objects.filter(survey=survey).count() == 20
    assert not Response.objects.filter(survey=survey, member__isnull=False).exists()
    person_ids = {str(p.pk) for p in people} | {str(p.user_id) for p in people}
    respondent_ids = {f for pk in Respondent.objects.values_list("pk", flat=True) for f in (str(pk), pk.hex)}
    response_ids = {f for pk in Response.objects.values_list("pk", flat=True) for f in (str(pk), pk.hex)}
    with connection.cursor() as cursor:
        ans_cols = {c.name for c in connection.introspection.get_table_description(cursor, Answer._meta.db_table)}
        resp_cols = {c.name for c in connection.introspection.get_table_description(cursor, Response._meta.db_table)}
        assert resp_cols == {"id", "survey_id", "unit_id", "member_id"}  # member_id empty for anonymous
        assert "member_id" not in ans_cols and not any(c[-2:] == "at" for c in ans_cols | resp_cols)
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            for row in cursor.fetchall():
                cells = {str(v) for v in row} | {v.hex for v in row if isinstance(v, uuid.UUID)}
                if table not in (Response._meta.db_table, Answer._meta.db_table):
                    assert not cells & response_ids, f"{table} refers to a response"
                if table in (Response._meta.db_table, Answer._meta.db_table):
                    assert not cells & respondent_ids
        position = "ctid" if connection.vendor == "postgresql" else "rowid"
        cursor.execute(
            f"SELECT a.text FROM \"{Answer._meta.db_table}\" a WHERE a.text <> '' ORDER BY {position}"  # noqa: S608
        )
        disk = [r[0] for r in cursor.fetchall()]
    assert sorted(disk) == sorted(texts)
    assert sum(1 for a, b in zip(disk, texts, strict=True) if a == b) < 6  # the order of answering is gone
    assert person_ids  # (ids of people appear in the has-answered list only)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT DISTINCT xmin::text FROM {Response._meta.db_table}")
            assert len(cursor.fetchall()) == 1


def test_results_count_and_chart_with_the_figures_beneath(tree, city_admin, client, django_capture_on_commit_callbacks):
    survey = open_survey(city_admin, tree["city"], anonymous=False, starter="gift")
    people = _people(tree["a"], 6, "r") + _people(tree["c"], 3, "c")
    for i, p in enumerate(people):
        services.response_submit(actor=p.user, survey=survey, answers=answers_for(survey, i % 2))
    client.force_login(city_admin)
    page = client.get(reverse("surveys:results", args=[survey.pk]))
    assert page.status_code == 200
    res = page.context["results"]
    assert res.responses == 9
    first = res.questions[0]
    assert [n for _label, n in first.counts][:2] == [5, 4]
    html = page.content.decode()
    assert 'data-testid="chart-q' in html and "<table" in html  # the chart and its figures beneath
    only_c = client.get(reverse("surveys:results", args=[survey.pk]), {"unit": tree["c"].pk}).context["results"]
    assert only_c.responses == 3
    export = client.get(reverse("surveys:export", args=[survey.pk]))
    wb = load_workbook(filename=__import__("io").BytesIO(b"".join(export.streaming_content)))
    assert wb.sheetnames[0] == "结果" or len(wb.sheetnames) >= 2
    assert AccessRecord.objects.filter(app="surveys", rows=9).exists()  # named answers exported: recorded


def test_an_anonymous_surveys_small_unit_is_not_shown(tree, city_admin, client, django_capture_on_commit_callbacks):
    survey = open_survey(city_admin, tree["city"])
    for i, p in enumerate(_people(tree["a"], 6, "x") + _people(tree["c"], 2, "y")):
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(actor=p.user, survey=survey, answers=answers_for(survey, i))
    services.survey_close(actor=city_admin, survey=survey)
    client.force_login(city_admin)
    small = client.get(reverse("surveys:results", args=[survey.pk]), {"unit": tree["c"].pk}).context["results"]
    assert small.suppressed and small.questions == []
    big = client.get(reverse("surveys:results", args=[survey.pk]), {"unit": tree["a"].pk}).context["results"]
    assert not big.suppressed and big.responses == 6


def test_results_and_export_query_counts_do_not_grow(tree, city_admin, client):
    """The same number of queries for 3 and for 12 responses (the results page and the xlsx export)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    survey = open_survey(city_admin, tree["city"], anonymous=False)
    client.force_login(city_admin)
    client.get(reverse("surveys:results", args=[survey.pk]))  # the session, scope and inbox count kept
    counts = []
    for batch, n in (("q3_", 3), ("q12_", 9)):
        for i, p in enumerate(_people(tree["a"], n, batch)):
            services.response_submit(actor=p.user, survey=survey, answers=answers_for(survey, i))
        seen = []
        for url in (reverse("surveys:results", args=[survey.pk]), reverse("surveys:export", args=[survey.pk])):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            assert response.status_code == 200
            seen.append(len(queries))
        counts.append(seen)
    assert counts[0] == counts[1], counts


def test_elections_list_query_count_does_not_grow(tree, officer_a, city_admin, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from elections import services as election_services
    from elections.models import Election, Status

    client.force_login(city_admin)
    client.get(reverse("elections:list"))  # the session, scope and inbox count kept, as after any page
    counts = []
    for unit in ("a", "b"):
        for _ in range(3):
            e = election_services.election_create(
                actor=city_admin,
                unit=tree[unit],
                kind="reelection",
                title="换届",
                assembly="members",
                voting_mode="paper",
                vote_date=__import__("datetime").date.today(),
                term_years=5,
            )
            Election.objects.filter(pk=e.pk).update(status=Status.APPROVED)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("elections:list")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_named_answers_show_on_the_record_to_the_units_officers_only(tree, officer_a, officer_b, member_a, client):
    survey = open_survey(officer_a, tree["a"], anonymous=False, starter="gift")
    services.response_submit(actor=member_a, survey=survey, answers=answers_for(survey, 1, "希望选水果"))
    url = reverse("members:detail", args=[member_a.member.pk])
    client.force_login(officer_a)
    assert "希望选水果" in client.get(url).content.decode()
    client.force_login(member_a)
    assert "希望选水果" not in client.get(url).content.decode()


def test_the_reminder_goes_to_those_who_have_not_answered_and_says_nothing_of_answers(
    tree, officer_a, member_a, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from notifications.models import Notification
    from notifications.reminders import run_daily_reminders

    survey = open_survey(officer_a, tree["a"], title="思想动态调查")
    waiting = _people(tree["a"], 2, "w")
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(actor=member_a, survey=survey, answers=answers_for(survey, 0, "秘密"))
    run_daily_reminders(timezone.localdate(survey.ends_at) - timedelta(days=1), only=["surveys-not-answered"])
    notes = Notification.objects.filter(kind="survey_not_answered")
    assert set(notes.values_list("recipient_id", flat=True)) >= {p.user_id for p in waiting}
    assert not notes.filter(recipient=member_a).exists()
    assert all("秘密" not in n.title + n.body for n in notes)
