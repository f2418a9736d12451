"""In real Chromium on a phone (issue #22): an outside person applies to join and is accepted; a member shows the
card and is checked in with it; a member books a counselling slot that the own unit's officer cannot see; a member
asks for legal help and gets an answer."""

import os
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import EntryStatus, Registration
from care import links
from care.models import ApplicationStatus, CounsellingBooking, CounsellingSlot, Counsellor, JoinApplication
from members.models import Member
from tests.activities.factories import ActivityFactory
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import valid_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "locale": "zh-CN"}


def _phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _shot(page, name):
    if os.environ.get("E2E_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"care-{name}.png"), full_page=True)


def _fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_an_outside_person_applies_and_is_accepted(browser, live_server, tree, officer_a):
    ctx, applicant = _phone(browser)
    applicant.goto(live_server.url + reverse("care:join", args=[links.join_key(tree["a"].pk)]))
    assert "市财政局" in applicant.get_by_test_id("join-unit").inner_text()
    applicant.fill("input[name=name]", "顾晓雯")
    applicant.fill("input[name=id_number]", valid_id_number(4242, gender="F"))
    applicant.select_option("select[name=employment_type]", "agency")
    applicant.fill("input[name=mobile]", "13962900001")
    applicant.fill("input[name=position]", "办事员")
    applicant.check("input[name=consent]")
    _fits_the_phone(applicant)
    _shot(applicant, "1-join")
    applicant.get_by_test_id("join-submit").click()
    applicant.get_by_test_id("application-status").wait_for()
    assert applicant.get_by_test_id("application-status").inner_text().strip() == "待单位审核"
    status_url = applicant.url

    octx, officer = _phone(browser)
    login(officer, live_server, "officer_a")
    officer.goto(f"{live_server.url}/care/applications/")
    officer.get_by_role("link", name="顾晓雯").click()
    officer.fill("input[name=card_number]", "J2026777")
    _shot(officer, "2-decide")
    officer.get_by_test_id("accept").click()
    officer.get_by_test_id("new-password").wait_for()
    assert officer.get_by_test_id("new-username").inner_text().strip() == "13962900001"
    _fits_the_phone(officer)
    member = Member.objects.get(card_number="J2026777")
    assert member.unit == tree["a"] and member.user.username == "13962900001"
    assert JoinApplication.objects.get().status == ApplicationStatus.ACCEPTED

    applicant.goto(status_url)
    assert applicant.get_by_test_id("application-status").inner_text().strip() == "已同意"
    octx.close()
    ctx.close()


def test_a_member_shows_the_card_and_is_checked_in_with_it(browser, live_server, tree, member_a, officer_a):
    now = timezone.now()
    activity = ActivityFactory(
        organizer=tree["a"],
        title="职工健步走",
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        registration_opens_at=now - timedelta(days=5),
        registration_closes_at=now - timedelta(hours=1),
        cancellation_deadline=now - timedelta(hours=1),
    )
    registration = Registration.objects.create(activity=activity, member=member_a.member, status=EntryStatus.CONFIRMED)

    ctx, member = _phone(browser)
    login(member, live_server, "member_a")
    member.goto(f"{live_server.url}/care/card/")
    assert member.get_by_test_id("card-name").inner_text().strip() == member_a.member.name
    assert member.get_by_test_id("card-number").inner_text().strip() == member_a.member.card_number
    token = member.get_by_test_id("card-qr").get_attribute("data-token")
    assert member.locator("[data-testid=card-qr] svg").count() == 1
    _fits_the_phone(member)
    _shot(member, "3-card")

    octx, officer = _phone(browser)
    login(officer, live_server, "officer_a")
    officer.goto(f"{live_server.url}/activities/{activity.pk}/participants/")
    officer.get_by_test_id("card-code").fill(token)  # what a scanner types into the field
    officer.get_by_test_id("card-checkin").click()
    officer.get_by_text(f"{member_a.member.name} 已签到。").wait_for()
    _shot(officer, "4-checked-in")
    registration.refresh_from_db()
    assert registration.attended_at is not None
    octx.close()
    ctx.close()


def test_a_booking_is_hidden_from_the_own_units_officer(browser, live_server, tree, member_a, officer_a):
    counsellor = Counsellor.objects.create(organization=tree["city"], name="陈静", qualification="国家二级心理咨询师")
    starts = datetime.combine(
        timezone.localdate() + timedelta(days=2), time(10), tzinfo=timezone.get_current_timezone()
    )
    CounsellingSlot.objects.create(counsellor=counsellor, starts_at=starts, ends_at=starts + timedelta(minutes=50))

    ctx, member = _phone(browser)
    login(member, live_server, "member_a")
    member.goto(f"{live_server.url}/care/counselling/")
    member.locator("[data-testid=free-slot] input[name=topic]").fill("工作压力")
    member.get_by_test_id("book").click()
    member.get_by_test_id("my-booking").wait_for()
    assert "陈静" in member.get_by_test_id("my-booking").inner_text()
    _fits_the_phone(member)
    _shot(member, "5-booked")
    booking = CounsellingBooking.objects.get()

    octx, officer = _phone(browser)
    login(officer, live_server, "officer_a")
    for path in ("/care/counselling/", f"/members/{member_a.member.pk}/"):
        officer.goto(live_server.url + path)
        assert "工作压力" not in officer.content()
    officer.goto(live_server.url + "/care/counselling/")
    assert officer.get_by_test_id("my-booking").count() == 0 or member_a.member.name not in officer.content()
    response = officer.goto(f"{live_server.url}/care/counselling/bookings/{booking.pk}/")
    assert response.status == 404
    response = officer.goto(f"{live_server.url}/care/counselling/bookings/")
    assert response.status == 403
    _shot(officer, "6-hidden")
    octx.close()
    ctx.close()


def test_a_member_asks_for_legal_help_and_gets_an_answer(browser, live_server, tree, member_a, city_admin):
    ctx, member = _phone(browser)
    login(member, live_server, "member_a")
    member.goto(f"{live_server.url}/care/legal/")
    member.fill("input[name=subject]", "劳务派遣加班费")
    member.fill("textarea[name=description]", "周末加班是否应按两倍工资计算？")
    member.get_by_test_id("legal-send").click()
    member.get_by_test_id("legal-status").wait_for()
    item_url = member.url

    actx, admin = _phone(browser)
    login(admin, live_server, "cityadmin")
    admin.goto(f"{live_server.url}/care/legal/inbox/")
    admin.get_by_role("link", name="劳务派遣加班费").click()
    admin.fill("textarea[name=answer]", "休息日加班且不能安排补休的，应支付不低于工资200%的报酬。")
    admin.get_by_test_id("legal-answer-send").click()
    admin.get_by_test_id("legal-answer").wait_for()
    actx.close()

    member.goto(item_url)
    assert "200%" in member.get_by_test_id("legal-answer").inner_text()
    member.locator("input[name=rating][value='5']").check()
    member.get_by_test_id("legal-rate").click()
    member.get_by_text("感谢您的评价").first.wait_for()
    _fits_the_phone(member)
    _shot(member, "7-legal")
    ctx.close()
