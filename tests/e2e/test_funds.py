"""Union funds in real Chromium: the unit officer enters and approves a budget, confirms a festival batch and
sees its posting in the ledger, imports a month's dues list, and exports the year's statement."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from funds.defaults import ensure_defaults
from funds.models import Category, Posting
from members.models import Member
from tests.e2e.conftest import login
from tests.welfare.conftest import festival_batch
from welfare.defaults import ensure_jiangsu_policy

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _dues_list(members) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["会员证号", "姓名", "会费"])
    for m in members:
        ws.append([m.card_number, m.name, 25])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def test_officer_budgets_confirms_a_batch_imports_dues_and_exports_the_statement(page, live_server, tree, officer_a):
    ensure_defaults()
    today = timezone.localdate()
    ensure_jiangsu_policy(today.year)
    welfare_cat = Category.objects.get(code="2104")
    dues_cat = Category.objects.get(code="11")
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, "officer_a")

    # The budget: entered on screen, then the committee's approval recorded.
    page.goto(f"{live_server.url}/funds/budgets/new/")
    page.fill("#id_year", str(today.year))
    page.get_by_role("button", name="创建").click()
    page.get_by_text("预算草稿已创建").wait_for()
    page.fill(f"input[name=amount_{welfare_cat.pk}]", "20000")
    page.fill(f"input[name=amount_{dues_cat.pk}]", "3000")
    page.get_by_test_id("save-lines").click()
    page.get_by_text("金额已保存").wait_for()
    page.fill("#id_approved_on", today.isoformat())
    page.fill("#id_note", "工会委员会第2次会议")
    page.get_by_test_id("approve-budget").click()
    page.get_by_text("已登记委员会批准").wait_for()
    assert page.get_by_test_id("budget-status").inner_text() == "已批准"

    # A festival batch confirmed on its page lands in the ledger.
    batch = festival_batch(officer_a, tree["a"], on=today, amount="300", item="节日慰问品")
    people = batch.recipients.filter(included=True).count()
    page.goto(f"{live_server.url}/welfare/distributions/{batch.pk}/")
    page.get_by_test_id("confirm").click()
    page.get_by_text("批次已确认").wait_for()
    page.goto(f"{live_server.url}/funds/ledger/")
    row = page.get_by_test_id("ledger-row").filter(has_text="职工集体福利支出")
    assert row.count() == 1 and f"{Decimal('300') * people:.2f}" in row.inner_text()

    # A month's payroll deduction list.
    members = list(Member.objects.filter(unit=tree["a"]).order_by("pk"))
    page.goto(f"{live_server.url}/funds/dues/")
    page.fill("#id_month", f"{today:%Y-%m}")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "会费代扣.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": _dues_list(members),
            }
        ],
    )
    page.get_by_test_id("import-dues").click()
    page.get_by_text(f"已记录 {len(members)} 名会员").wait_for()
    assert Posting.objects.filter(category=dues_cat, amount=Decimal("25") * len(members)).exists()

    # The year's statement, on screen and as xlsx.
    page.goto(f"{live_server.url}/funds/statement/")
    assert page.get_by_test_id("income-total").inner_text() == f"{Decimal('25') * len(members):.2f}"
    with page.expect_download() as download:
        page.get_by_test_id("export").click()
    ws = load_workbook(BytesIO(Path(download.value.path()).read_bytes())).active
    labels = [row[1] for row in ws.iter_rows(min_row=3, values_only=True)]
    assert "收入合计" in labels and "职工集体福利支出" in " ".join(str(x) for x in labels)
