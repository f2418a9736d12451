"""A day in the life (issue #18), in Chromium, one journey per role; each saves screenshots in test-artifacts/
(daily-*.png) that were looked at while building the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from activities import services as activity_services
from assistance import services as assistance_services
from members.festivals import festival_calendar
from tests.activities.factories import ActivityFactory
from tests.assistance.conftest import open_case
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import MemberFactory
from welfare.defaults import ensure_jiangsu_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"daily-{name}.png"), full_page=True)


def test_an_officer_finds_people_registers_them_and_keeps_what_was_typed(page, live_server, officer_a, tree):
    zxm = MemberFactory(unit=tree["a"], name="张晓明", mobile="13912345678")
    for name in ("阿依古丽", "白雪", "李安", "王芳", "赵磊", "钱敏"):
        MemberFactory(unit=tree["a"], name=name)
    old = ActivityFactory(organizer=tree["a"], title="机关职工乒乓球比赛", place="市体育馆", capacity=40)
    login(page, live_server, "officer_a")

    # Finding people: initials, part of a mobile number; names in pinyin order.
    page.goto(f"{live_server.url}/members/?q=zxm")
    assert page.get_by_test_id("member-row").count() == 1
    page.goto(f"{live_server.url}/members/?q=345678")
    assert page.get_by_test_id("member-row").first.inner_text().startswith("张晓明")
    page.goto(f"{live_server.url}/members/?sort=name")
    names = [r.locator("td").first.inner_text() for r in page.get_by_test_id("member-row").all()]
    assert names.index("阿依古丽") < names.index("白雪") < names.index("李安") < names.index("张晓明")
    shot(page, "officer-members-pinyin")

    # A new activity: sensible defaults, or copied from a previous one.
    page.goto(f"{live_server.url}/activities/new/")
    assert page.input_value("input[name=starts_at]").endswith("14:30")
    page.select_option("#id_copy", str(old.pk))
    page.get_by_role("button", name="复制").click()
    assert page.input_value("input[name=title]") == "机关职工乒乓球比赛"
    shot(page, "officer-activity-copy")

    # Registering members on their behalf: search as you type, select those not yet registered, a count.
    page.goto(f"{live_server.url}/activities/{old.pk}/register-members/")
    page.get_by_test_id("candidate-search").fill("zx")
    expect(page.get_by_test_id("candidate")).to_have_count(1)
    page.get_by_test_id("select-open").click()
    assert page.get_by_test_id("selected-count").inner_text().endswith("1")
    page.get_by_test_id("candidate-search").fill("")
    expect(page.get_by_test_id("candidate")).to_have_count(8)  # the unit's 7 new members and the officer
    assert page.get_by_test_id("selected-count").inner_text().endswith("1")  # the tick survived the search
    shot(page, "officer-register-on-behalf")
    page.get_by_test_id("register-selected").click()
    page.get_by_text("已报名 1 人").wait_for()
    assert old.registrations.filter(member=zxm).exists()

    # The hardship home visit without the consent: everything typed is still there, the field named by its label.
    case = open_case(officer_a, zxm)
    assistance_services.case_submit(actor=officer_a, case=case)
    page.goto(f"{live_server.url}/assistance/{case.pk}/")
    page.fill("input[name=visitors]", "王主席、李委员")
    page.fill("textarea[name=findings]", "住房困难属实。")
    page.locator("form[action$='/step/visit/'] button[type=submit]").click()
    page.get_by_text("申请人已签署家庭收入核查授权书").first.wait_for()
    assert page.input_value("input[name=visitors]") == "王主席、李委员"
    assert page.input_value("textarea[name=findings]") == "住房困难属实。"
    shot(page, "officer-visit-kept")

    # A page that does not exist: in Chinese, in the layout, with a way back.
    page.goto(f"{live_server.url}/members/99999999/")
    page.get_by_test_id("error-page").wait_for()
    assert "页面不存在" in page.inner_text("main") and page.get_by_test_id("error-home").is_visible()
    shot(page, "officer-404")


def test_a_member_on_a_phone_finds_my_registrations_the_next_activity_and_the_coming_festivals(
    phone, live_server, member_a, tree
):
    ensure_jiangsu_policy(timezone.localdate().year)
    first_next_month = (timezone.localdate().replace(day=1) + timedelta(days=62)).replace(day=1)
    later = timezone.make_aware(
        timezone.datetime.combine(first_next_month + timedelta(days=9), timezone.datetime.min.time())
    )
    act = ActivityFactory(organizer=tree["a"], title="书香机关读书分享会", starts_at=later.replace(hour=14, minute=30))
    activity_services.registration_create(actor=member_a, activity_id=act.pk)
    page = phone
    login(page, live_server, "member_a")
    page.locator(".navbar-toggler").click()
    page.get_by_role("link", name="我的报名").click()
    page.get_by_text("书香机关读书分享会").wait_for()
    shot(page, "member-phone-my-registrations")

    page.goto(f"{live_server.url}/activities/calendar/")
    page.get_by_test_id("calendar-jumped").wait_for()
    assert f"{first_next_month.year}年{first_next_month.month}月" in page.inner_text("h1")
    shot(page, "member-phone-calendar")

    page.goto(f"{live_server.url}/welfare/")
    page.get_by_test_id("festivals").wait_for()
    past = [f for f in festival_calendar(timezone.localdate().year, timezone.localdate()) if f["days_away"] < 0]
    assert page.locator("[data-testid^=festival-]").count() == 7 - len(past)  # only the coming ones
    if past:
        page.get_by_test_id("show-past").wait_for()
    shot(page, "member-phone-welfare")

    page.goto(f"{live_server.url}/accounts/password/")
    shot(page, "member-phone-password")


def test_a_zone_lead_reads_the_zone_in_pinyin_order_and_is_refused_in_chinese(page, live_server, zone_lead, tree):
    for name in ("赵磊", "白雪", "阿依古丽"):
        MemberFactory(unit=tree["a"], name=name)
    login(page, live_server, "zonelead1")
    page.goto(f"{live_server.url}/members/?unit={tree['a'].pk}")
    names = [r.locator("td").first.inner_text() for r in page.get_by_test_id("member-row").all()]
    assert names.index("阿依古丽") < names.index("白雪") < names.index("赵磊")
    assert "共" in page.inner_text("main")
    shot(page, "zonelead-members")
    page.goto(f"{live_server.url}/voice/honours/new/")  # the city union's page: refused
    page.get_by_test_id("error-page").wait_for()
    assert "您没有此项操作的权限" in page.inner_text("main")
    shot(page, "zonelead-403")


def test_a_city_administrator_runs_the_notice_by_working_days_and_the_admin_in_chinese(
    page, live_server, city_admin, officer_a, tree
):
    applicant = MemberFactory(unit=tree["a"], name="孙丽")
    case = open_case(officer_a, applicant)
    assistance_services.case_submit(actor=officer_a, case=case)
    assistance_services.case_record_visit(
        actor=officer_a, case=case, visited_on=timezone.localdate(), visitors="王主席", findings="属实", consent=True
    )
    assistance_services.case_review(actor=city_admin, case=case)
    login(page, live_server, "cityadmin")
    page.goto(f"{live_server.url}/assistance/{case.pk}/")
    today = timezone.localdate().isoformat()
    page.fill("form[action$='/step/notice/'] input[name=end]", today)
    page.locator("form[action$='/step/notice/'] button[type=submit]").click()
    page.get_by_text("个工作日").first.wait_for()
    shot(page, "cityadmin-notice-too-short")
    case.refresh_from_db()
    assert case.status == "reviewed"

    page.goto(f"{live_server.url}/admin/")
    assert "Model name" not in page.content()
    shot(page, "cityadmin-admin-index")
    page.goto(f"{live_server.url}/admin/assistance/workdayadjustment/add/")
    shot(page, "cityadmin-admin-workday")
