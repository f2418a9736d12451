"""An officer logs in through real Chromium and sees the Chinese dashboard, styled by the portal's own CSS."""

import pytest

from tests.e2e.conftest import login
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_sees_the_chinese_dashboard(page, live_server, officer_a, tree):
    MemberFactory.create_batch(4, unit=tree["a"])
    served = []
    page.on("response", lambda r: served.append(r.url) if r.url.endswith((".css", ".js")) else None)
    page.goto(f"{live_server.url}/members/")
    assert "/accounts/login/" in page.url  # anonymous: asked to log in first
    assert page.get_by_role("heading", name="登录机关工会工作平台").is_visible()
    login(page, live_server, "officer_a")
    assert page.get_by_text("本单位工会概况").is_visible()
    assert page.get_by_test_id("fig-active").inner_text() == "5"  # officer + 4 members of unit A
    # Bootstrap really applied (from /static/, not a CDN): the navbar has the union's red.
    bg = page.eval_on_selector("nav.navbar", "el => getComputedStyle(el).backgroundColor")
    assert bg == "rgb(178, 34, 34)"
    assert served and all(url.startswith(live_server.url + "/static/") for url in served)


def test_wrong_password_gets_a_chinese_message(page, live_server, officer_a):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "officer_a")
    page.fill("input[name=password]", "wrong-password")
    page.click("main button[type=submit]")
    assert page.get_by_text("请输入一个正确的").first.is_visible()


def test_the_menu_collapses_on_a_phone(phone, live_server, officer_a):
    login(phone, live_server, "officer_a")
    assert not phone.get_by_role("link", name="会员", exact=True).is_visible()
    phone.get_by_role("button", name="菜单").click()
    phone.get_by_role("link", name="会员", exact=True).wait_for(state="visible")
