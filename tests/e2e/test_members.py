"""An officer, in Chromium: adds a member, transfers one, imports a roster with three bad rows (sees exactly
those three, nothing saved), fixes it, imports it, and exports the list."""

import pytest
from openpyxl import load_workbook

from members.models import Member, MembershipChange
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import MemberFactory, UserFactory
from tests.members.test_excel import roster_row, xlsx_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_adds_transfers_imports_and_exports(page, live_server, officer_a, tree, tmp_path):
    leaver = MemberFactory(unit=tree["a"], name="调动者")
    login(page, live_server, "officer_a")
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts

    # 1. Add a member: birth date and gender come from the ID number.
    page.goto(f"{live_server.url}/members/")
    page.get_by_role("link", name="新增会员").click()
    page.fill("input[name=name]", "阿依古丽·买买提")
    page.fill("input[name=id_number]", "11010519491231002x")
    page.fill("input[name=join_date]", "2020-05-04")
    page.fill("input[name=card_number]", "NT8800001")
    page.fill("input[name=mobile]", "13912345678")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("阿依古丽·买买提 已入会。").wait_for()
    assert page.get_by_test_id("id-number").inner_text() == "1101**************"
    added = Member.objects.get(card_number="NT8800001")
    assert added.gender == "F" and str(added.birth_date) == "1949-12-31"

    # 2. Start the transfer of another member to 市公安局 (转出); 市公安局 accepts it (转入).
    page.goto(f"{live_server.url}/members/{leaver.pk}/")
    page.get_by_role("link", name="转接").click()
    page.select_option("select[name=to_unit]", label="市公安局")
    page.fill("input[name=reason]", "工作调动")
    page.get_by_role("button", name="发起转出").click()
    page.get_by_text("已发起调动者转至市公安局，市公安局接收后生效。").wait_for()
    page.get_by_test_id("pending-transfer").wait_for()
    leaver.refresh_from_db()
    assert leaver.unit == tree["a"]
    page.goto(f"{live_server.url}/members/transfers/?direction=out")
    page.get_by_test_id("transfer-row").filter(has_text="调动者").wait_for()
    page.screenshot(path=str(ARTIFACTS / "members-transfer-out.png"), full_page=True)
    from members import services as member_services

    officer_c = UserFactory(username="officer_c")
    member_services.role_assign(user=officer_c, organization=tree["c"], role="unit_officer")
    member_services.transfer_accept(actor=officer_c, transfer=leaver.transfer_requests.get())
    leaver.refresh_from_db()
    assert leaver.unit == tree["c"]
    assert MembershipChange.objects.filter(member=leaver, kind="transfer", reason="工作调动").exists()

    # 3. Import a roster with three bad rows: exactly those three are shown, nothing is saved.
    rows = [roster_row(i, "市财政局") for i in range(1, 9)]
    rows[1] = roster_row(2, "市财政局", id_number="11010519491231003X")
    rows[4] = roster_row(5, "不存在的单位")
    rows[6] = roster_row(7, "市财政局", card_number="IM000001")
    bad = tmp_path / "roster-bad.xlsx"
    bad.write_bytes(xlsx_bytes(rows))
    page.goto(f"{live_server.url}/members/")
    page.get_by_role("link", name="导入").click()
    page.set_input_files("input[name=file]", str(bad))
    page.get_by_test_id("import-upload").click()
    page.get_by_test_id("import-errors-summary").wait_for()
    errors = page.get_by_test_id("import-error")
    assert errors.count() == 3
    assert [errors.nth(i).get_attribute("data-row") for i in range(3)] == ["3", "6", "8"]
    assert page.get_by_test_id("import-confirm").count() == 0
    assert not Member.objects.filter(card_number__startswith="IM").exists()

    # 4. Fixed, uploaded, confirmed: all eight saved.
    fixed = tmp_path / "roster.xlsx"
    fixed.write_bytes(xlsx_bytes([roster_row(i, "市财政局") for i in range(1, 9)]))
    page.get_by_test_id("upload-again").click()
    page.set_input_files("input[name=file]", str(fixed))
    page.get_by_test_id("import-upload").click()
    page.get_by_test_id("import-ready").wait_for()
    assert not Member.objects.filter(card_number__startswith="IM").exists()
    page.get_by_test_id("import-confirm").click()
    page.get_by_text("导入完成：新增 8 名会员").wait_for()
    assert Member.objects.filter(card_number__startswith="IM", unit=tree["a"]).count() == 8

    # 5. Export the list: every member of the unit, masked.
    page.goto(f"{live_server.url}/members/")
    with page.expect_download() as info:
        page.get_by_test_id("export-link").click()
    path = tmp_path / "export.xlsx"
    info.value.save_as(path)
    assert info.value.suggested_filename.endswith(".xlsx")
    ws = load_workbook(path).active
    cards = {row[13] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {"NT8800001", "IM000001", "IM000008"} <= cards and leaver.card_number not in cards
    assert "11010519491231002X" not in {row[4] for row in ws.iter_rows(min_row=2, values_only=True)}
