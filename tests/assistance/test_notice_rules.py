"""The public notice (公示) as data: at least N working days on the official calendar, approval only after it;
and the home-visit step that keeps what was typed when it is refused."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assistance import services
from assistance.models import NoticeRule, Status, WorkdayAdjustment
from assistance.workdays import end_after, is_workday, working_days

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def reviewed(officer_a, city_admin, case):
    services.case_submit(actor=officer_a, case=case)
    services.case_record_visit(actor=officer_a, case=case, visited_on=TODAY(), visitors="x", findings="y", consent=True)
    services.case_review(actor=city_admin, case=case)
    return case


def test_the_official_calendar_counts_holidays_and_adjusted_working_days():
    assert not is_workday(date(2025, 10, 1))  # National Day
    assert is_workday(date(2025, 9, 28))  # a Sunday made a working day (调休)
    # 2025-09-29 (Mon) … 2025-10-10 (Fri): 29, 30 Sep, 9 and 10 Oct, plus the Saturday 11 Oct is outside
    assert working_days(date(2025, 9, 29), date(2025, 10, 10)) == 4
    assert end_after(date(2025, 9, 29), 5) == date(2025, 10, 11)  # the adjusted Saturday counts


def test_an_administrator_adds_days_for_a_year_the_library_does_not_know():
    monday = date(2035, 1, 1)
    assert monday.weekday() == 0 and is_workday(monday)  # beyond the library: Monday to Friday
    WorkdayAdjustment.objects.create(day=monday, is_workday=False, note="元旦")
    assert not is_workday(monday)
    assert working_days(monday, monday + timedelta(days=4)) == 4


def test_a_one_day_notice_is_refused_and_names_the_earliest_end(officer_a, city_admin, draft_a):
    reviewed(officer_a, city_admin, draft_a)
    with pytest.raises(ValidationError) as refused:
        services.case_start_notice(actor=city_admin, case=draft_a, start=TODAY(), end=TODAY())
    assert "5 个工作日" in str(refused.value) and str(end_after(TODAY(), 5)) in str(refused.value)
    draft_a.refresh_from_db()
    assert draft_a.status == Status.REVIEWED


def test_the_rule_is_data(officer_a, city_admin, draft_a):
    reviewed(officer_a, city_admin, draft_a)
    NoticeRule.objects.create(min_working_days=10)
    with pytest.raises(ValidationError):
        services.case_start_notice(actor=city_admin, case=draft_a, start=TODAY(), end=end_after(TODAY(), 9))
    services.case_start_notice(actor=city_admin, case=draft_a, start=TODAY(), end=end_after(TODAY(), 10))


def test_approval_on_the_last_day_of_the_notice_is_refused(officer_a, city_admin, draft_a):
    reviewed(officer_a, city_admin, draft_a)
    start = TODAY() - timedelta(days=20)
    services.case_start_notice(actor=city_admin, case=draft_a, start=start, end=TODAY())
    with pytest.raises(ValidationError):
        services.case_approve(actor=city_admin, case=draft_a)
    draft_a.notice_end = TODAY() - timedelta(days=1)
    draft_a.save(update_fields=["notice_end"])
    assert services.case_approve(actor=city_admin, case=draft_a).status == Status.FILED


def test_a_refused_visit_keeps_what_was_typed_and_names_the_field_by_its_label(client, officer_a, draft_a):
    services.case_submit(actor=officer_a, case=draft_a)
    client.force_login(officer_a)
    response = client.post(
        f"/assistance/{draft_a.pk}/step/visit/",
        {"visited_on": "2026-03-02", "visitors": "王主席、李委员", "findings": "住房困难属实，收入低。"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="2026-03-02"' in page and "王主席、李委员" in page and "住房困难属实，收入低。" in page
    assert "income_check_consent" not in page
    assert "申请人已签署家庭收入核查授权书：" in page  # the message names the field by its label
    draft_a.refresh_from_db()
    assert draft_a.status == Status.SUBMITTED and not draft_a.visits.exists()
