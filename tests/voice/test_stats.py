"""Statistics per unit and category for a period: received, answered within 7 days, satisfaction."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from tests.voice.factories import VoiceItemFactory
from voice import selectors
from voice.models import ItemStatus

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=SH)


@pytest.fixture
def items(tree):
    a, b = MemberFactory(unit=tree["a"]), MemberFactory(unit=tree["b"])
    made = [
        # unit A, health: answered in 3 days and satisfied; answered in 10 days, not satisfied; unanswered
        VoiceItemFactory(
            sender=a,
            category="health",
            created_at=T0,
            first_answered_at=T0 + timedelta(days=3),
            answered_in_time=True,
            status=ItemStatus.ANSWERED,
            answer="x",
            satisfied=True,
        ),
        VoiceItemFactory(
            sender=a,
            category="health",
            created_at=T0,
            first_answered_at=T0 + timedelta(days=10),
            status=ItemStatus.ANSWERED,
            answer="x",
            satisfied=False,
        ),
        VoiceItemFactory(sender=a, category="health", created_at=T0),
        VoiceItemFactory(
            sender=a, category="welfare", created_at=T0, first_answered_at=T0 + timedelta(days=7), answered_in_time=True
        ),
        VoiceItemFactory(sender=b, category="health", created_at=T0),
        VoiceItemFactory(sender=a, category="health", created_at=T0 - timedelta(days=90)),  # outside the period
    ]
    return made


def _rows(actor):
    return {
        (r["sender_unit__name"], r["category"]): (
            r["received"],
            r["answered_in_time"],
            r["rated"],
            r["satisfied_count"],
        )
        for r in selectors.voice_stats(actor=actor, start=T0.date(), end=T0.date() + timedelta(days=30))
    }


def test_city_admin_sees_every_unit(items, city_admin):
    assert _rows(city_admin) == {
        ("市财政局", "health"): (3, 1, 2, 1),
        ("市财政局", "welfare"): (1, 1, 0, 0),
        ("市商务局", "health"): (1, 0, 0, 0),
    }


def test_an_officer_sees_the_own_unit_only(items, officer_a, officer_b):
    assert set(_rows(officer_a)) == {("市财政局", "health"), ("市财政局", "welfare")}
    assert set(_rows(officer_b)) == {("市商务局", "health")}


def test_stats_page_shows_rates_with_a_pinned_query_count(items, city_admin, client_for, django_assert_num_queries):
    c = client_for(city_admin)
    url = reverse("voice:stats") + "?start=2026-03-01&end=2026-03-31"
    c.get(url)
    with django_assert_num_queries(4):
        html = c.get(url).content.decode()
    assert "50%" in html  # satisfaction 1 of 2 rated in unit A, health
    assert "33%" in html  # 1 of 3 answered within 7 days


@pytest.mark.parametrize(("days", "in_time"), [(6, True), (7, True), (8, False)])
def test_answering_records_whether_it_came_within_seven_days(tree, officer_a, days, in_time):
    from freezegun import freeze_time

    from voice import services

    item = VoiceItemFactory(sender=MemberFactory(unit=tree["a"]), created_at=T0)
    with freeze_time(T0 + timedelta(days=days)):
        services.item_answer(actor=officer_a, item=item, answer="已处理")
    item.refresh_from_db()
    assert item.answered_in_time is in_time


def test_a_bad_period_is_a_message_and_the_default_period(city_admin, client_for):
    response = client_for(city_admin).get("/voice/stats/?start=2026-05-01&end=2026-04-01", follow=True)
    assert response.status_code == 200
    assert "结束日期早于开始日期" in response.content.decode()
