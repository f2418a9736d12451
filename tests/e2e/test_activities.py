"""The member's side of a badminton team competition, in real Chromium on a phone-sized screen:
find it in the calendar, register a team (the ninth: waitlisted), be promoted when a team withdraws,
check in by the QR code's URL on the day."""

from datetime import timedelta

import pytest
from django.utils import timezone

from activities import services
from activities.models import Team
from members.scoping import unscoped
from tests.activities.factories import TeamActivityFactory
from tests.e2e.conftest import login
from tests.factories import MemberFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_member_registers_a_team_is_waitlisted_promoted_and_checks_in(phone, live_server, tree, member_a):
    now = timezone.now()
    act = TeamActivityFactory(
        title="市级机关羽毛球团体赛",
        organizer=tree["city"],
        capacity=8,
        teams_per_unit=4,
        starts_at=now + timedelta(minutes=40),
        ends_at=now + timedelta(hours=3),
        registration_closes_at=now + timedelta(minutes=30),
        cancellation_deadline=now + timedelta(minutes=20),
    )
    units = [tree["a"], tree["b"], tree["c"]]
    first_captain = None
    for i in range(8):
        captain = UserFactory(username=f"captain{i}")
        MemberFactory(unit=units[i % 3], user=captain)
        mate = MemberFactory(unit=units[i % 3])
        services.team_create(
            actor=captain, activity_id=act.pk, name=f"第{i + 1}队", captain_id=captain.member.pk, member_ids=[mate.pk]
        )
        first_captain = first_captain or captain
    MemberFactory(unit=tree["a"], name="李明")

    page = phone
    login(page, live_server, "member_a")
    page.goto(f"{live_server.url}/activities/calendar/")
    page.locator("a:visible", has_text="市级机关羽毛球团体赛").click()  # the phone shows the month as a list
    page.wait_for_url(f"{live_server.url}/activities/{act.pk}/")
    page.get_by_role("link", name="组队报名").click()
    page.fill("input[name=name]", "财政飞羽队")
    page.select_option("select[name=captain]", label=member_a.member.name)
    page.get_by_label("李明（市财政局）").check()
    page.get_by_role("button", name="提交队伍报名").click()
    page.get_by_text("候补序号 1").first.wait_for()
    assert "候补中" in page.get_by_test_id("my-registration").inner_text()

    # A confirmed team withdraws: the ninth team moves up at once and its captain is told.
    services.team_cancel(actor=first_captain, team_id=Team.objects.get(name="第1队").pk)
    page.reload()
    assert "您已报名" in page.get_by_test_id("my-registration").inner_text()
    page.goto(f"{live_server.url}/notifications/")
    page.get_by_text("候补递补成功").first.wait_for()

    # On the day: the activity has begun (its times moved so, whatever the hour: started 40 minutes from now, it would
    # begin tomorrow after 23:20, when check-in is not open yet), and the QR code on the organisers' screen opens
    # this URL on the member's phone.
    now = timezone.now()
    with unscoped("the test moves the activity to its day"):
        type(act).objects.filter(pk=act.pk).update(
            registration_closes_at=now - timedelta(minutes=10),
            cancellation_deadline=now - timedelta(minutes=10),
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=2),
        )
    page.goto(f"{live_server.url}/activities/{act.pk}/check-in/{act.checkin_token}/")
    page.get_by_test_id("checkin").click()
    page.get_by_text("签到成功").first.wait_for()
    assert member_a.member.registrations.get(activity=act).attended_at is not None
