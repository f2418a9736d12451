"""In real Chromium: a member sends an anonymous suggestion; the unit officer answers it without learning
who sent it; the member rates the answer; the city administrator sees the per-unit statistics."""

import os

import pytest

from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _context_page(browser, **kwargs):
    context = browser.new_context(locale="zh-CN", **kwargs)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _shot(page, name):
    if os.environ.get("E2E_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"voice-{name}.png"), full_page=True)


def test_anonymous_suggestion_answered_rated_and_counted(browser, live_server, tree, officer_a, city_admin):
    sender = MemberFactory(unit=tree["a"], name="王晓明", user=UserFactory(username="xiaoming"), card_number="SECRET77")

    # The member sends an anonymous suggestion, from a phone.
    ctx, member = _context_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    login(member, live_server, "xiaoming")
    member.goto(f"{live_server.url}/voice/")
    member.get_by_role("link", name="提交建议或诉求").click()
    member.select_option("select[name=addressee]", str(tree["a"].pk))
    member.select_option("select[name=category]", "work_conditions")
    member.fill("input[name=subject]", "建议食堂延长晚餐时间")
    member.fill("textarea[name=text]", "加班同事多，晚餐18:30就结束了。")
    member.check("input[name=anonymous]")
    _shot(member, "1-send")
    member.get_by_role("button", name="提交").click()
    # An anonymous item keeps no sender: the receipt code, shown once, is the only way back to it.
    code = member.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code) == 19
    _shot(member, "1b-receipt")
    member.get_by_role("link", name="打开该事项").click()
    item_url = member.url

    # The unit officer finds it in the inbox and answers, never seeing the sender's name.
    octx, officer = _context_page(browser, viewport={"width": 1280, "height": 900})
    login(officer, live_server, "officer_a")
    officer.goto(f"{live_server.url}/voice/inbox/")
    officer.get_by_role("link", name="建议食堂延长晚餐时间").click()
    assert officer.get_by_test_id("sender").inner_text().strip() == "匿名"
    html = officer.content()
    assert sender.name not in html and "xiaoming" not in html and "SECRET77" not in html
    officer.fill("textarea[name=answer]", "已与后勤协调，晚餐延长到19:30。")
    officer.get_by_test_id("send-answer").click()
    officer.get_by_text("答复已发送给提交人。").wait_for()
    _shot(officer, "2-answered")
    assert sender.name not in officer.content()
    octx.close()

    # The member sees the answer and rates it.
    member.goto(item_url)
    assert "晚餐延长到19:30" in member.get_by_test_id("answer").inner_text()
    member.check("input[name=satisfied][value='1']")
    member.get_by_test_id("rate").click()
    member.get_by_text("感谢您的评价。").wait_for()
    assert "满意" in member.get_by_test_id("rating").inner_text()
    _shot(member, "3-rated")
    ctx.close()

    # The city administrator sees the per-unit statistics.
    actx, admin = _context_page(browser, viewport={"width": 1280, "height": 900})
    login(admin, live_server, "cityadmin")
    admin.goto(f"{live_server.url}/voice/stats/")
    row = admin.get_by_test_id("stats-row").filter(has_text="市财政局")
    cells = row.locator("td").all_inner_texts()
    assert cells[:3] == ["市财政局", "工作条件", "1"]
    assert cells[3].startswith("1") and cells[5] == "100%"
    _shot(admin, "4-stats")
    actx.close()
