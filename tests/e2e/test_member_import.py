"""The officer's correction loop on a messy roster, in Chromium (issue #15): upload a file typed by hand, read
the messages (each at its Excel row and column), fix the file, upload it again, see what would change for a
registered member (old → new), tick the update, confirm once, see the result."""

from __future__ import annotations

import importlib
import io
import os
from pathlib import Path

import pytest
from openpyxl import Workbook

from members.models import ChoiceSynonym, Member, MemberImport
from tests.e2e.conftest import login
from tests.factories import MemberFactory, valid_id_number

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HEADERS = [
    "姓名",
    "身份证号码",
    "性别",
    "民族",
    "政治面貌",
    "学历",
    "单位",
    "用工性质",
    "入会时间",
    "会员证号",
    "联系电话",
    "名族",
]


@pytest.fixture
def synonyms(db):
    """The seeded spellings (a transactional test empties the tables the migration filled)."""
    if not ChoiceSynonym.objects.exists():
        migration = importlib.import_module("members.migrations.0009_roster_import_and_synonyms")
        from django.apps import apps

        migration.seed(apps, None)


def roster(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["市财政局 2026 年会员花名册"])  # a title row above the header, as officers do
    ws.append(HEADERS)
    for row in rows:
        ws.append(row if row else [])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        Path("test-artifacts").mkdir(exist_ok=True)
        page.screenshot(path=f"test-artifacts/{name}.png", full_page=True)


def test_officer_corrects_a_messy_roster_and_imports_it(page, live_server, officer_a, tree, tmp_path, synonyms):
    chen = MemberFactory(
        unit=tree["a"], name="陈静", card_number="NT0000777", id_number=valid_id_number(9001, gender="F"),
        gender="F", ethnicity="03", native_place="江苏如皋", position="副科长", mobile="13800000000",
    )  # fmt: skip
    good_id = valid_id_number(9100)
    full_width = good_id.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        ["阿依古丽•买买提", "11010519491231002x", "", "维吾尔", "群众", "本科", "市财政局", "编外", "2020.5.4",
         "nt 880001", "139-1234-5678", ""],  # row 3
        [],  # row 4: blank
        ["张  伟", full_width, "男性", "汉族", "党员", "大专", "", "派遣", "2021年3月1日", "NT880002",
         "+86 13912345679", ""],  # row 5
        ["李强", valid_id_number(9101)[:17] + "0", "", "", "团员", "", "", "在编", "2021-13-01", "NT880003",
         "", ""],  # row 6: a wrong check character and a month 13
        ["陈静", "", "", "", "", "", "", "", "", "NT0000777", "13911112222", ""],  # row 7: only the mobile changes
    ]  # fmt: skip
    login(page, live_server, "officer_a")
    page.goto(f"{live_server.url}/members/import/")
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(roster(rows))
    page.set_input_files("input[name=file]", str(path))
    page.get_by_test_id("import-upload").click()

    # 1. The messages: each at its Excel row and column; the unknown column as a warning; nothing saved.
    page.get_by_test_id("import-errors-summary").wait_for()
    errors = page.get_by_test_id("import-error")
    found = [(errors.nth(i).get_attribute("data-row"), errors.nth(i).get_attribute("data-column")) for i in range(2)]
    assert found == [("6", "身份证号码"), ("6", "入会时间")]
    assert "第 6 行“身份证号码”列：最后一位校验码与前 17 位不符" in errors.nth(0).inner_text()
    assert "未识别的列：名族 — 是否为“民族”？" in page.get_by_test_id("import-warning").inner_text()
    assert page.get_by_test_id("import-confirm").count() == 0
    assert not Member.objects.filter(card_number__startswith="NT88").exists()
    _shot(page, "import-1-messages")

    # 2. Fixed and uploaded again: the preview shows the change to 陈静 (old → new) and the normalised typing.
    rows[3][1], rows[3][8] = valid_id_number(9101), "2021-12-01"
    path.write_bytes(roster(rows))
    page.get_by_test_id("upload-again").click()
    page.set_input_files("input[name=file]", str(path))
    page.get_by_test_id("import-upload").click()
    page.get_by_test_id("import-ready").wait_for()
    assert page.get_by_test_id("count-new").inner_text() == "3"
    assert page.get_by_test_id("count-changed").inner_text() == "1"
    change = page.get_by_test_id("import-change")
    assert change.count() == 1 and "13800000000" in change.inner_text() and "13911112222" in change.inner_text()
    page.get_by_test_id("tab-changed").click()
    _shot(page, "import-2-diff")
    page.get_by_test_id("tab-notes").click()
    _shot(page, "import-3-normalised")
    notes = page.get_by_test_id("import-rows").inner_text()
    assert "间隔号写作 ·" in notes and "“党员”读作“中共党员”" in notes and "已去掉国家代码 +86" in notes
    page.go_back()

    # 3. Ticked and confirmed (the button disables itself); a second confirmation imports nothing.
    page.get_by_test_id("update-existing").check()
    page.get_by_test_id("import-confirm").click()
    page.get_by_test_id("import-done").wait_for()
    assert "新增 3 名会员，更新 1 名" in page.get_by_test_id("import-done").inner_text()
    added = {m.card_number: m for m in Member.objects.filter(card_number__startswith="NT88")}
    assert added["NT880001"].name == "阿依古丽·买买提" and added["NT880001"].ethnicity == "05"
    assert added["NT880002"].name == "张伟" and added["NT880002"].reveal_id_number() == good_id
    assert added["NT880002"].mobile == "13912345679" and added["NT880002"].employment_type == "agency"
    chen.refresh_from_db()
    assert chen.mobile == "13911112222" and (chen.ethnicity, chen.native_place, chen.position) == (
        "03",
        "江苏如皋",
        "副科长",
    )
    imp = MemberImport.objects.get(status="done")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    replay = page.request.post(f"{live_server.url}/members/import/{imp.token}/confirm/", headers={"X-CSRFToken": csrf})
    assert replay.status == 200 and "此文件已经导入过，没有再次导入" in replay.text()
    assert Member.objects.filter(card_number__startswith="NT88").count() == 3


def test_the_import_preview_on_a_phone(phone, live_server, officer_a, tree, tmp_path, synonyms):
    rows = [["王五", valid_id_number(9200), "", "汉", "党员", "", "", "", "2020/5/4", "NT990001", "", ""]]
    login(phone, live_server, "officer_a")
    phone.goto(f"{live_server.url}/members/import/")
    path = tmp_path / "r.xlsx"
    path.write_bytes(roster(rows))
    phone.set_input_files("input[name=file]", str(path))
    phone.get_by_test_id("import-upload").click()
    phone.get_by_test_id("import-ready").wait_for()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, width  # nothing wider than the phone
    assert phone.get_by_test_id("import-confirm").is_visible()
