"""The file's workflow: every step in order, by the right role, in the right unit; refusals otherwise."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from assistance import services
from assistance.models import HardshipCase, Status
from assistance.services.cases import _one_year_after

from .conftest import file_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_the_full_path_records_who_and_when_at_every_step(officer_a, city_admin, applicant_a):
    case = file_case(officer_a, city_admin, applicant_a)
    assert case.status == Status.FILED
    assert case.review_due == _one_year_after(TODAY())
    steps = list(case.steps.values_list("action", "to_status", "actor__username"))
    assert steps == [
        ("open", "draft", "officer_a"),
        ("submit", "submitted", "officer_a"),
        ("visit", "visited", "officer_a"),
        ("review", "reviewed", "cityadmin"),
        ("notice", "notice", "cityadmin"),
        ("approve", "filed", "cityadmin"),
    ]
    assert all(s.at for s in case.steps.all())
    visit = case.visits.get()
    assert visit.income_check_consent and visit.recorded_by.username == "officer_a"
    assert case.history.count() >= 6  # simple-history keeps each change


def test_skipped_steps_are_refused(officer_a, city_admin, draft_a):
    with pytest.raises(ValidationError, match="此步骤要求"):
        services.case_record_visit(
            actor=officer_a, case=draft_a, visited_on=TODAY(), visitors="x", findings="y", consent=True
        )
    with pytest.raises(ValidationError):
        services.case_review(actor=city_admin, case=draft_a)
    with pytest.raises(ValidationError):
        services.case_approve(actor=city_admin, case=draft_a)
    services.case_submit(actor=officer_a, case=draft_a)
    with pytest.raises(ValidationError):
        services.case_start_notice(actor=city_admin, case=draft_a, start=TODAY(), end=TODAY())
    draft_a.refresh_from_db()
    assert draft_a.status == Status.SUBMITTED


def test_wrong_role_is_refused(officer_a, zone_lead, city_admin, draft_a):
    services.case_submit(actor=officer_a, case=draft_a)
    services.case_record_visit(
        actor=officer_a, case=draft_a, visited_on=TODAY(), visitors="x", findings="y", consent=True
    )
    with pytest.raises(PermissionDenied):  # the unit union cannot do the city union's review
        services.case_review(actor=officer_a, case=draft_a)
    with pytest.raises(PermissionDenied):  # a zone lead reads but does not decide
        services.case_review(actor=zone_lead, case=draft_a)
    with pytest.raises(PermissionDenied):
        services.case_reject(actor=officer_a, case=draft_a, reason="no")


def test_another_unit_gets_not_found(officer_b, draft_a):
    with pytest.raises(Http404):
        services.case_submit(actor=officer_b, case=draft_a)
    with pytest.raises(Http404):
        services.case_return(actor=officer_b, case=draft_a, reason="x")


def test_the_visit_needs_the_signed_consent(officer_a, draft_a):
    services.case_submit(actor=officer_a, case=draft_a)
    with pytest.raises(ValidationError, match="consent"):
        services.case_record_visit(
            actor=officer_a, case=draft_a, visited_on=TODAY(), visitors="x", findings="y", consent=False
        )


def test_approval_waits_for_the_notice_to_end(officer_a, city_admin, draft_a):
    services.case_submit(actor=officer_a, case=draft_a)
    services.case_record_visit(
        actor=officer_a, case=draft_a, visited_on=TODAY(), visitors="x", findings="y", consent=True
    )
    services.case_review(actor=city_admin, case=draft_a)
    with pytest.raises(ValidationError):
        services.case_start_notice(actor=city_admin, case=draft_a, start=TODAY(), end=TODAY() - timedelta(days=1))
    services.case_start_notice(actor=city_admin, case=draft_a, start=TODAY(), end=TODAY() + timedelta(days=14))
    with pytest.raises(ValidationError, match="公示期至"):
        services.case_approve(actor=city_admin, case=draft_a)


def test_return_and_reject_need_a_reason_and_are_recorded(officer_a, city_admin, draft_a):
    services.case_submit(actor=officer_a, case=draft_a)
    with pytest.raises(ValidationError):
        services.case_return(actor=officer_a, case=draft_a, reason="  ")
    services.case_return(actor=officer_a, case=draft_a, reason="缺少收入证明")
    draft_a.refresh_from_db()
    assert draft_a.status == Status.DRAFT
    services.case_submit(actor=officer_a, case=draft_a)
    services.case_reject(actor=city_admin, case=draft_a, reason="收入超过标准")
    step = draft_a.steps.last()
    assert (step.action, step.reason, step.actor.username) == ("reject", "收入超过标准", "cityadmin")
    # a rejected file no longer blocks the household
    assert not draft_a.household.filter(case_open=True).exists()


def test_reverification_keeps_changes_or_closes(officer_a, filed_a):
    services.case_reverify(actor=officer_a, case=filed_a, outcome="change", note="", category="relative")
    filed_a.refresh_from_db()
    assert filed_a.category == "relative"
    with pytest.raises(ValidationError, match="reason"):
        services.case_reverify(actor=officer_a, case=filed_a, outcome="close", note="")
    services.case_reverify(actor=officer_a, case=filed_a, outcome="close", note="", close_reason="out")
    filed_a.refresh_from_db()
    assert filed_a.status == Status.CLOSED and filed_a.follow_up_on > TODAY()
    assert filed_a.close_reason == "out"


def test_due_and_overdue_files_are_listed(client, officer_a, filed_a):
    HardshipCase.objects.filter(pk=filed_a.pk).update(review_due=TODAY() - timedelta(days=1))
    client.force_login(officer_a)
    response = client.get("/assistance/?due=overdue")
    assert filed_a.number in response.content.decode()
    assert response.context["counts"]["overdue"] == 1
    assert filed_a.number not in client.get("/assistance/?due=due").content.decode()


def test_steps_through_the_pages_with_messages(client, officer_a, city_admin, draft_a):
    client.force_login(officer_a)
    response = client.post(f"/assistance/{draft_a.pk}/step/submit/", follow=True)
    assert "操作成功：档案现为“单位工会已提交”" in response.content.decode()
    draft_a.refresh_from_db()
    assert draft_a.status == Status.SUBMITTED
    response = client.post(f"/assistance/{draft_a.pk}/step/review/", follow=True)
    assert response.status_code == 403  # the unit officer cannot review
    response = client.post(f"/assistance/{draft_a.pk}/step/visit/", {"visited_on": "bad"}, follow=True)
    assert response.status_code == 200
    draft_a.refresh_from_db()
    assert draft_a.status == Status.SUBMITTED  # nothing half-saved
    assert client.post(f"/assistance/{draft_a.pk}/step/nonsense/").status_code == 404
