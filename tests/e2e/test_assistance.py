"""In Chromium: an officer files a case, it passes visit, review, notice and approval, gets two grants from
two campaigns and sources, and a second file for the same household is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assistance.models import Grant, HardshipCase
from tests.assistance.conftest import make_campaign, make_winter
from tests.e2e.conftest import login
from tests.factories import MemberFactory, valid_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _click(page, name):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_officer_files_a_case_through_to_two_grants(page, browser, live_server, officer_a, city_admin, tree):
    campaign, winter = make_campaign(city_admin), make_winter(city_admin)
    spouse_id = valid_id_number(5151, gender="F")
    applicant = MemberFactory(unit=tree["a"], name="张小明", card_number="T9000001")
    spouse = MemberFactory(unit=tree["a"], name="李芳", card_number="T9000002", id_number=spouse_id)
    today = timezone.localdate()

    # The unit officer opens the file and records the home visit.
    login(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/assistance/")
    page.get_by_role("link", name="新建档案").click()
    page.fill("#id_card_number", applicant.card_number)
    page.select_option("#id_category", "deep")
    page.check("input[name=causes][value=illness]")
    page.check("input[name=causes][value=schooling]")
    page.fill("#id_household_size", "3")
    page.fill("#id_income_per_head", "720.50")
    page.fill("#id_minimum_living_standard", "960")
    page.fill(
        "#id_household_text",
        f"李芳, 配偶, {spouse_id}\n张晨, 儿子, {valid_id_number(5152, born=today.replace(year=today.year - 19))}",
    )
    page.fill("#id_bank_account", "6228480012345678901")
    _click(page, "保存")
    assert page.get_by_text("已建立（草稿）").is_visible()
    assert "***************8901" in page.get_by_test_id("bank").inner_text()
    case = HardshipCase.objects.get()
    _click(page, "提交市级机关工会")
    page.fill("#id_visitors", "王主席、刘委员")
    page.fill("#id_findings", "妻子患病，儿子上大学，家庭收入低于低保标准。")
    page.check("#id_consent")
    _click(page, "登记走访")
    assert page.get_by_test_id("case-status").inner_text() == "已入户走访"

    # The city union reviews, runs the public notice (masked on the notice page) and approves.
    admin_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    admin = admin_ctx.new_page()
    admin.on("dialog", lambda d: d.accept())
    login(admin, live_server, "cityadmin")
    admin.goto(f"{live_server.url}/assistance/{case.pk}/")
    _click(admin, "市级机关工会已审核")
    admin.fill("input[name=start]", (today - timedelta(days=7)).isoformat())
    admin.fill("input[name=end]", (today + timedelta(days=1)).isoformat())
    _click(admin, "开始公示")
    admin.goto(f"{live_server.url}/assistance/notice/")
    row = admin.get_by_test_id("notice-row").first.inner_text()
    assert "张*明" in row and "张小明" not in row
    # the notice period has run its course (approval comes only after its last day)
    HardshipCase.objects.filter(pk=case.pk).update(
        notice_start=today - timedelta(days=10), notice_end=today - timedelta(days=1)
    )
    admin.goto(f"{live_server.url}/assistance/{case.pk}/")
    _click(admin, "审批建档")
    assert admin.get_by_test_id("case-status").inner_text() == "已审批建档"

    # The officer puts the file on the 金秋助学 roster; the city union grants from union funds ...
    page.goto(f"{live_server.url}/assistance/campaigns/{campaign.pk}/")
    page.select_option("#id_case", str(case.pk))
    page.select_option("#id_purpose", "university")
    page.select_option("#id_source", "union")
    _click(page, "列入名单")
    assert page.get_by_test_id("roster-row").count() == 1
    admin.goto(f"{live_server.url}/assistance/campaigns/{campaign.pk}/")
    _click(admin, "按名单批量发放")
    assert admin.get_by_text("已发放 1 笔").is_visible()
    # ... and from charity in the winter-warmth campaign.
    page.goto(f"{live_server.url}/assistance/campaigns/{winter.pk}/")
    page.select_option("#id_case", str(case.pk))
    page.select_option("#id_purpose", "living")
    page.select_option("#id_source", "charity")
    _click(page, "列入名单")
    admin.goto(f"{live_server.url}/assistance/campaigns/{winter.pk}/")
    _click(admin, "按名单批量发放")
    admin_ctx.close()

    page.goto(f"{live_server.url}/assistance/{case.pk}/")
    assert page.get_by_test_id("grant-row").count() == 2
    assert sorted(Grant.objects.values_list("source", flat=True)) == ["charity", "union"]

    # A second file for the same household (the spouse applies) is refused, naming the first.
    page.goto(f"{live_server.url}/assistance/new/")
    page.fill("#id_card_number", spouse.card_number)
    page.select_option("#id_category", "relative")
    page.check("input[name=causes][value=illness]")
    page.fill("#id_household_size", "3")
    page.fill("#id_income_per_head", "720")
    page.fill("#id_minimum_living_standard", "960")
    _click(page, "保存")
    assert page.get_by_text(f"该家庭已有在档的困难职工档案：{case.number}").is_visible()
    assert HardshipCase.objects.count() == 1
