"""A member, on a phone, asks for a correction of the own record; the unit officer, at a desk, refuses it with a
reason; the city administrator sees who saw the member's data (issue #17)."""

import pytest

from members.models import CorrectionRequest
from tests.e2e.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_asks_officer_answers_city_sees_who_saw(phone, page, live_server, member_a, officer_a, city_admin):
    login(phone, live_server, "member_a")
    phone.goto(f"{live_server.url}/members/{member_a.member.pk}/")
    phone.get_by_test_id("correction-button").click()
    phone.locator("summary").click()
    phone.get_by_label("手机号").check()
    phone.fill("textarea[name=proposed]", "手机号应为 13900001111")
    phone.fill("textarea[name=reason]", "换了号码")
    phone.get_by_role("button", name="发送申请").click()
    phone.get_by_text("申请已发送至所在单位工会").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "corrections-member-phone.png"), full_page=True)

    login(page, live_server, "officer_a")
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/members/corrections/")
    row = page.get_by_test_id("correction-row").first
    row.locator("input[name=done][value='0']").check()
    row.locator("input[name=answer]").fill("与人事档案一致")
    row.get_by_role("button", name="答复").click()
    page.get_by_text("答复已保存").wait_for()
    page.screenshot(path=str(ARTIFACTS / "corrections-officer.png"), full_page=True)
    assert CorrectionRequest.objects.get().status == "refused"

    page.context.clear_cookies()
    login(page, live_server, "cityadmin")
    page.goto(f"{live_server.url}/members/{member_a.member.pk}/")
    page.get_by_test_id("who-saw").click()
    page.get_by_test_id("subject").wait_for()
    page.screenshot(path=str(ARTIFACTS / "access-record-who-saw.png"), full_page=True)
