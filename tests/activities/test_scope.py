"""The scope lives in the models: an attacker's tries within the own rights, each beside a positive control
(the same request by someone entitled succeeds), so that a test passes only while the rule holds.

Each of these fails when the model's rule is loosened (tried: ``Registration.scope_q``, ``Activity.scope_q``,
``MentoringPair.scope_q`` and ``ReadingRoom.scope_q`` returning ``Q()``)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.conf import settings
from django.utils import translation
from openpyxl import load_workbook

from activities import services
from activities.models import MentoringPair, ReadingRoom, Registration
from tests.factories import MemberFactory

from .conftest import member_with_login
from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_a_activity(tree, member_a):
    activity = ActivityFactory(organizer=tree["a"], capacity=1)
    registration = services.registration_create(actor=member_a, activity_id=activity.pk)
    return activity, registration


@pytest.mark.parametrize(
    "path",
    ["/activities/{pk}/", "/activities/{pk}/participants.xlsx", "/activities/{pk}/sign-in-sheet.xlsx"],
)
def test_an_officer_of_another_unit_gets_404_for_a_units_activity_and_its_exports(
    client, officer_a, officer_b, unit_a_activity, path
):
    activity, _registration = unit_a_activity
    url = path.format(pk=activity.pk)
    client.force_login(officer_a)
    assert client.get(url).status_code == 200  # the control: the unit's own officer
    client.force_login(officer_b)
    assert client.get(url).status_code == 404


def test_an_officer_of_another_unit_cannot_cancel_a_registration_of_the_unit(
    client, officer_a, officer_b, unit_a_activity
):
    _activity, registration = unit_a_activity
    client.force_login(officer_b)
    assert client.post(f"/activities/registrations/{registration.pk}/cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    # The control: the organising officer cancels it.
    client.force_login(officer_a)
    assert client.post(f"/activities/registrations/{registration.pk}/cancel/").status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_the_organiser_reads_the_registrations_of_another_units_member_on_a_zone_activity(tree, zone_lead, officer_b):
    """The zone lead organises for the zone: the registrations of every unit of the zone are the lead's
    to read and to manage (attendance); a unit officer reads only the own unit's."""
    activity = ActivityFactory(organizer=tree["zone1"])
    a_member = member_with_login(tree["a"], "za")
    b_member = member_with_login(tree["b"], "zb")
    reg_a = services.registration_create(actor=a_member, activity_id=activity.pk)
    reg_b = services.registration_create(actor=b_member, activity_id=activity.pk)
    lead_manages = set(Registration.objects.for_actor(zone_lead, manage=True).values_list("pk", flat=True))
    assert {reg_a.pk, reg_b.pk} <= lead_manages
    officer_reads = set(Registration.objects.for_actor(officer_b).values_list("pk", flat=True))
    assert reg_b.pk in officer_reads and reg_a.pk not in officer_reads


def test_mentoring_pairs_and_reading_rooms_stay_with_their_unit(client, tree, member_a):
    mentor, mentee = MemberFactory(unit=tree["a"]), MemberFactory(unit=tree["a"])
    MentoringPair.objects.create(
        mentor=mentor,
        mentee=mentee,
        unit=tree["a"],
        skill_area="公文写作",
        starts_on="2026-01-01",
        ends_on="2026-12-31",
    )
    ReadingRoom.objects.create(unit=tree["a"], name="财政局职工书屋")
    c_officer = member_with_login(tree["c"], "c_member")
    client.force_login(member_with_login(tree["a"], "a_member"))
    assert "财政局职工书屋" in client.get("/activities/reading-rooms/").content.decode()  # the own unit's room
    client.force_login(c_officer)
    assert "财政局职工书屋" not in client.get("/activities/reading-rooms/").content.decode()
    assert "公文写作" not in client.get("/activities/mentoring/").content.decode()
    mentee_user = member_with_login(tree["c"], "moved")
    pair = MentoringPair.objects.get()
    pair.mentee = mentee_user.member  # a mentee now in another unit still reads the own pair
    pair.save()
    client.force_login(mentee_user)
    assert "公文写作" in client.get("/activities/mentoring/").content.decode()


def _xlsx_rows(response):
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return ws.title, [[c.value for c in row] for row in ws.iter_rows()]


@pytest.fixture
def _language_restored():
    """A request under the English cookie leaves English active in this thread: put back what was."""
    with translation.override(translation.get_language()):
        yield


@pytest.mark.usefixtures("_language_restored")
def test_exports_have_chinese_headers_under_the_english_interface(client, tree, officer_a, unit_a_activity):
    activity, _registration = unit_a_activity
    services.registration_create(actor=member_with_login(tree["a"], "a2"), activity_id=activity.pk)  # waitlisted
    client.force_login(officer_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Participants" in client.get(f"/activities/{activity.pk}/participants/").content.decode()  # English UI
    title, rows = _xlsx_rows(client.get(f"/activities/{activity.pk}/participants.xlsx"))
    assert title == "参加人员"
    assert rows[0] == ["序号", "姓名", "单位", "队伍", "状态", "候补序号", "报名时间", "出勤", "签到时间"]
    assert [r[4] for r in rows[1:]] == ["已确认", "候补"] and rows[1][7] == "未到"
    title, rows = _xlsx_rows(client.get(f"/activities/{activity.pk}/sign-in-sheet.xlsx"))
    assert rows[0][-1] == "签名" and len(rows) == 2
    _title, rows = _xlsx_rows(client.get("/activities/participation/?start=2000-01-01&end=2100-01-01&format=xlsx"))
    assert rows[0] == ["单位", "参加活动数", "报名人数", "确认名额", "已签到"]
