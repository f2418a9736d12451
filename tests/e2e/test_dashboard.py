"""Dashboards in real Chromium for every role: the charts draw, nothing breaks the content policy."""

import json

import pytest

from tests.dashboard_data import grow
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


#: Charts per role: members (4, by unit only where there are several units), activities per month and
#: participation (2), aid by campaign and by source (2, officers with the assistance right), welfare spending
#: by category (1) and per unit (1, where there are several units).
CHARTS = {"cityadmin": 10, "zonelead1": 10, "officer_a": 8, "member_a": 0}


@pytest.mark.parametrize(("who", "charts"), list(CHARTS.items()))
def test_dashboard_draws_for_each_role(
    browser, page, live_server, tree, city_admin, zone_lead, officer_a, member_a, who, charts
):
    grow(tree, city_admin, 6)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, live_server, who)
    drawn = page.locator(".union-chart[data-drawn='1']")
    if charts:
        drawn.nth(charts - 1).wait_for()
        assert page.locator(".union-chart svg").count() == charts
    assert drawn.count() == charts
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{who}.png"), full_page=True)
    assert violations == []
    # At phone width every chart still draws inside the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    if charts:
        drawn.nth(charts - 1).wait_for()
        widths = page.locator(".union-chart").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)")
        assert max(widths) <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{who}-phone.png"), full_page=True)
    assert violations == []


def test_a_month_of_the_activities_chart_opens_its_activities(page, live_server, tree, city_admin, officer_a):
    grow(tree, city_admin, 3)
    login(page, live_server, "officer_a")
    page.locator("[data-testid=chart-activities-per-month][data-drawn='1']").wait_for()
    spec = json.loads(page.locator("#activities-per-month-data").text_content())
    january = spec["series"][0]["values"][0]
    page.locator("#activities-per-month-caption").scroll_into_view_if_needed()
    page.locator("figure", has=page.locator("#activities-per-month-caption")).get_by_text("数据").click()
    page.get_by_role("link", name="1月", exact=True).click()
    page.wait_for_url("**/activities/?month=*-01&when=all")
    assert page.locator("[data-testid=activity-row]").count() == january == 3  # the city's three of January


def test_the_figures_beneath_a_chart_link_to_the_filtered_list(page, live_server, tree, city_admin):
    MemberFactory.create_batch(2, unit=tree["c"])
    login(page, live_server, "cityadmin")
    page.locator(".union-chart[data-drawn='1']").first.wait_for()
    page.get_by_text("数据").first.click()  # the figures table beneath the chart
    page.get_by_role("link", name="市公安局").click()
    page.wait_for_url(f"**/members/?unit={tree['c'].pk}")
    assert page.locator("[data-testid=member-row]").count() == 2
