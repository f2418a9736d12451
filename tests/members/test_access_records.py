"""The portal's one access record: every export and full view writes one record; the city reads it."""

from __future__ import annotations

import io
from datetime import timedelta
from io import BytesIO

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from activities import services as activity_services
from members.audit import record_access
from members.models import AccessRecord
from tests.activities.conftest import member_with_login
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory
from tests.voice.factories import VoiceItemFactory
from tests.welfare.conftest import confirmed_batch
from welfare.defaults import ensure_jiangsu_policy

pytestmark = pytest.mark.django_db
FULL = "11010519491231002X"


def _sheet_rows(content: bytes, index: int = 0) -> list[list]:
    ws = load_workbook(BytesIO(content)).worksheets[index]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _only_record(after: int = 0) -> AccessRecord:
    records = list(AccessRecord.objects.filter(pk__gt=after))
    assert len(records) == 1, records
    return records[0]


# --- record_access itself --------------------------------------------------------------------------
def test_a_record_never_keeps_an_id_number_or_account_even_when_a_caller_passes_one(officer_a, tree):
    member = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    record = record_access(
        actor=officer_a,
        action="export",
        what=f"名单 {FULL}",
        ref="6228480012345678901",
        obj=member,
        filters=f"q={FULL}&unit=3",
    )
    record.refresh_from_db()
    text = " ".join([record.what, record.target_ref, record.filters])
    assert FULL not in text and "6228480012345678901" not in text and "unit=3" in record.filters
    assert (record.target_model, record.target_id, record.unit_id, record.app) == (
        "members.member",
        member.pk,
        tree["a"].pk,
        "members",
    )


def test_an_unknown_action_is_refused(officer_a):
    with pytest.raises(ValueError):
        record_access(actor=officer_a, action="peek", what="x")


# --- one record per export, with the right actor, what and rows ---------------------------------------
def test_participant_and_sign_in_sheets_are_recorded_with_their_rows(client, tree, officer_a):
    act = ActivityFactory(organizer=tree["a"], capacity=2, title="乒乓球赛")
    for i in range(3):  # two confirmed, one waitlisted
        activity_services.registration_create(actor=member_with_login(tree["a"], f"p{i}"), activity_id=act.pk)
    client.force_login(officer_a)
    for url, what, rows in [("participants.xlsx", "参加人员", 3), ("sign-in-sheet.xlsx", "签到表", 2)]:
        last = AccessRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # append-only
        response = client.get(f"/activities/{act.pk}/{url}")
        assert len(_sheet_rows(b"".join(response.streaming_content))) - 1 == rows
        record = _only_record(after=last)
        assert (record.actor, record.action, record.app, record.what, record.rows) == (
            officer_a,
            "export",
            "activities",
            what,
            rows,
        )
        assert (record.target_model, record.target_id, record.target_ref, record.unit_id) == (
            "activities.activity",
            act.pk,
            "乒乓球赛",
            tree["a"].pk,
        )


def test_the_participation_export_is_recorded(client, tree, city_admin):
    client.force_login(city_admin)
    response = client.get("/activities/participation/?start=2000-01-01&end=2100-01-01&format=xlsx")
    written = len(_sheet_rows(b"".join(response.streaming_content)))
    record = _only_record()
    assert (record.actor, record.what, record.app) == (city_admin, "各单位参与情况", "activities")
    assert 0 < record.rows < written  # the unit rows, without headings


def test_the_welfare_sign_off_sheet_and_its_print_are_recorded(client, tree, officer_a):
    ensure_jiangsu_policy(2026)
    MemberFactory.create_batch(3, unit=tree["a"])
    batch = confirmed_batch(officer_a, tree["a"])
    recipients = batch.recipients.filter(included=True).count()
    client.force_login(officer_a)
    response = client.get(reverse("welfare:signoff_xlsx", args=[batch.pk]))
    assert response.status_code == 200
    record = _only_record()
    assert (record.actor, record.what, record.rows, record.unit_id) == (officer_a, "签收表", recipients, tree["a"].pk)
    assert (record.app, record.target_model, record.target_id) == ("welfare", "welfare.distribution", batch.pk)
    client.get(reverse("welfare:signoff_print", args=[batch.pk]))
    printed = AccessRecord.objects.exclude(pk=record.pk).get()
    assert (printed.what, printed.rows) == ("签收表（打印）", recipients)


