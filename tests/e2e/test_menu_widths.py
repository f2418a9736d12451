"""The menu fits the office's screens: at 1200–1440 px wide (the laptops and monitors of the organs) a city
administrator, who has every section, sees the whole menu on one line and the page does not scroll sideways;
below 1200 px the menu folds behind its button."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1200, 1280, 1366, 1440])
def test_the_whole_menu_fits_on_one_line_without_sideways_scrolling(browser, live_server, city_admin, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    login(page, live_server, "cityadmin")
    page.goto(f"{live_server.url}/members/")
    if os.environ.get("E2E_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"menu-{width}.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert page.locator(".navbar-toggler").is_hidden()
    navbar = page.locator("nav.navbar").bounding_box()
    assert navbar["height"] < 70, navbar  # one line: no item wrapped below the others
    right = page.locator(".dropdown-toggle").last.bounding_box()  # the person's menu, the last item
    assert right["x"] + right["width"] <= width
    context.close()


def test_below_1200_the_menu_folds_behind_its_button(browser, live_server, city_admin):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="zh-CN")
    page = context.new_page()
    login(page, live_server, "cityadmin")
    page.goto(f"{live_server.url}/members/")
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()
