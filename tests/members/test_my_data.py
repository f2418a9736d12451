"""Download my data: one xlsx with every app's sheet about the member, and nobody else's rows."""

from __future__ import annotations

import logging
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.cache import caches
from django.utils import timezone
from openpyxl import load_workbook

from activities import services as activity_services
from assistance import services as assistance_services
from members import services as member_services
from members.models import AccessRecord
from tests.activities.factories import ActivityFactory
from tests.assistance.conftest import file_case, make_campaign
from tests.factories import MemberFactory, UserFactory
from tests.voice.factories import VoiceItemFactory
from tests.welfare.conftest import confirmed_batch
from welfare.defaults import ensure_jiangsu_policy

pytestmark = pytest.mark.django_db
FULL = "11010519491231002X"


@pytest.fixture
def two_members(tree, officer_a, city_admin):
    """Me (member "me", with a full life in every app) and a colleague with the same kinds of data."""
    ensure_jiangsu_policy(2026)
    me = MemberFactory(unit=tree["a"], user=UserFactory(username="me"), name="王自己", id_number=FULL, gender="F")
    other = MemberFactory(unit=tree["a"], user=UserFactory(username="other"), name="李别人")
    member_services.member_transfer(
        actor=city_admin, member=me, to_unit=tree["b"], on=timezone.localdate(), reason="工作调动"
    )
    me.refresh_from_db()
    campaign = make_campaign(city_admin)
    for person, title in ((me, "我的比赛"), (other, "别人的比赛")):
        act = ActivityFactory(organizer=tree["city"], title=title)
        activity_services.registration_create(actor=person.user, activity_id=act.pk)
        case = file_case(officer_a if person.unit_id == tree["a"].pk else city_admin, city_admin, person)
        assistance_services.grant_create(
            actor=city_admin,
            case=case,
            campaign=campaign,
            purpose="university",
            amount=Decimal("3000") if person is me else Decimal("1234"),
            source="union",
            granted_on=timezone.localdate(),
        )
        VoiceItemFactory(sender=person, subject=f"{person.name}的建议")
    confirmed_batch(city_admin, tree["city"], item="中秋月饼礼盒")
    return me, other


def _workbook(response):
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def _text(ws) -> str:
    return " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)


def test_a_member_downloads_every_sheet_with_the_own_rows_only(client, two_members):
    me, other = two_members
    client.force_login(me.user)
    response = client.get("/members/my-data/")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment")
    wb = _workbook(response)
    names = wb.sheetnames
    for sheet in ("我的档案", "会籍变动记录", "活动报名", "所获帮扶", "所获慰问品", "意见建议和诉求"):
        assert sheet in names, names
    record = _text(wb["我的档案"])
    assert "王自己" in record and FULL in record  # the own ID number in full: it is the member's own
    assert "工作调动" in _text(wb["会籍变动记录"]) and "市商务局" in _text(wb["会籍变动记录"])
    assert "我的比赛" in _text(wb["活动报名"])
    assert "3000" in _text(wb["所获帮扶"])
    assert "中秋月饼礼盒" in _text(wb["所获慰问品"])
    assert "王自己的建议" in _text(wb["意见建议和诉求"])
    everything = " ".join(_text(ws) for ws in wb.worksheets)
    for foreign in ("李别人", "别人的比赛", "1234", other.card_number, other.id_number_masked):
        assert foreign not in everything
    assert "属实" not in everything  # the case worker's visit findings stay internal


def test_the_download_is_recorded_without_the_number(client, two_members):
    me, _other = two_members
    client.force_login(me.user)
    wb = _workbook(client.get("/members/my-data/"))
    record = AccessRecord.objects.get(action="own_data")
    data_rows = sum(ws.max_row - 1 for ws in wb.worksheets)
    assert (record.actor, record.target_id, record.rows) == (me.user, me.pk, data_rows)
    assert FULL not in " ".join([record.what, record.target_ref, record.filters])


def test_nobody_downloads_someone_elses_data(client, two_members, city_admin):
    me, other = two_members
    client.force_login(other.user)
    wb = _workbook(client.get(f"/members/my-data/?member={me.pk}&pk={me.pk}"))  # parameters change nothing
    everything = " ".join(_text(ws) for ws in wb.worksheets)
    assert "李别人" in everything and "王自己" not in everything and FULL not in everything
    assert client.get(f"/members/my-data/{me.pk}/").status_code == 404


def test_a_login_without_a_member_record_gets_404_and_anonymous_the_login_page(client, db):
    client.force_login(UserFactory(username="nomember"))
    assert client.get("/members/my-data/").status_code == 404
    client.logout()
    assert client.get("/members/my-data/").status_code == 302


def test_the_own_page_and_the_user_menu_link_to_the_download(client, member_a, officer_a):
    client.force_login(member_a)
    own = client.get(f"/members/{member_a.member.pk}/").content.decode()
    assert 'data-testid="my-data-button"' in own and 'data-testid="my-data-link"' in own
    client.force_login(officer_a)
    colleague = client.get(f"/members/{member_a.member.pk}/").content.decode()
    assert 'data-testid="my-data-button"' not in colleague


def cached_values(cache) -> list[bytes]:
    """Every value the cache holds, as stored: local memory (development, SQLite runs) or Redis (CI)."""
    if isinstance(getattr(cache, "_cache", None), dict):
        return [v for v in cache._cache.values() if isinstance(v, bytes)]
    client = cache._cache.get_client(None)
    return [v for v in (client.get(key) for key in client.scan_iter(cache.make_key("*"))) if v is not None]


def test_the_full_number_reaches_no_log_cache_or_url(client, two_members, city_admin, caplog):
    me, _other = two_members
    caches["default"].clear()
    with caplog.at_level(logging.DEBUG):
        client.force_login(me.user)
        client.get("/members/my-data/")
        client.force_login(city_admin)
        reveal = client.post(f"/members/{me.pk}/id-number/")
        page = client.get("/members/access-records/").content.decode()
    assert FULL in reveal.content.decode() and FULL not in page
    assert FULL not in caplog.text
    assert not [v for v in cached_values(caches["default"]) if FULL.encode() in v]
    assert all(FULL not in r.filters + r.target_ref + r.what for r in AccessRecord.objects.all())


def test_the_download_holds_the_own_correction_requests_and_their_answers(client, two_members, officer_a, city_admin):
    from members.corrections import correction_request_answer, correction_request_create

    me, other = two_members
    mine = correction_request_create(actor=me.user, fields=["native_place"], proposed="江苏海门", reason="籍贯登记有误")
    correction_request_answer(actor=city_admin, pk=mine.pk, done=False, answer="须提供户口簿复印件")
    correction_request_create(actor=other.user, fields=["mobile"], proposed="13800001111", reason="换号")
    client.force_login(me.user)
    wb = _workbook(client.get("/members/my-data/"))
    assert "更正申请" in wb.sheetnames
    sheet = wb["更正申请"]
    assert [c.value for c in sheet[1]][:5] == ["申请时间", "更正项目", "应更正为", "原因", "状态"]
    text = _text(sheet)
    assert "籍贯" in text and "江苏海门" in text and "籍贯登记有误" in text and "须提供户口簿复印件" in text
    assert "不予更正" in text
    assert "13800001111" not in text and "换号" not in text  # nobody else's request
