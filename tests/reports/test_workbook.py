"""The yearly workbook opened with openpyxl: every sheet, the totals, formula escaping, scope, queries."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from members.registry import report_sheets
from members.scoping import forget_scope
from reports.workbook import build_workbook
from tests.factories import MemberFactory

from .conftest import CHAIR_NAME, HOSTILE_UNIT, YEAR, activity, register

pytestmark = pytest.mark.django_db
SHEETS = ["会员名册汇总", "活动与参与", "困难档案与帮扶", "福利支出与上限", "委员会与任期", "工会经费"]


def build(actor, organization=None, year=YEAR):
    out = BytesIO()
    build_workbook(actor=actor, year=year, organization=organization, out=out)
    out.seek(0)
    return load_workbook(out)


def table(ws):
    """Header row 2 → list of dicts for the data rows, and the totals row (the last row before the notes)."""
    headers = [c.value for c in ws[2]]
    rows = []
    for values in ws.iter_rows(min_row=3, values_only=True):
        if all(v is None for v in values):
            break
        rows.append(dict(zip(headers, values, strict=True)))
    return rows[:-1], rows[-1]


def by(rows, key, value):
    return next(r for r in rows if r[key] == value)


def test_every_sheet_in_chinese_with_frozen_headers_and_formats(city_admin, year_data):
    wb = build(city_admin)
    assert wb.sheetnames == SHEETS
    assert [s.key for s in report_sheets()] == ["roster", "activities", "assistance", "welfare", "committees", "funds"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A3"
        assert ws.print_title_rows == "$1:$2"
        assert str(YEAR) in ws["A1"].value and "全市" in ws["A1"].value
        assert ws[2][0].font.b
        assert ws.column_dimensions["B"].width >= 12
    # money to the fen, dates as dates, percentages
    _, total = table(wb["困难档案与帮扶"])
    ws = wb["困难档案与帮扶"]
    assert ws.cell(row=3, column=6).number_format == "#,##0.00"
    ws = wb["活动与参与"]
    assert ws.cell(row=3, column=1).number_format == "yyyy-mm-dd"
    assert ws.cell(row=3, column=1).value.date() == date(YEAR, 5, 10)
    assert ws.cell(row=3, column=9).number_format == "0.0%"


def test_the_totals(city_admin, year_data):
    wb = build(city_admin)

    rows, total = table(wb["会员名册汇总"])
    assert {r["单位"] for r in rows} == {"市财政局", "市商务局", "市公安局", "'" + HOSTILE_UNIT}
    assert by(rows, "单位", "市财政局")["在册会员"] == 4
    assert by(rows, "单位", "市财政局")["联系片"] == "经济联系片"
    assert total["联系片"] == "合计（4 个单位）"
    assert (total["在册会员"], total["女会员"], total["本年入会"], total["本年减少"]) == (12, 1, 1, 0)

    rows, total = table(wb["活动与参与"])
    assert [r["活动名称"] for r in rows] == ["'=建功新时代技能竞赛", "市公安局读书会"]
    city = rows[0]
    assert (city["参与单位数"], city["报名人数"], city["确认名额"], city["已签到"]) == (2, 3, 3, 2)
    assert (total["报名人数"], total["确认名额"], total["已签到"], total["签到率"]) == (4, 4, 2, 0.5)
    assert total["日期"] == "合计（2 项活动）"

    rows, total = table(wb["困难档案与帮扶"])
    grants = [(r["资金来源"], r["发放记录"], r["金额（元）"]) for r in rows]
    assert grants == [("政府救助", 1, 500), ("工会经费", 2, 1800)]
    union = rows[1]
    assert (union["受助档案数"], union["预算（元）"], union["结余"]) == (2, 5000, 3200)
    assert (total["受助档案数"], total["发放记录"], total["金额（元）"], total["结余"]) == (2, 3, 2300, 3200)
    notes = [c.value for c in wb["困难档案与帮扶"]["A"] if c.value and str(c.value).startswith("困难档案")]
    assert notes == ["困难档案：现在档 2 户，2025年建档 1 户、销档 0 户；本年有 2 户获得帮扶。"]

    rows, total = table(wb["福利支出与上限"])
    a = by(rows, "单位", "市财政局")
    assert (a["节日慰问品 支出"], a["节日慰问品 上限×人数"], a["合计支出（元）"]) == (1900, 7200, 1900)
    assert by(rows, "单位", "市公安局")["生日慰问 支出"] == 300
    assert (total["在册会员"], total["节日慰问品 支出"], total["生日慰问 支出"], total["合计支出（元）"]) == (
        12,
        1900,
        300,
        2200,
    )

    rows, total = table(wb["委员会与任期"])
    a = by(rows, "单位", "市财政局")
    assert a["主席"] == "'" + CHAIR_NAME  # shown as text, never run
    assert a["届满日期"].date() == date(2026, 3, 1)
    assert (a["委员人数"], a["经审委员"]) == (1, 1)
    assert by(rows, "单位", "市公安局")["任期状态"] == "换届逾期"
    assert by(rows, "单位", "市商务局")["任期状态"] == "未建委员会"
    assert (total["委员人数"], total["经审委员"], total["任期开始"]) == (2, 1, "2 个委员会")


def test_no_cell_is_a_formula(city_admin, year_data):
    wb = build(city_admin)
    texts = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert "'" + HOSTILE_UNIT in texts  # the control: the formula-like name is there, as text
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (ws.title, cell.value)


def test_a_zone_report_has_only_that_zones_units(city_admin, tree, year_data):
    wb = build(city_admin, tree["zone1"])
    assert "经济联系片" in wb.worksheets[0]["A1"].value
    for title in ("会员名册汇总", "福利支出与上限", "委员会与任期"):
        rows, total = table(wb[title])
        assert {r["单位"] for r in rows} == {"市财政局", "市商务局"}, title
        assert total["在册会员"] == 7, title
    rows, total = table(wb["活动与参与"])
    # The city's activity (zone 1 members took part), counted for zone 1's members only.
    assert [(r["活动名称"], r["报名人数"], r["已签到"]) for r in rows] == [("'=建功新时代技能竞赛", 2, 1)]
    rows, total = table(wb["困难档案与帮扶"])
    grants = [(r["资金来源"], r["金额（元）"], r["预算（元）"]) for r in rows]
    assert grants == [("政府救助", 500, None), ("工会经费", 1000, None)]  # no city budget for a zone
    assert total["金额（元）"] == 1500


def test_one_unit_report(city_admin, tree, year_data):
    wb = build(city_admin, tree["c"])
    rows, _ = table(wb["会员名册汇总"])
    assert [r["单位"] for r in rows] == ["市公安局"]
    rows, _ = table(wb["活动与参与"])
    assert [r["活动名称"] for r in rows] == ["'=建功新时代技能竞赛", "市公安局读书会"]


def _queries(actor) -> int:
    with CaptureQueriesContext(connection) as ctx:
        build_workbook(actor=actor, year=YEAR, organization=None, out=BytesIO())
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_data(city_admin, tree, year_data, django_assert_num_queries):
    # 2 for the actor's scope, then per sheet: roster 3, activities 2, assistance 3, welfare 5, committees 5, funds 4.
    forget_scope(city_admin)  # read once per build, as in the task (a fresh user object)
    with django_assert_num_queries(24):
        build_workbook(actor=city_admin, year=YEAR, organization=None, out=BytesIO())
    small = _queries(city_admin)
    # Ten times the members, more activities and registrations.
    for unit in (tree["a"], tree["b"], tree["c"], year_data["hostile"]):
        people = MemberFactory.create_batch(25, unit=unit)
        act = activity(unit, date(YEAR, 9, 1))
        for m in people[:10]:
            register(act, m, attended=True)
    assert _queries(city_admin) == small
