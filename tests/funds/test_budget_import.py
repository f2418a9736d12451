"""A budget's lines from an xlsx: the template round-trips, messy amounts are read as people type them, every
problem is reported at its row and column, nothing is half-saved (Hypothesis), an approved budget gets a proposed
adjustment with the file's amounts and a required reason, and the pages never answer 500."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from funds import budgetsheet, services
from funds.models import Adjustment, BudgetLine, BudgetStatus

from .conftest import approved_budget, cat

pytestmark = pytest.mark.django_db

HEADERS = ("编码", "子项", "金额（元）")


def xlsx(rows, headers=HEADERS, above=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(list(line))
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def lines(budget) -> dict[str, Decimal]:
    return dict(budget.lines.values_list("category__code", "amount"))


@pytest.fixture
def draft(tree, officer_a):
    return services.budget_create(actor=officer_a, union=tree["a"], year=timezone.localdate().year)


def test_the_template_lists_every_sub_item_and_reads_back_as_it_was(draft, officer_a):
    services.budget_set_lines(actor=officer_a, budget=draft, amounts={cat("2102").pk: Decimal("12000.50")})
    data = budgetsheet.template(draft)
    ws = load_workbook(BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == ("收支", "编码", "类别", "子项", "金额（元）")
    by_code = {r[1]: r for r in rows[2:]}
    assert len(by_code) == 22 and by_code["2102"][2:] == ("职工活动支出", "文体活动支出", 12000.5)
    assert by_code["11"][0] == "收入" and by_code["2104"][0] == "支出"
    sheet = budgetsheet.read_budget(data)
    assert sheet.amounts[cat("2102").pk] == Decimal("12000.50") and not sheet.blank


def test_messy_amounts_fill_the_draft_and_a_blank_is_zero(draft, officer_a):
    services.budget_set_lines(actor=officer_a, budget=draft, amounts={cat("2109").pk: Decimal("5")})
    data = xlsx(
        [
            ("2101", "职工教育支出", "１２，０００．５０"),  # full-width digits and comma
            (2102, "文体活动支出", "¥3,000"),  # a code typed as a number, a currency sign, thousands
            ("2103", "", "￥ 1 500 元"),
            ("", "职工集体福利支出", 800.25),  # no code: the sub-item's name
            ("11", "会费收入", None),  # a blank amount
            ("21", "职工活动支出", None),  # a heading without an amount
        ],
        above=[("市财政局工会 2026 年预算",)],
    )
    result = budgetsheet.budget_import(actor=officer_a, budget=draft, data=data)
    got = lines(draft)
    assert got["2101"] == Decimal("12000.50") and got["2102"] == Decimal("3000.00")
    assert got["2103"] == Decimal("1500.00") and got["2104"] == Decimal("800.25") and got["11"] == Decimal("0.00")
    assert got["2109"] == Decimal("5.00")  # not in the file: kept
    assert (result.filled, result.blank, result.missing) == (4, 1, 17)


def test_every_bad_row_is_reported_at_its_row_and_column_and_nothing_is_saved(draft, officer_a):
    data = xlsx(
        [
            ("2101", "职工教育支出", "100"),  # row 3: fine
            ("9999", "", "1"),  # row 4: unknown code
            ("2102", "宣传活动支出", "1"),  # row 5: code and name disagree
            ("2103", "", "-5"),  # row 6: negative
            ("2101", "", "2"),  # row 7: twice
            ("21", "", "7"),  # row 8: a heading with an amount
            ("2109", "", "12.345"),  # row 9: three decimals
            ("2201", "", "abc"),  # row 10: not an amount
            ("", "", "8"),  # row 11: an amount with no code
            ("", "不存在的子项", "8"),  # row 12: an unknown name
        ],
        above=[("标题",)],
    )
    with pytest.raises(ValidationError) as exc:
        budgetsheet.budget_import(actor=officer_a, budget=draft, data=data)
    text = "\n".join(exc.value.messages)
    for row, col in [(4, "A"), (5, "B"), (6, "C"), (7, "A"), (8, "A"), (9, "C"), (10, "C"), (11, "A"), (12, "B")]:
        assert f"第 {row} 行 {col} 列" in text, (row, col, text)
    assert not any(m.startswith("第 3 行") for m in exc.value.messages)
    assert "9999" in text and "负数" in text and "已在第 3 行" in text
    assert all(v == Decimal("0") for v in lines(draft).values())  # nothing half-saved


def test_a_file_without_an_amount_column_or_not_an_xlsx_is_refused_in_chinese(draft, officer_a):
    with pytest.raises(ValidationError, match="金额"):
        budgetsheet.budget_import(actor=officer_a, budget=draft, data=xlsx([("2101", "x")], headers=("编码", "子项")))
    with pytest.raises(ValidationError, match="Excel"):
        budgetsheet.budget_import(actor=officer_a, budget=draft, data=b"2101,100\n")


def test_an_approved_budget_gets_a_proposed_adjustment_with_a_reason(tree, officer_a):
    budget = approved_budget(officer_a, tree["a"], amounts={"2102": "1000", "2104": "500"})
    data = xlsx([("2102", "", "1500"), ("2104", "", None), ("2101", "", "0")])
    with pytest.raises(ValidationError, match="理由"):
        budgetsheet.budget_import(actor=officer_a, budget=budget, data=data)
    assert not Adjustment.objects.exists()
    result = budgetsheet.budget_import(actor=officer_a, budget=budget, data=data, reason="羽毛球赛增加场地费")
    adjustment = result.adjustment
    assert adjustment.status == BudgetStatus.DRAFT and adjustment.reason == "羽毛球赛增加场地费"
    assert {(line.category.code, line.old_amount, line.new_amount) for line in adjustment.lines.all()} == {
        ("2102", Decimal("1000.00"), Decimal("1500.00"))  # the blank left 2104 alone; 2101 was 0 already
    }
    assert lines(budget)["2102"] == Decimal("1000.00")  # in force only once the committee approves it
    with pytest.raises(ValidationError, match="未改变"):  # a file that changes nothing
        budgetsheet.budget_import(actor=officer_a, budget=budget, data=xlsx([("2102", "", "1000")]), reason="无")


def test_another_units_officer_cannot_import_into_a_budget(draft, officer_b, zone_lead):
    data = xlsx([("2101", "", "100")])
    with pytest.raises(Http404):
        budgetsheet.budget_import(actor=officer_b, budget=draft, data=data)
    with pytest.raises(PermissionDenied):  # the zone lead reads the unit's budget, manages nothing
        budgetsheet.budget_import(actor=zone_lead, budget=draft, data=data)
    assert lines(draft)["2101"] == Decimal("0")


def test_the_pages_download_the_template_and_import_with_a_message(client, draft, officer_a, officer_b):
    client.force_login(officer_a)
    r = client.get(reverse("funds:budget_template", args=[draft.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(r.streaming_content)
    ws = load_workbook(BytesIO(data)).active
    for row in ws.iter_rows(min_row=3):
        if row[1].value == "2102":
            row[4].value = "2,000"
        elif row[1].value == "2103":
            row[4].value = None
    out = BytesIO()
    ws.parent.save(out)
    upload = BytesIO(out.getvalue())
    upload.name = "预算.xlsx"
    r = client.post(reverse("funds:budget_import", args=[draft.pk]), {"file": upload}, follow=True)
    page = r.content.decode()
    assert r.status_code == 200 and "已按文件填入" in page and "1 个空白金额按 0 计" in page
    assert lines(draft)["2102"] == Decimal("2000.00")
    bad = BytesIO(xlsx([("2102", "", "两千")]))
    bad.name = "bad.xlsx"
    r = client.post(reverse("funds:budget_import", args=[draft.pk]), {"file": bad}, follow=True)
    assert r.status_code == 200 and "第 2 行 C 列" in r.content.decode()
    r = client.post(reverse("funds:budget_import", args=[draft.pk]), {}, follow=True)  # no file
    assert r.status_code == 200 and "xlsx" in r.content.decode()
    client.force_login(officer_b)
    assert client.get(reverse("funds:budget_template", args=[draft.pk])).status_code == 404


# --- Hypothesis: messy files, never a 500, never partial, every bad row at its real row -----------------------
CODES = ["11", "12", "2101", "2102", "2104", "2204", "21", "22", "9999", "", "x1"]
GOOD = st.one_of(
    st.integers(0, 10**9),
    st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(0, 10**7).map(lambda n: f"{n:,}"),  # thousands separators
    st.integers(0, 10**7).map(lambda n: "¥" + str(n)),
    st.integers(0, 10**7).map(lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))),
    st.integers(0, 10**7).map(lambda n: f"{n}元"),
)
BAD = st.sampled_from(["abc", "-5", "1.234", "1e400", "NaN", "½", "1_000", "--1", "12元5", "１２.３４５"])
AMOUNT = st.one_of(GOOD, BAD, st.none(), st.just("  "))
ROW = st.tuples(st.sampled_from(CODES), AMOUNT)


def _plain(value) -> str:
    """How a person means a typed amount (the oracle, written apart from the reader under test)."""
    if value is None:
        return ""
    text = "".join(unicodedata.normalize("NFKC", str(value)).split()).replace(",", "")
    return text.removeprefix("¥").removesuffix("元")


def _expected_bad(rows: list[tuple[str, object]], first_row: int) -> set[int]:
    """The rows an honest reader must refuse, computed from the generated rows (not by the code under test)."""
    bad, seen = set(), set()
    leaves = {"11", "12", "2101", "2102", "2104", "2204"}
    for i, (code, amount) in enumerate(rows):
        number = first_row + i
        blank = amount is None or (isinstance(amount, str) and not amount.strip())
        if code == "":
            if not blank:
                bad.add(number)
            continue
        if code not in leaves:
            if code in ("21", "22") and blank:
                continue
            bad.add(number)
            continue
        if code in seen:
            bad.add(number)
            continue
        seen.add(code)
        if blank or isinstance(amount, int):
            continue
        try:
            value = Decimal(_plain(amount))
            ok = "_" not in _plain(amount) and value.is_finite() and value >= 0 and value == round(value, 2)
        except ArithmeticError:
            ok = False
        if not ok:
            bad.add(number)
    return bad


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=10), title=st.booleans())
def test_a_messy_file_is_imported_whole_or_refused_at_every_bad_row(draft, officer_a, rows, title):
    above = [("某单位工会预算",)] if title else []
    data = xlsx([(code, "", amount) for code, amount in rows], above=above)
    first_row = len(above) + 2
    expected = _expected_bad(rows, first_row)
    before = lines(draft)
    try:
        with transaction.atomic():
            budgetsheet.budget_import(actor=officer_a, budget=draft, data=data)
            after = lines(draft)
            raise RuntimeError("rollback")  # undo a successful import: the next example starts afresh
    except ValidationError as exc:
        text = "\n".join(exc.messages)
        assert all(isinstance(m, str) and m for m in exc.messages)
        reported = {int(m.split()[1]) for m in exc.messages if m.startswith("第 ")}
        if expected:
            assert reported == expected, text
        else:  # refused without a bad row: only a file with no budget line at all
            assert all(code in ("", "21", "22") for code, _ in rows), text
    except RuntimeError:
        assert not expected, f"rows {expected} should have been refused"
        for code, amount in rows:
            if code in ("11", "12", "2101", "2102", "2104", "2204"):
                blank = amount is None or (isinstance(amount, str) and not amount.strip())
                want = Decimal("0") if blank else Decimal(_plain(amount))
                assert after[code] == want, (code, amount, after[code])
    assert lines(draft) == before  # rolled back, or never written
    assert not BudgetLine.objects.filter(amount__lt=0).exists()


def test_the_import_page_never_answers_500(draft, officer_a):
    client = Client(raise_request_exception=False)
    client.force_login(officer_a)
    for content in [b"", b"PK\x03\x04garbage", xlsx([]), xlsx([("2101", "", "1" * 40)]), xlsx([(None, None, None)])]:
        upload = BytesIO(content)
        upload.name = "x.xlsx"
        r = client.post(reverse("funds:budget_import", args=[draft.pk]), {"file": upload}, follow=True)
        assert r.status_code == 200