def test_the_welfare_report_export_is_recorded(client, tree, officer_a):
    ensure_jiangsu_policy(2026)
    client.force_login(officer_a)
    client.get(reverse("welfare:report_xlsx") + "?year=2026")
    record = _only_record()
    assert (record.actor, record.what, record.app, record.target_ref, record.rows) == (
        officer_a,
        "福利支出报表",
        "welfare",
        "2026",
        1,  # the officer's one unit
    )


def test_the_voice_inbox_export_is_recorded(client, tree, officer_a):
    for _ in range(4):
        VoiceItemFactory(sender=MemberFactory(unit=tree["a"]))
    VoiceItemFactory(sender=MemberFactory(unit=tree["b"]))  # another unit's inbox
    client.force_login(officer_a)
    rows = _sheet_rows(b"".join(client.get("/voice/inbox/export/").streaming_content))
    record = _only_record()
    assert (record.actor, record.what, record.app, record.rows) == (officer_a, "职工之声收件箱", "voice", 4)
    assert len(rows) - 1 == record.rows


def test_a_refused_export_records_nothing(client, tree, officer_b):
    act = ActivityFactory(organizer=tree["a"])
    client.force_login(officer_b)
    assert client.get(f"/activities/{act.pk}/participants.xlsx").status_code == 404
    assert not AccessRecord.objects.exists()


# --- the city administrator's page ---------------------------------------------------------------------
@pytest.fixture
def records(tree, city_admin, officer_a, officer_b):
    with freeze_time(timezone.now() - timedelta(days=40)):  # the record is append-only: written back then
        old = record_access(actor=officer_b, action="export", what="会员名单", rows=7, unit=tree["b"])
    return {
        "old": old,
        "reveal": record_access(actor=city_admin, action="reveal_id", what="身份证号", ref="张三", unit=tree["c"]),
        "file": record_access(
            actor=officer_a, action="view", what="困难职工档案", app="assistance", ref="KN0001", unit=tree["a"]
        ),
    }


def _listed(client, query: str = "") -> list[int]:
    response = client.get(f"/members/access-records/{query}")
    assert response.status_code == 200
    return [r.pk for r in response.context["page"]]


def test_the_city_admin_filters_the_record_newest_first(client, city_admin, records, tree):
    client.force_login(city_admin)
    new, old = records["file"], records["old"]
    assert _listed(client) == [new.pk, records["reveal"].pk, old.pk]
    assert _listed(client, "?action=reveal_id") == [records["reveal"].pk]
    assert _listed(client, "?app=assistance") == [new.pk]
    assert _listed(client, f"?unit={tree['b'].pk}") == [old.pk]
    assert _listed(client, "?q=officer_b") == [old.pk]
    assert _listed(client, "?q=KN0001") == [new.pk]
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert old.pk not in _listed(client, f"?date_from={since}")
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert _listed(client, f"?date_to={until}") == [old.pk]


def test_bad_filters_give_a_message_not_a_500(client, city_admin, records):
    client.force_login(city_admin)
    response = client.get("/members/access-records/?date_from=2026-13-40&action=nope&unit=x")
    assert response.status_code == 200 and response.context["form"].errors
    response = client.get("/members/access-records/?date_from=2026-05-02&date_to=2026-05-01")
    assert "开始日期晚于结束日期" in response.content.decode()


def test_nobody_but_the_city_admin_reads_or_exports_the_record(client, officer_a, zone_lead, member_a, records):
    for user in (officer_a, zone_lead, member_a):
        client.force_login(user)
        assert client.get("/members/access-records/").status_code == 403
        assert client.get("/members/access-records/export/").status_code == 403
        assert "/members/access-records/" not in client.get("/").content.decode()
    client.logout()
    assert client.get("/members/access-records/").status_code == 302  # to the login page


