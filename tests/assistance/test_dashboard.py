"""The dashboard's aid charts: the year's campaigns by campaign and by source, against the budgets."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from assistance import services
from assistance.models import CampaignKind, Source
from tests.factories import MemberFactory
from tests.foundation.test_dashboard import chart_data

from .factories import HardshipCaseFactory

pytestmark = pytest.mark.django_db


def campaign_of(admin, year: int, name: str, budgets: dict):
    return services.campaign_create(
        actor=admin,
        data={
            "name": name,
            "kind": CampaignKind.EVERYDAY,
            "opens_on": date(year, 1, 1),
            "closes_on": date(year, 12, 31),
            "default_amount": Decimal("1000"),
        },
        budgets=budgets,
    )


def grant(admin, case, campaign, amount: str, source: str):
    return services.grant_create(
        actor=admin,
        case=case,
        campaign=campaign,
        purpose="living",
        amount=Decimal(amount),
        source=source,
        granted_on=campaign.opens_on,
    )


@pytest.fixture
def aid(tree, city_admin, officer_a, zone_lead):
    """This year's 日常帮扶 (union 10,000, charity 5,000): A 3,000 union, B 2,000 charity, C 1,000 union.
    Last year's campaign: A 500 union (not this year's)."""
    year = timezone.localdate().year
    cases = {k: HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree[k])) for k in ("a", "b", "c")}
    budgets = {Source.UNION: Decimal("10000"), Source.CHARITY: Decimal("5000")}
    this = campaign_of(city_admin, year, "本年日常帮扶", budgets)
    last = campaign_of(city_admin, year - 1, "去年日常帮扶", {Source.UNION: Decimal("9000")})
    grant(city_admin, cases["a"], this, "3000", Source.UNION)
    grant(city_admin, cases["b"], this, "2000", Source.CHARITY)
    grant(city_admin, cases["c"], this, "1000", Source.UNION)
    grant(city_admin, cases["a"], last, "500", Source.UNION)
    return {"this": this, "last": last, "year": year}


def charts(client, user) -> tuple[dict, dict, str]:
    client.force_login(user)
    html = client.get("/").content.decode()
    return chart_data(html, "aid-by-campaign"), chart_data(html, "aid-by-source"), html


def grand_total(page: str) -> Decimal:
    return Decimal(re.search(r'data-testid="grand-total">([^<]*)<', page)[1].replace(",", ""))


def by_label(chart: dict, series: str) -> dict:
    values = next(s["values"] for s in chart["series"] if s["name"] == series)
    return dict(zip(chart["labels"], values, strict=True))


def test_the_city_admin_sees_the_years_aid_against_the_budgets(client, city_admin, aid):
    campaigns, sources, _ = charts(client, city_admin)
    assert campaigns["labels"] == ["本年日常帮扶"]  # last year's campaign is not this year's
    assert by_label(campaigns, "预算") == {"本年日常帮扶": 15000}
    assert by_label(campaigns, "已发放") == {"本年日常帮扶": 6000}
    assert by_label(sources, "预算")["工会经费"] == 10000 and by_label(sources, "预算")["公益慈善"] == 5000
    assert by_label(sources, "已发放")["工会经费"] == 4000 and by_label(sources, "已发放")["公益慈善"] == 2000


def test_an_officer_sees_the_own_units_aid_and_no_city_budget(client, officer_a, aid):
    campaigns, sources, html = charts(client, officer_a)
    assert [s["name"] for s in campaigns["series"]] == ["已发放"]  # a city budget against one unit's aid misleads
    assert by_label(campaigns, "已发放") == {"本年日常帮扶": 3000}
    assert by_label(sources, "已发放")["工会经费"] == 3000 and by_label(sources, "已发放")["公益慈善"] == 0
    assert 'data-testid="aid-overdue"' in html  # the files panel stays


def test_a_zone_lead_sees_the_zones_aid(client, zone_lead, aid):
    campaigns, sources, _ = charts(client, zone_lead)
    assert by_label(campaigns, "已发放") == {"本年日常帮扶": 5000}  # A and B, not C


def test_a_campaign_and_a_source_open_exactly_the_grants_they_count(client, officer_a, city_admin, aid):
    campaigns, sources, _ = charts(client, officer_a)
    page = client.get(campaigns["urls"][0]).content.decode()
    assert page.count('data-testid="report-row"') == 1
    assert grand_total(page) == 3000  # the officer's own grant, not B's or C's
    campaigns, sources, _ = charts(client, city_admin)
    union = sources["urls"][sources["labels"].index("工会经费")]
    page = client.get(union).content.decode()
    assert page.count('data-testid="report-row"') == 2  # A's and C's of this year, not last year's 500
    assert grand_total(page) == 4000


def test_members_and_officers_without_the_right_get_no_aid_charts(client, member_a, city_admin, aid):
    client.force_login(city_admin)  # the control: someone with the right sees the chart
    assert "aid-by-campaign" in client.get("/").content.decode()
    client.force_login(member_a)
    assert "aid-by-campaign" not in client.get("/").content.decode()
