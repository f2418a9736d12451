"""The dashboard's welfare charts: the year's spending against the caps, by category and per unit, scoped."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from members.models import Member
from tests.foundation.test_dashboard import chart_data

from .factories import ConfirmedDistributionFactory, WelfarePolicyFactory

pytestmark = pytest.mark.django_db

#: Jiangsu's capped categories per member and year: festival 1,800, birthday 400, marriage 1,000, childbirth 1,000.
CAP_PER_MEMBER = 4200


@pytest.fixture
def spending(tree, city_admin, officer_a, zone_lead, members_abc):
    """A national-day batch per unit: A 300 × 5 members (cityadmin, officer_a and 3), B 200 × 4, C 100 × 3."""
    year = timezone.localdate().year
    policy = WelfarePolicyFactory(year=year)
    for unit, amount in (("a", "300"), ("b", "200"), ("c", "100")):
        ConfirmedDistributionFactory(
            organization=tree[unit],
            policy=policy,
            festival="national",
            date=date(year, 9, 28),
            amount=amount,
            item="国庆礼包",
            created_by=city_admin,
            roster=list(Member.objects.filter(unit=tree[unit])),
        )
    return year


def charts(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def values(chart: dict, index: int) -> dict:
    return dict(zip(chart["labels"], chart["series"][index]["values"], strict=True))


def test_an_officer_sees_the_own_units_spending_by_category_against_the_caps(client, officer_a, spending):
    html = charts(client, officer_a)
    assert "welfare-by-unit-data" not in html  # one unit: nothing to compare
    by_category = chart_data(html, "welfare-by-category")
    assert values(by_category, 0)["节日慰问品"] == 1500  # spent: 300 × 5
    assert values(by_category, 1)["节日慰问品"] == 1800 * 5  # the cap per member × the unit's members
    assert values(by_category, 1)["生日慰问"] == 400 * 5
    assert sum(by_category["series"][0]["values"]) == 1500  # B's and C's spending never shows


def test_a_zone_lead_compares_the_zones_units(client, zone_lead, spending):
    by_unit = chart_data(charts(client, zone_lead), "welfare-by-unit")
    assert by_unit["labels"] == ["市财政局", "市商务局"]  # the most spent first; C is not in the zone
    assert by_unit["series"][0]["values"] == [1500, 800]
    assert by_unit["series"][1]["values"] == [CAP_PER_MEMBER * 5, CAP_PER_MEMBER * 4]


def test_the_city_admin_compares_every_unit(client, city_admin, spending):
    html = charts(client, city_admin)
    by_unit = chart_data(html, "welfare-by-unit")
    assert values(by_unit, 0) == {"市财政局": 1500, "市商务局": 800, "市公安局": 300}
    assert values(chart_data(html, "welfare-by-category"), 0)["节日慰问品"] == 2600


def test_a_unit_of_the_chart_opens_the_report_of_exactly_that_unit(client, zone_lead, officer_a, tree, spending):
    by_unit = chart_data(charts(client, zone_lead), "welfare-by-unit")
    page = client.get(by_unit["urls"][1]).content.decode()  # 市商务局
    assert page.count('data-testid="report-row"') == 1
    assert "800.00 / 7200.00" in page  # spent against 1,800 × 4 in the festival column, as on the chart
    assert page.count('data-testid="member-total-row"') == 4  # B's members whose gifts add up to it
    own = chart_data(charts(client, officer_a), "welfare-by-category")["urls"][0]
    assert f"unit={tree['a'].pk}" in own
    page = client.get(own).content.decode()
    assert page.count('data-testid="report-row"') == 1 and "1500.00 / 9000.00" in page


def test_another_units_report_stays_closed_to_an_officer(client, officer_a, tree, spending):
    client.force_login(officer_a)
    page = client.get(f"/welfare/report/?year={spending}&unit={tree['c'].pk}").content.decode()
    assert "市公安局" not in page and "300.00 /" not in page
    assert page.count('data-testid="report-row"') == 1  # the own unit, as without the parameter


def test_a_plain_member_sees_the_festivals_but_no_spending(client, member_a, spending):
    html = charts(client, member_a)
    assert "welfare-by-category" not in html
    assert 'data-testid="welfare-panel"' in html