def test_the_nav_offers_the_record_to_the_city_admin(client, city_admin):
    client.force_login(city_admin)
    assert 'href="/members/access-records/"' in client.get("/").content.decode()


def test_the_export_of_the_record_is_filtered_escaped_and_itself_recorded(client, city_admin, officer_a, records):
    record_access(actor=officer_a, action="export", what="=HYPERLINK(1)", app="voice")
    client.force_login(city_admin)
    response = client.get("/members/access-records/export/?app=voice")
    content = b"".join(response.streaming_content)
    rows = _sheet_rows(content)
    assert len(rows) == 2 and rows[1][1] == "officer_a" and rows[1][6] == "=HYPERLINK(1)"
    cell = load_workbook(io.BytesIO(content)).active.cell(row=2, column=7)
    assert cell.data_type == "s" and cell.quotePrefix  # shown as text, never run as a formula
    exported = AccessRecord.objects.order_by("-pk").first()
    assert (exported.actor, exported.action, exported.what, exported.rows, exported.filters) == (
        city_admin,
        "export",
        "访问记录",
        1,
        "板块=职工之声与关爱",
    )


@pytest.mark.parametrize("n", [5, 60])
def test_the_record_export_query_count_is_flat(client, city_admin, officer_a, tree, django_assert_num_queries, n):
    for _ in range(n):
        record_access(actor=officer_a, action="view", what="困难职工档案", unit=tree["a"])
    client.force_login(city_admin)
    client.get("/members/access-records/")
    with django_assert_num_queries(4):
        response = client.get("/members/access-records/export/")
        rows = _sheet_rows(b"".join(response.streaming_content))
    assert len(rows) == n + 1


def test_describe_filters_leaves_out_paging_and_empty_values():
    from members.audit import describe_filters

    params = QueryDict("page=2&per_page=50&q=&unit=3&status=active")
    assert describe_filters(params) == "状态=正式；单位=3"  # in Chinese (issue #17); unit 3 does not exist


def test_other_apps_exports_name_their_filters_in_chinese(client, city_admin, tree):
    """Each app registers its filters' labels (members.audit.register_filter_label, app=...): the same key
    means what its app means (a suggestion's status is not a member's), ids are named, ordering is left out."""
    from assistance.models import Campaign
    from members.audit import describe_filters

    campaign = Campaign.objects.create(
        name="2026年金秋助学",
        kind="education",
        opens_on="2026-07-01",
        closes_on="2026-09-30",
        created_by=city_admin,
    )
    voice = QueryDict(f"kind=complaint&category=health&status=answered&addressee={tree['a'].pk}&overdue=7&sort=-sent")
    assert (
        describe_filters(voice, "voice")
        == "受理组织=市财政局；事项分类=健康；诉求类型=投诉；已超期=7天以上未答复；状态=已答复"
    )
    aid = QueryDict(f"campaign={campaign.pk}&source=union&campaign_year=2026&unit={tree['a'].pk}")
    assert (
        describe_filters(aid, "assistance")
        == "帮扶活动=2026年金秋助学；帮扶活动年度=2026；资金来源=工会经费；单位=市财政局"
    )
    assert describe_filters(QueryDict("status=waitlisted"), "activities") == "状态=候补"
    assert describe_filters(QueryDict("category=birthday"), "welfare") == "类别=生日慰问"
    assert describe_filters(QueryDict("status=active")) == "状态=正式"  # members' own meaning stays
    # Through an export: the voice inbox's filters are recorded in Chinese.
    client.force_login(city_admin)
    assert client.get("/voice/inbox/export/?kind=complaint&status=answered").status_code == 200
    record = AccessRecord.objects.filter(action="export", app="voice").latest("pk")
    assert record.filters == "诉求类型=投诉；状态=已答复"
