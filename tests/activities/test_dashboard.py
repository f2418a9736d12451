"""The dashboard's activities charts: activities and participation per month of the year, scoped."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from activities.models import EntryStatus, Registration
from tests.factories import MemberFactory
from tests.foundation.test_dashboard import chart_data

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


def held_on(organizer, month: int, day: int = 10, year: int | None = None, **kwargs):
    """An activity at 09:00 Shanghai time on that day of the current year (registration closed before)."""
    year = year or timezone.localdate().year
    starts = timezone.make_aware(datetime(year, month, day, 9, 0))
    return ActivityFactory(
        organizer=organizer,
        starts_at=starts,
        registration_opens_at=starts - timedelta(days=20),
        registration_closes_at=starts - timedelta(days=2),
        cancellation_deadline=starts - timedelta(days=3),
        **kwargs,
    )


def register(activity, member, *, attended=False, status=EntryStatus.CONFIRMED):
    return Registration.objects.create(
        activity=activity, member=member, status=status, attended_at=activity.starts_at if attended else None
    )


@pytest.fixture
def calendar_data(tree):
    """March: a city activity (A: 2 confirmed, 1 checked in; B: 1; a cancelled A) and unit A's own (1 confirmed).
    May: unit B's own (1 of B). Last December: a city activity (not this year's)."""
    a1, a2, a3 = MemberFactory.create_batch(3, unit=tree["a"])
    b1, b2 = MemberFactory.create_batch(2, unit=tree["b"])
    c1 = MemberFactory(unit=tree["c"])
    city_march = held_on(tree["city"], 3, title="全市岗位练兵")
    register(city_march, a1, attended=True)
    register(city_march, a2)
    register(city_march, a3, status=EntryStatus.CANCELLED)
    register(city_march, b1, attended=True)
    register(city_march, c1)
    unit_a_march = held_on(tree["a"], 3, day=31, title="财政局读书会")
    register(unit_a_march, a3)
    unit_b_may = held_on(tree["b"], 5, title="商务局羽毛球赛")
    register(unit_b_may, b2, attended=True)
    last_year = held_on(tree["city"], 12, year=timezone.localdate().year - 1, title="去年的活动")
    register(last_year, a1, attended=True)
    return {"city_march": city_march, "unit_a_march": unit_a_march, "unit_b_may": unit_b_may}


def figures(client, user) -> tuple[dict, dict]:
    client.force_login(user)
    html = client.get("/").content.decode()
    return chart_data(html, "activities-per-month"), chart_data(html, "participation-per-month")


def test_an_officer_sees_the_activities_open_to_the_unit_and_only_the_units_turnout(client, officer_a, calendar_data):
    held, turnout = figures(client, officer_a)
    assert len(held["labels"]) == 12
    assert held["series"][0]["values"][2] == 2  # March: the city's and the unit's own
    assert held["series"][0]["values"][4] == 0  # May: unit B's activity is not unit A's business
    assert sum(held["series"][0]["values"]) == 2  # last December is not this year
    confirmed, attended = turnout["series"]
    assert (confirmed["values"][2], attended["values"][2]) == (3, 1)  # A's people only; the cancelled one is out
    assert sum(confirmed["values"]) == 3 and sum(attended["values"]) == 1


def test_a_zone_lead_sees_the_zones_units_and_the_city_admin_everything(client, zone_lead, city_admin, calendar_data):
    held, turnout = figures(client, zone_lead)
    assert (held["series"][0]["values"][2], held["series"][0]["values"][4]) == (2, 1)
    assert turnout["series"][0]["values"][2] == 4  # A's three and B's one, not C's
    assert turnout["series"][1]["values"][4] == 1
    held, turnout = figures(client, city_admin)
    assert turnout["series"][0]["values"][2] == 5  # C's too
    assert sum(turnout["series"][1]["values"]) == 3


def test_a_month_of_the_chart_opens_exactly_the_activities_it_counts(client, officer_a, calendar_data):
    held, _ = figures(client, officer_a)
    url = held["urls"][2]
    assert "month=" in url and "when=all" in url
    page = client.get(url).content.decode()
    assert page.count('data-testid="activity-row"') == held["series"][0]["values"][2] == 2
    assert "全市岗位练兵" in page and "财政局读书会" in page
    assert "商务局羽毛球赛" not in page and "去年的活动" not in page
    may = client.get(held["urls"][4]).content.decode()
    assert 'data-testid="activity-row"' not in may  # unit B's May activity stays unit B's


def test_the_month_filter_on_the_activity_list(client, officer_a, calendar_data):
    client.force_login(officer_a)
    year = timezone.localdate().year
    page = client.get(f"/activities/?month={year}-3&when=all").content.decode()  # the calendar's YYYY-M too
    assert page.count('data-testid="activity-row"') == 2
    assert f'value="{year}-03"' in page  # the month picker shows the month asked for
    bad = client.get("/activities/?month=2026-13")
    assert bad.status_code == 200
    assert "YYYY-MM" in bad.content.decode()  # a clear message, not a 500


def test_a_plain_member_gets_no_activity_charts(client, member_a, calendar_data):
    client.force_login(member_a)
    html = client.get("/").content.decode()
    assert "activities-per-month" not in html
    assert 'data-testid="upcoming-panel"' in html  # the upcoming list stays for everyone
