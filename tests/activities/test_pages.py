"""List, calendar, detail, dashboard panel, member section; scope per role; query counts pinned."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities import services

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db
LIST_QUERIES = 8  # the organisers an actor sees: one query (was two)


@pytest.mark.parametrize("n", [10, 100])
def test_activity_list_query_count_does_not_grow(client, tree, officer_a, django_assert_num_queries, n):
    ActivityFactory.create_batch(n, organizer=tree["city"])
    client.force_login(officer_a)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get("/activities/?per_page=100")
    assert response.content.decode().count('data-testid="activity-row"') == n


def test_list_filters_by_kind_organizer_and_search(client, tree, member_a):
    ActivityFactory(title="机关羽毛球联赛", kind="badminton", organizer=tree["city"])
    ActivityFactory(title="征文比赛", kind="essay", organizer=tree["a"])
    client.force_login(member_a)
    assert "征文比赛" not in client.get("/activities/?kind=badminton").content.decode()
    page = client.get(f"/activities/?organizer={tree['a'].pk}").content.decode()
    assert "征文比赛" in page and "机关羽毛球联赛" not in page
    assert "机关羽毛球联赛" in client.get("/activities/?q=联赛").content.decode()
    assert client.get("/activities/?organizer=abc&kind=nope&page=zz&sort=x").status_code == 200


def test_each_role_sees_the_activities_open_to_it(client, tree, officer_a, officer_b, zone_lead, city_admin):
    own_a = ActivityFactory(title="财政局内部活动", organizer=tree["a"])
    zone2 = ActivityFactory(title="政法片活动", organizer=tree["zone2"])
    city = ActivityFactory(title="全市活动", organizer=tree["city"])
    for user, seen, unseen in [
        (officer_a, [own_a, city], [zone2]),
        (officer_b, [city], [own_a, zone2]),
        (zone_lead, [own_a, city], [zone2]),
        (city_admin, [own_a, zone2, city], []),
    ]:
        client.force_login(user)
        page = client.get("/activities/").content.decode()
        for a in seen:
            assert a.title in page, (user, a)
            assert client.get(f"/activities/{a.pk}/").status_code == 200
        for a in unseen:
            assert a.title not in page, (user, a)
            for url in [
                "/",
                "participants/",
                "participants.xlsx",
                "sign-in-sheet.xlsx",
                "qr.png",
                "results/",
                "event.ics",
                "edit/",
            ]:
                assert client.get(f"/activities/{a.pk}/{url}".replace("//", "/")).status_code == 404, (user, url)


def test_management_pages_are_403_for_a_member_who_sees_the_activity(client, tree, member_a):
    act = ActivityFactory(organizer=tree["a"])
    client.force_login(member_a)
    for url in ["participants/", "participants.xlsx", "sign-in-sheet.xlsx", "qr.png", "results/", "edit/"]:
        assert client.get(f"/activities/{act.pk}/{url}").status_code == 403, url
    assert client.get("/activities/new/").status_code == 403  # no unit to organise for
    assert client.get("/activities/participation/").status_code == 403


def test_calendar_shows_the_months_activities_and_survives_bad_input(client, tree, member_a):
    start = timezone.localtime().replace(day=15, hour=10)  # the 15th of this month where the portal is
    ActivityFactory(
        title="月中活动",
        organizer=tree["city"],
        starts_at=start,
        registration_opens_at=start - timedelta(days=20),
        registration_closes_at=start - timedelta(days=2),
        cancellation_deadline=start - timedelta(days=3),
    )
    client.force_login(member_a)
    page = client.get("/activities/calendar/").content.decode()
    assert "月中活动" in page
    nxt = (start + timedelta(days=40)).strftime("%Y-%-m")
    assert "月中活动" not in client.get(f"/activities/calendar/?month={nxt}").content.decode()
    assert client.get("/activities/calendar/?month=2026-13").status_code == 200
    assert client.get("/activities/calendar/?month=garbage").status_code == 200


def test_dashboard_panel_and_member_page_section(client, tree, member_a, officer_a):
    act = ActivityFactory(
        title="即将开始的朗诵会", organizer=tree["city"], starts_at=timezone.now() + timedelta(days=5)
    )
    services.registration_create(actor=member_a, activity_id=act.pk)
    client.force_login(member_a)
    assert "即将开始的朗诵会" in client.get("/").content.decode()
    client.force_login(officer_a)
    page = client.get(f"/members/{member_a.member.pk}/").content.decode()
    assert 'data-testid="member-activities"' in page and "即将开始的朗诵会" in page


def test_officer_creates_an_activity_and_bad_input_names_the_field(client, tree, officer_a, officer_b):
    client.force_login(officer_a)
    now = timezone.localtime() + timedelta(days=10)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "title": "机关羽毛球联赛",
        "kind": "badminton",
        "organizer": tree["a"].pk,
        "place": "体育馆",
        "starts_at": now.strftime(fmt),
        "ends_at": (now + timedelta(hours=3)).strftime(fmt),
        "registration_opens_at": (now - timedelta(days=9)).strftime(fmt),
        "registration_closes_at": (now - timedelta(days=1)).strftime(fmt),
        "cancellation_deadline": (now - timedelta(days=2)).strftime(fmt),
        "capacity": 8,
        "mode": "team",
        "team_size_min": 3,
        "team_size_max": 2,
    }
    response = client.post("/activities/new/", data)
    assert response.status_code == 200 and "每队最多人数不能少于最少人数" in response.content.decode()
    data["team_size_max"] = 5
    response = client.post("/activities/new/", data, follow=True)
    assert response.redirect_chain and "机关羽毛球联赛" in response.content.decode()
    # Not for another unit:
    data["organizer"] = tree["b"].pk
    assert client.post("/activities/new/", data).status_code == 200  # the choice is refused by the form
    client.force_login(officer_b)
    from activities.models import Activity

    act = Activity.objects.get()
    assert client.get(f"/activities/{act.pk}/edit/").status_code == 404


@pytest.mark.parametrize("n", [10, 100])
def test_participants_page_and_calendar_query_counts_do_not_grow(
    client, tree, officer_a, members_abc, django_assert_num_queries, n
):
    from tests.factories import MemberFactory

    act = ActivityFactory(organizer=tree["a"], capacity=n // 2)
    ActivityFactory.create_batch(n, organizer=tree["city"], starts_at=act.starts_at)
    for m in MemberFactory.create_batch(n, unit=tree["a"]):
        services.registration_create(actor=officer_a, activity_id=act.pk, member_id=m.pk)
    client.force_login(officer_a)
    with django_assert_num_queries(8):
        page = client.get(f"/activities/{act.pk}/participants/?per_page=100").content.decode()
    assert page.count('data-testid="participant-row"') == n
    month = timezone.localtime(act.starts_at).strftime("%Y-%-m")
    with django_assert_num_queries(5):
        page = client.get(f"/activities/calendar/?month={month}").content.decode()
    assert act.title in page
