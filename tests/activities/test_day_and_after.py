"""Check-in by QR, the officer's attendance ticks, results (and honours), exports, iCalendar."""

from datetime import timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from activities import services
from activities.models import Registration, Result
from members.models import Honour
from tests.factories import MemberFactory

from .conftest import member_with_login
from .factories import ActivityFactory, TeamActivityFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def today_activity(tree):
    now = timezone.now()
    return ActivityFactory(
        organizer=tree["a"],
        capacity=10,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
        registration_opens_at=now - timedelta(days=5),
        registration_closes_at=now - timedelta(hours=1),
        cancellation_deadline=now - timedelta(hours=2),
    )


def _register_open(activity, users):
    """Register people while registration was open (moved back in time)."""
    closes = activity.registration_closes_at
    activity.registration_closes_at = timezone.now() + timedelta(hours=1)
    activity.save()
    regs = [services.registration_create(actor=u, activity_id=activity.pk) for u in users]
    activity.registration_closes_at = closes
    activity.save()
    return regs


def test_member_checks_in_by_scanning_the_qr_code(client, tree, member_a, officer_a, today_activity):
    (reg,) = _register_open(today_activity, [member_a])
    client.force_login(officer_a)
    png = client.get(f"/activities/{today_activity.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    page = client.get(f"/activities/{today_activity.pk}/participants/").content.decode()
    url = f"/activities/{today_activity.pk}/check-in/{today_activity.checkin_token}/"
    assert url in page
    client.force_login(member_a)
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert "签到成功" in response.content.decode()
    assert Registration.objects.get(pk=reg.pk).attended_at is not None
    # A wrong token is not found; someone without a place is told why.
    assert client.get(f"/activities/{today_activity.pk}/check-in/wrong/").status_code == 404
    stranger = member_with_login(tree["a"], "stranger")
    client.force_login(stranger)
    assert "没有已确认的名额" in client.post(url, follow=True).content.decode()


def test_officer_ticks_attendance_on_the_list(client, tree, officer_a, today_activity):
    users = [member_with_login(tree["a"], f"t{i}") for i in range(3)]
    regs = _register_open(today_activity, users)
    client.force_login(officer_a)
    shown = [r.pk for r in regs]
    client.post(
        f"/activities/{today_activity.pk}/participants/", {"shown": shown, "attended": [regs[0].pk, regs[2].pk]}
    )
    attended = [Registration.objects.get(pk=r.pk).attended_at is not None for r in regs]
    assert attended == [True, False, True]
    client.post(f"/activities/{today_activity.pk}/participants/", {"shown": shown, "attended": [regs[2].pk]})
    assert Registration.objects.get(pk=regs[0].pk).attended_at is None
    response = client.post(f"/activities/{today_activity.pk}/participants/", {"shown": ["x"]}, follow=True)
    assert "未作任何保存" in response.content.decode()


def test_results_and_an_honour_on_the_members_page(client, tree, officer_a, member_a, today_activity):
    (reg,) = _register_open(today_activity, [member_a])
    client.force_login(officer_a)
    response = client.post(
        f"/activities/{today_activity.pk}/results/",
        {"entrant": f"m{member_a.member.pk}", "rank": 1, "score": "98.50", "prize": "一等奖", "as_honour": "on"},
        follow=True,
    )
    assert "成绩已保存" in response.content.decode()
    result = Result.objects.get()
    assert (result.rank, str(result.score), result.prize) == (1, "98.50", "一等奖")
    honour = Honour.objects.get(member=member_a.member)
    assert honour.title == "contest_prize" and "一等奖" in honour.name
    # Correcting the result does not make a second honour; someone not registered cannot be ranked.
    client.post(
        f"/activities/{today_activity.pk}/results/",
        {"entrant": f"m{member_a.member.pk}", "rank": 2, "prize": "二等奖", "as_honour": "on"},
    )
    assert Result.objects.get().rank == 2 and Honour.objects.count() == 1
    other = MemberFactory(unit=tree["a"])
    response = client.post(f"/activities/{today_activity.pk}/results/", {"entrant": f"m{other.pk}", "rank": 3})
    assert response.status_code == 200 and Result.objects.count() == 1
    assert Result.objects.get().score is None  # the correction replaced the whole result
    assert "#2" in client.get(f"/members/{member_a.member.pk}/").content.decode()


def _rows(content):
    ws = load_workbook(BytesIO(content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.mark.parametrize("n", [10, 100])
def test_participant_exports_have_chinese_headers_and_fixed_query_counts(
    client, tree, officer_a, django_assert_num_queries, n
):
    act = ActivityFactory(organizer=tree["a"], capacity=n - 2)
    users = [member_with_login(tree["a"], f"x{i}") for i in range(n)]
    for u in users:
        services.registration_create(actor=u, activity_id=act.pk)
    client.force_login(officer_a)
    with django_assert_num_queries(6):  # session, user, the scope (2), the rows, the access record
        response = client.get(f"/activities/{act.pk}/participants.xlsx")
    rows = _rows(b"".join(response.streaming_content))
    assert rows[0][:5] == ["序号", "姓名", "单位", "队伍", "状态"]
    assert len(rows) == n + 1 and [r[4] for r in rows[1:]].count("候补") == 2
    with django_assert_num_queries(6):
        response = client.get(f"/activities/{act.pk}/sign-in-sheet.xlsx")
    rows = _rows(b"".join(response.streaming_content))
    assert rows[0][-1] == "签名" and len(rows) == n - 2 + 1
    with django_assert_num_queries(4):
        response = client.get("/activities/participation/?start=2000-01-01&end=2100-01-01&format=xlsx")
    rows = _rows(b"".join(response.streaming_content))
    assert rows[0][0] == "单位" and rows[1][:4] == [tree["a"].name, 1, n, n - 2]


def test_team_export_names_the_team(client, tree, member_a, officer_a):
    act = TeamActivityFactory(organizer=tree["a"], capacity=2)
    mate = MemberFactory(unit=tree["a"])
    services.team_create(
        actor=member_a, activity_id=act.pk, name="财政队", captain_id=member_a.member.pk, member_ids=[mate.pk]
    )
    client.force_login(officer_a)
    rows = _rows(b"".join(client.get(f"/activities/{act.pk}/sign-in-sheet.xlsx").streaming_content))
    assert {r[3] for r in rows[1:]} == {"财政队"}


def test_participation_export_is_scoped_and_bad_dates_are_explained(client, tree, officer_b):
    client.force_login(officer_b)
    rows = _rows(
        b"".join(client.get("/activities/participation/?start=2026-01-01&end=2026-12-31&format=xlsx").streaming_content)
    )
    assert [r[0] for r in rows[1:]] == [tree["b"].name]
    response = client.get("/activities/participation/?start=2026-12-01&end=2026-01-01&format=xlsx")
    assert response.status_code == 200 and "结束日期须晚于开始日期" in response.content.decode()


def test_activity_ics_and_private_feed_parse_with_shanghai_times(client, tree, member_a):
    start = timezone.make_aware(timezone.datetime(2026, 12, 20, 9, 30), SHANGHAI)
    act = ActivityFactory(
        organizer=tree["city"],
        title="书法展",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        registration_opens_at=timezone.now() - timedelta(days=1),
        registration_closes_at=start - timedelta(days=1),
        cancellation_deadline=start - timedelta(days=2),
    )
    services.registration_create(actor=member_a, activity_id=act.pk)
    client.force_login(member_a)
    cal = Calendar.from_ical(client.get(f"/activities/{act.pk}/event.ics").content)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == start and str(event.decoded("dtstart").tzinfo) == "Asia/Shanghai"
    assert event.decoded("dtstart").hour == 9
    assert cal.walk("VTIMEZONE")  # the zone is carried in the file
    page = client.get("/activities/feed/").content.decode()
    feed = member_a.activity_feed
    assert f"/activities/feed/{feed.token}.ics" in page
    client.logout()
    feed_cal = Calendar.from_ical(client.get(f"/activities/feed/{feed.token}.ics").content)  # no login needed
    assert [str(e["summary"]) for e in feed_cal.walk("VEVENT")] == ["书法展"]
    old = feed.token
    client.force_login(member_a)
    client.post("/activities/feed/")
    client.logout()
    assert client.get(f"/activities/feed/{old}.ics").status_code == 404
    member_a.activity_feed.refresh_from_db()
    assert client.get(f"/activities/feed/{member_a.activity_feed.token}.ics").status_code == 200


def test_mentoring_pairs_show_on_both_pages_and_reading_rooms_list(client, tree, officer_a, officer_b):
    mentor, mentee = MemberFactory(unit=tree["a"], name="王师傅"), MemberFactory(unit=tree["a"], name="李徒弟")
    client.force_login(officer_a)
    today = timezone.localdate()
    response = client.post(
        "/activities/mentoring/",
        {
            "mentor": mentor.pk,
            "mentee": mentee.pk,
            "unit": tree["a"].pk,
            "skill_area": "财务审计",
            "starts_on": today,
            "ends_on": today + timedelta(days=365),
            "status": "active",
        },
        follow=True,
    )
    assert "传帮带结对已保存" in response.content.decode()
    for m in (mentor, mentee):
        assert "财务审计" in client.get(f"/members/{m.pk}/").content.decode()
    client.force_login(officer_b)
    assert "王师傅" not in client.get("/activities/mentoring/").content.decode()
    from activities.models import ReadingRoom

    ReadingRoom.objects.create(unit=tree["a"], name="财政局职工书屋", is_demonstration=True)
    assert "财政局职工书屋" not in client.get("/activities/reading-rooms/").content.decode()
    client.force_login(officer_a)
    page = client.get("/activities/reading-rooms/").content.decode()
    assert "财政局职工书屋" in page and "示范点" in page
