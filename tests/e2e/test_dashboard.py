"""Dashboards in real Chromium for every role: the charts draw, nothing breaks the content policy."""

import pytest

from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import MemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("who", "charts"),
    [("cityadmin", 4), ("zonelead1", 4), ("officer_a", 3), ("member_a", 0)],
)
def test_dashboard_draws_for_each_role(
    page, live_server, tree, city_admin, zone_lead, officer_a, member_a, who, charts
):
    for unit in ("a", "b", "c"):
        MemberFactory.create_batch(3, unit=tree[unit])
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


def test_the_figures_beneath_a_chart_link_to_the_filtered_list(page, live_server, tree, city_admin):
    MemberFactory.create_batch(2, unit=tree["c"])
    login(page, live_server, "cityadmin")
    page.locator(".union-chart[data-drawn='1']").first.wait_for()
    page.get_by_text("数据").first.click()  # the figures table beneath the chart
    page.get_by_role("link", name="市公安局").click()
    page.wait_for_url(f"**/members/?unit={tree['c'].pk}")
    assert page.locator("[data-testid=member-row]").count() == 2
