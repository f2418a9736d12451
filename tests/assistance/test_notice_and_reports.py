"""The public notice masks names; reports and the xlsx roster; pinned query counts."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from assistance import services
from assistance.models import Grant, HardshipCase, Source, Status
from members.models import AccessRecord
from tests.factories import MemberFactory

from .conftest import open_case
from .factories import HardshipCaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "masked"), [("张小明", "张*明"), ("李明", "李*"), ("欧阳小华", "欧**华"), ("王", "王")]
)
def test_mask_name(name, masked):
    assert services.mask_name(name) == masked


def test_the_notice_page_shows_masked_names_only(client, member_a, applicant_a):
    case = HardshipCaseFactory(notice=True, member=applicant_a, bank_account_masked="***************1234")
    client.force_login(member_a)  # a colleague of the same unit
    text = client.get("/assistance/notice/").content.decode()
    assert "张*明" in text and "张小明" not in text
    assert case.number in text and "1234" not in text


def _grants(n, officer, admin, unit, campaign):
    today = timezone.localdate()
    for i in range(n):
        member = MemberFactory(unit=unit, name="=HYPERLINK" if i == 0 else f"王{'一二三四五六七八九十'[i % 10]}")
        case = open_case(officer, member)
        HardshipCase.objects.filter(pk=case.pk).update(status=Status.FILED)
        case.status = Status.FILED
        Grant.objects.create(
            case=case,
            campaign=campaign,
            purpose="university",
            amount=Decimal("100.50"),
            source=Source.UNION,
            granted_on=today,
            approved_by=admin,
        )


def test_xlsx_roster_has_signatures_totals_and_escaping(client, officer_a, city_admin, tree, campaign):
    _grants(3, officer_a, city_admin, tree["a"], campaign)
    client.force_login(city_admin)
    response = client.get(f"/assistance/reports/xlsx/?campaign={campaign.pk}")
    assert response["Content-Disposition"].startswith("attachment")
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    roster, totals = wb.worksheets
    assert roster["K2"].value == "领取人签名"
    assert roster["A1"].value.startswith("市财政局 2026年金秋助学 帮扶资金发放花名册 ")  # the unit and the campaign
    assert [c.value for c in roster[6]][:2] == ["合计", "3 笔"] and roster["H6"].value == Decimal("301.5")
    signatures = [row[0].value for row in roster.iter_rows(min_row=7) if row[0].value]
    assert [s.split("（")[0] for s in signatures] == ["经办人", "审核人", "单位工会负责人"]
    assert roster.print_title_rows == "$1:$2" and roster.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert roster.page_setup.orientation == "landscape" and roster.page_setup.fitToWidth == 1
    assert roster["B3"].value == "=HYPERLINK" and roster["B3"].data_type == "s"  # text, never a formula
    assert roster["B3"].quotePrefix
    assert [c.value for c in totals[2]][:5] == ["2026年金秋助学", "工会经费", 3, Decimal("301.5") and 301.5, 10000]
    log = AccessRecord.objects.get(action="export")
    assert (log.actor, log.app, log.what, log.rows) == (city_admin, "assistance", "帮扶资金发放花名册", 3)
    assert log.filters == "帮扶活动=2026年金秋助学"  # named in Chinese (the campaign's name, not its id)


def test_the_roster_print_view_is_the_same_sign_off_sheet(client, officer_a, city_admin, tree, campaign):
    _grants(3, officer_a, city_admin, tree["a"], campaign)
    client.force_login(city_admin)
    page = client.get(f"/assistance/reports/print/?campaign={campaign.pk}&unit={tree['a'].pk}").content.decode()
    assert "市财政局 2026年金秋助学 帮扶资金发放花名册" in page
    assert page.count('data-testid="print-row"') == 3 and "领取人签名" in page
    totals = page.split('data-testid="print-totals"')[1].split("</tr>")[0]
    assert "3 笔" in totals and "301.50" in totals
    assert "单位工会负责人（签字）" in page and "size: A4 landscape" in page
    assert "thead { display: table-header-group; }" in page
    assert AccessRecord.objects.get(action="export").what == "帮扶资金发放花名册（打印）"


@pytest.mark.parametrize("n", [10, 30])
def test_case_list_query_count_is_pinned(client, officer_a, tree, django_assert_num_queries, n):
    for _ in range(n):
        open_case(officer_a, MemberFactory(unit=tree["a"]))
    client.force_login(officer_a)
    client.get("/assistance/")  # warm the session and permission caches
    with django_assert_num_queries(6):
        response = client.get("/assistance/?per_page=100")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [10, 30])
def test_report_and_export_query_counts_are_pinned(
    client, officer_a, city_admin, tree, campaign, django_assert_num_queries, n
):
    _grants(n, officer_a, city_admin, tree["a"], campaign)
    client.force_login(city_admin)
    client.get("/assistance/reports/")
    with django_assert_num_queries(10):
        response = client.get("/assistance/reports/?per_page=100")
    assert len(response.context["page"]) == n
    with django_assert_num_queries(9):  # the units the title may name: one query
        client.get("/assistance/reports/xlsx/")


@pytest.mark.parametrize("n", [10, 30])
def test_campaign_page_query_count_is_pinned(
    client, officer_a, city_admin, tree, campaign, django_assert_num_queries, n
):
    for _ in range(n):
        member = MemberFactory(unit=tree["a"])
        case = open_case(officer_a, member)
        HardshipCase.objects.filter(pk=case.pk).update(status=Status.FILED)
        case.status = Status.FILED
        services.roster_add(actor=officer_a, campaign=campaign, case=case, purpose="university", source="union")
    client.force_login(officer_a)
    client.get(f"/assistance/campaigns/{campaign.pk}/")
    with django_assert_num_queries(11):
        response = client.get(f"/assistance/campaigns/{campaign.pk}/?per_page=100")
    assert len(response.context["page"]) == n


@pytest.mark.parametrize("n", [10, 30])
def test_other_lists_have_pinned_query_counts(client, officer_a, city_admin, tree, django_assert_num_queries, n):
    from assistance.models import Campaign, Recuperation
    from members.models import Honour

    today = timezone.localdate()
    for i in range(n):
        member = MemberFactory(unit=tree["a"])
        case = open_case(officer_a, member)
        HardshipCase.objects.filter(pk=case.pk).update(
            status=Status.NOTICE, notice_start=today, notice_end=today + timedelta(days=3)
        )
        Campaign.objects.create(
            name=f"活动{i}", kind="everyday", opens_on=today, closes_on=today, created_by=city_admin
        )
        honour = Honour.objects.create(member=member, title="model_worker", level="city", year=2020)
        Recuperation.objects.create(
            member=member,
            honour=honour,
            starts_on=today,
            ends_on=today,
            place="无锡",
            cost=Decimal("1"),
            created_by=city_admin,
        )
    client.force_login(city_admin)
    for url, queries in [
        ("/assistance/notice/", 3),
        ("/assistance/campaigns/?per_page=100", 4),
        ("/assistance/recuperation/?per_page=100", 6),
    ]:
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


def test_an_officers_roster_is_titled_with_the_own_unit(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/assistance/reports/print/").content.decode()
    assert "市财政局 帮扶资金发放花名册" in page and "全部单位" not in page
