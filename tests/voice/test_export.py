"""The inbox export, cell by cell: what each column shows, formula-safe text, the access record."""

import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import AccessRecord
from tests.factories import MemberFactory, OrganizationFactory
from tests.voice.factories import VoiceItemFactory
from voice.models import Category, ItemKind, ItemStatus

HEADER = (
    "序号",
    "提交时间",
    "诉求类型",
    "事项分类",
    "标题",
    "来信单位",
    "受理组织",
    "状态",
    "匿名",
    "首次答复时间",
    "满意",
)


def _sheet(response):
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return wb.worksheets[0]


@pytest.fixture
def items(tree):
    """Three items addressed to unit A: named and answered, anonymous and new, and one whose words look like
    formulas (from a unit whose name does too)."""
    named = VoiceItemFactory(
        sender=MemberFactory(unit=tree["b"]),
        addressee=tree["a"],
        kind=ItemKind.REQUEST,
        category=Category.HEALTH,
        subject="希望组织心理讲座",
        created_at=datetime(2026, 3, 2, 1, 30, tzinfo=UTC),
        status=ItemStatus.ANSWERED,
        answer="已安排",
        first_answered_at=datetime(2026, 3, 3, 16, 5, tzinfo=UTC),  # past midnight in Shanghai
        satisfied=True,
    )
    anonymous = VoiceItemFactory(
        sender=None,
        sender_unit=tree["a"],
        addressee=tree["a"],
        anonymous=True,
        kind=ItemKind.COMPLAINT,
        subject="加班费问题",
        created_at=datetime(2026, 3, 1, 23, 59, tzinfo=UTC),
    )
    odd_unit = OrganizationFactory(name="+市测试局", parent=tree["zone1"], sort_order=9)
    formula = VoiceItemFactory(
        sender=MemberFactory(unit=odd_unit),
        addressee=tree["a"],
        subject="=HYPERLINK(1)",
        created_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC),
        status=ItemStatus.ANSWERED,
        first_answered_at=datetime(2026, 2, 2, 8, 0, tzinfo=UTC),
        satisfied=False,
    )
    return named, anonymous, formula


def test_every_column_of_the_export_as_the_officer_reads_it(items, officer_a, client_for):
    named, anonymous, formula = items
    c = client_for(officer_a)
    ws = _sheet(c.get(reverse("voice:inbox_export")))
    rows = [tuple(cell.value for cell in row) for row in ws.iter_rows()]
    assert rows == [
        HEADER,
        (named.pk, "2026-03-02 09:30", "求助", "健康", "希望组织心理讲座", "市商务局", "市财政局", "已答复", "否")
        + ("2026-03-04 00:05", "是"),
        (anonymous.pk, "2026-03-02 07:59", "投诉", "工作条件", "加班费问题", "市财政局", "市财政局", "新提交", "是")
        + (None, None),  # not answered, not rated
        (formula.pk, "2026-02-01 16:00", "建议", "工作条件", "=HYPERLINK(1)", "+市测试局", "市财政局", "已答复", "否")
        + ("2026-02-02 16:00", "否"),
    ]
    for cell in (ws.cell(row=4, column=5), ws.cell(row=4, column=6)):  # shown as text, never run as a formula
        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    assert not ws.cell(row=2, column=5).quotePrefix


def test_the_export_follows_the_inbox_sort_and_filters(items, officer_a, client_for):
    named, anonymous, formula = items
    c = client_for(officer_a)
    by_subject = _sheet(c.get(reverse("voice:inbox_export"), {"sort": "subject"}))
    assert [row[0].value for row in by_subject.iter_rows(min_row=2)] == [formula.pk, anonymous.pk, named.pk]
    answered = _sheet(c.get(reverse("voice:inbox_export"), {"status": "answered", "sort": "sent"}))
    assert [row[0].value for row in answered.iter_rows(min_row=2)] == [formula.pk, named.pk]


def test_the_export_is_recorded_once_with_its_row_count(items, officer_a, client_for):
    client_for(officer_a).get(reverse("voice:inbox_export"), {"status": "answered"})
    record = AccessRecord.objects.get(app="voice")
    assert (record.actor, record.action, record.rows, record.what) == (officer_a, "export", 2, "职工之声收件箱")
