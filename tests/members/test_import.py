"""The roster import an officer can trust (issue #15): nothing lost, every message at the right cell,
messy typing understood, one confirmation, the template that helps, big files through a task."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from openpyxl import Workbook, load_workbook

from members.excel import EXAMPLE_CARD, IMPORT_COLUMNS, chinese
from members.models import ChoiceSynonym, ImportStatus, Member, MemberImport, MembershipChange
from tests.factories import MemberFactory, valid_id_number
from tests.members.test_excel import HEADERS, confirm, roster_row, upload

pytestmark = pytest.mark.django_db
COL = {f: i for i, (f, _l, _r, _e) in enumerate(IMPORT_COLUMNS)}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def sheet(rows, headers=HEADERS, *, above=(), hidden=()) -> bytes:
    """A workbook as officers make it: lines above the header, rows as given (None: a blank row),
    some rows hidden."""
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    ws.append(headers)
    for row in rows:
        ws.append(row if row is not None else [])
    for number in hidden:
        ws.row_dimensions[number].hidden = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def errors_of(page) -> list[tuple[str, str]]:
    """(row, column) of every problem shown."""
    import re

    return re.findall(r'data-testid="import-error" data-row="(\d+)" data-column="([^"]*)"', page)


def all_rows(client, imp, show="error"):
    return client.get(f"/members/import/{imp.token}/?show={show}&per_page=100").content.decode()


# --- Every message points at the right cell -----------------------------------------------------------
def test_problems_name_the_rows_excel_shows_after_titles_blank_and_hidden_rows(client, officer_a, tree):
    rows = [
        roster_row(1, "市财政局"),  # Excel row 3
        None,  # 4: blank
        roster_row(2, "市财政局", id_number="11010519491231003X"),  # 5: checksum
        None,  # 6
        None,  # 7
        roster_row(3, "市财政局", mobile="1391234567"),  # 8: 10 digits
        roster_row(4, "市财政局", join_date="2021-13-45"),  # 9: hidden, bad date
        roster_row(5, "市财政局", card_number="IM000001"),  # 10: same card as row 3
    ]
    client.force_login(officer_a)
    page = upload(client, sheet(rows, above=[["市财政局会员花名册（2026年）"]], hidden=[9])).content.decode()
    assert errors_of(page) == [("5", "身份证号"), ("8", "手机号"), ("9", "入会时间"), ("10", "会员证号")]
    assert "第 3 行" in page  # the duplicate names the first row as Excel numbers it
    assert 'data-testid="import-confirm"' not in page
    assert not Member.objects.filter(card_number__startswith="IM").exists()


def test_messages_are_clean_chinese_sentences(client, officer_a, tree):
    rows = [
        roster_row(1, "市财政局", name="@张三"),  # (a cell starting with = is a formula to openpyxl)
        roster_row(2, "市财政局", native_place="南" * 51),
        roster_row(3, "市财政局", political_status="无产阶级"),
        roster_row(4, "市财政局", mobile="12345"),
    ]
    client.force_login(officer_a)
    page = upload(client, sheet(rows)).content.decode()
    import html

    text = html.unescape(page)
    assert "['" not in text and "']" not in text
    for internal in ("MemberResource", "income_check_consent", "political_status", "确保该变量", "Traceback"):
        assert internal not in text
    assert "第 2 行“姓名”列：姓名不能以 =、+、- 或 @ 开头" in text
    assert "第 3 行“籍贯”列：最多 50 个字符（现有 51 个）" in text
    assert "第 4 行“政治面貌”列：“无产阶级”不是可选的值：中共党员、中共预备党员、共青团员、民主党派、群众" in text
    assert "第 5 行“手机号”列" in text


def test_headers_variants_are_read_and_an_unknown_one_is_a_warning_with_a_suggestion(client, officer_a, tree):
    variants = {"id_number": "身份证号码", "mobile": "联系电话", "ethnicity": "名族", "unit": "工作单位"}
    headers = [variants.get(f, chinese(label)) for f, label, _r, _e in IMPORT_COLUMNS]
    client.force_login(officer_a)
    page = upload(client, sheet([roster_row(1, "市财政局")], headers=headers)).content.decode()
    assert "未识别的列：名族 — 是否为“民族”？" in page
    assert 'data-testid="import-confirm"' in page  # the rest is fine; the warning comes before saving
    imp = MemberImport.objects.get()
    confirm(client, imp)
    m = Member.objects.get(card_number="IM000001")
    assert m.mobile == "13700000001" and m.reveal_id_number() == valid_id_number(5001)


def test_a_missing_required_column_stops_with_one_message(client, officer_a, tree):
    headers = [h for h in HEADERS if h != "会员证号"]
    rows = [[v for i, v in enumerate(roster_row(n, "市财政局")) if i != COL["card_number"]] for n in range(1, 4)]
    client.force_login(officer_a)
    page = upload(client, sheet(rows, headers=headers)).content.decode()
    assert page.count('data-testid="import-fatal"') == 1 and "缺少“会员证号”列" in page
    assert 'data-testid="import-error"' not in page and 'data-testid="import-row"' not in page


def test_a_duplicate_names_the_holder_only_where_the_officer_may_see_them(client, officer_a, tree):
    own = MemberFactory(unit=tree["a"], name="李四", id_number=valid_id_number(8001), card_number="A0001")
    MemberFactory(unit=tree["b"], name="王秘密", id_number=valid_id_number(8002), card_number="B0001")
    rows = [
        roster_row(1, "市财政局", id_number=valid_id_number(8001)),  # own unit's ID under a new card
        roster_row(2, "市财政局", id_number=valid_id_number(8002)),  # unit B's ID
        roster_row(3, "市财政局", card_number="B0001"),  # unit B's card
    ]
    client.force_login(officer_a)
    page = upload(client, sheet(rows)).content.decode()
    assert f"李四（市财政局，会员证号 {own.card_number}）" in page
    assert "王秘密" not in page and "B0001" in page
    assert page.count("转接") >= 2  # the other unit's holder: a transfer, not a duplicate


# --- Nothing is lost -----------------------------------------------------------------------------------
def _registered(tree):
    return MemberFactory(
        unit=tree["a"],
        name="陈静",
        card_number="NT0000777",
        id_number=valid_id_number(9001, gender="F"),
        gender="F",
        ethnicity="03",
        native_place="江苏如皋",
        education="master",
        position="副科长",
        mobile="13800000000",
    )


def test_a_blank_cell_keeps_the_stored_value_and_the_change_needs_the_tick(client, officer_a, tree):
    m = _registered(tree)
    before = Member.history.filter(id=m.pk).count()
    row = [None] * len(HEADERS)
    row[COL["name"]], row[COL["card_number"]], row[COL["mobile"]] = "陈静", "NT0000777", "13911112222"
    client.force_login(officer_a)
    page = upload(client, sheet([row])).content.decode()
    imp = MemberImport.objects.get()
    assert (imp.new, imp.changed, imp.unchanged, imp.problems) == (0, 1, 0, 0)
    assert "手机号: <span" in page and "13800000000" in page and "13911112222" in page
    assert "按文件更新已有会员的以下信息" in page
    # Confirmed without the tick: nothing changes.
    confirm(client, imp, update=False)
    m.refresh_from_db()
    assert m.mobile == "13800000000" and Member.history.filter(id=m.pk).count() == before
    # Again, ticked: only the mobile number changes; 民族, 籍贯, 学历, 职务 stay.
    upload(client, sheet([row]))
    confirm(client, MemberImport.objects.latest("created_at"), update=True)
    m.refresh_from_db()
    assert m.mobile == "13911112222"
    assert (m.ethnicity, m.native_place, m.education, m.position) == ("03", "江苏如皋", "master", "副科长")
    assert Member.history.filter(id=m.pk).count() == before + 1


def test_the_diff_masks_the_id_number(client, officer_a, tree):
    m = _registered(tree)
    row = roster_row(1, "市财政局", card_number=m.card_number, name="陈静", id_number=valid_id_number(9002, gender="F"))
    client.force_login(officer_a)
    page = upload(client, sheet([row])).content.decode()
    assert valid_id_number(9002, gender="F") not in page and valid_id_number(9001, gender="F") not in page
    assert m.id_number_masked in page


def test_importing_the_portals_own_export_changes_nothing(client, officer_a, tree):
    for n in range(6):
        MemberFactory(unit=tree["a"], notes='=HYPERLINK("x")' if n == 0 else "", education="" if n == 1 else "bachelor")
    retired = MemberFactory(unit=tree["a"], status="retained")
    MemberFactory(unit=tree["a"], status="withdrawn")
    client.force_login(officer_a)
    exported = b"".join(client.get("/members/export/").streaming_content)
    history = Member.history.count()
    updated = dict(Member.objects.values_list("pk", "updated_at"))
    page = upload(client, exported).content.decode()
    imp = MemberImport.objects.get()
    assert (imp.new, imp.changed, imp.problems) == (0, 0, 0), page
    assert imp.unchanged == Member.objects.filter(unit=tree["a"]).count()
    assert "未识别的列" not in page  # 状态 is a known column the import leaves alone
    assert 'data-testid="import-confirm"' not in page and "没有任何改变" in page
    assert Member.history.count() == history and dict(Member.objects.values_list("pk", "updated_at")) == updated
    assert retired.status == "retained"


def test_confirming_twice_imports_once(client, officer_a, tree):
    client.force_login(officer_a)
    upload(client, sheet([roster_row(i, "市财政局") for i in range(1, 4)]))
    imp = MemberImport.objects.get()
    page = confirm(client, imp).content.decode()
    assert "导入完成：新增 3 名会员" in page and imp.status == ImportStatus.DONE
    page = confirm(client, imp).content.decode()  # a double click, a retry, back and resubmit
    assert "此文件已经导入过，没有再次导入" in page
    assert Member.objects.filter(card_number__startswith="IM").count() == 3
    assert MembershipChange.objects.filter(kind="join", member__card_number__startswith="IM").count() == 3
    assert not list(Path(settings.MEDIA_ROOT, "member-imports").glob(f"{imp.token}.*"))  # sealed rows gone


def test_the_staged_rows_are_encrypted_on_disk(client, officer_a, tree):
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局")]))
    imp = MemberImport.objects.get()
    for path in Path(settings.MEDIA_ROOT, "member-imports").glob(f"{imp.token}.*"):
        data = path.read_bytes()
        assert valid_id_number(5001).encode() not in data and "王".encode() not in data


def test_a_conflict_arising_between_preview_and_confirmation_saves_nothing(client, officer_a, tree):
    client.force_login(officer_a)
    upload(client, sheet([roster_row(i, "市财政局") for i in range(1, 4)]))
    imp = MemberImport.objects.get()
    MemberFactory(unit=tree["b"], card_number="OTHER", id_number=valid_id_number(5003))
    page = confirm(client, imp).content.decode()
    assert errors_of(page) == [("4", "身份证号")] and "没有保存任何内容" in page
    assert not Member.objects.filter(card_number__startswith="IM").exists()


def test_the_commit_is_atomic_when_saving_fails_half_way(client, officer_a, tree, monkeypatch):
    """The members are written, then recording their joins fails: nothing of the file stays."""
    client.force_login(officer_a)
    upload(client, sheet([roster_row(i, "市财政局") for i in range(1, 4)]))

    def broken(execute, sql, params, many, context):
        if sql.startswith(('INSERT INTO "members_membershipchange"', 'COPY "members_membershipchange"')):
            raise RuntimeError("disk full")
        return execute(sql, params, many, context)

    client.raise_request_exception = False
    with connection.execute_wrapper(broken):
        response = client.post(f"/members/import/{MemberImport.objects.get().token}/confirm/")
    assert response.status_code == 500
    assert not Member.objects.filter(card_number__startswith="IM").exists()
    assert MemberImport.objects.get().status == ImportStatus.CHECKED  # it may be confirmed again


# --- Messy typing understood ---------------------------------------------------------------------------
def test_messy_typing_is_normalised_and_said(client, officer_a, tree):
    idn = valid_id_number(6001)
    rows = [
        roster_row(1, "市财政局", id_number=" ".join(idn[i : i + 6] for i in (0, 6, 12)).translate(
            {ord(c): ord(c) + 0xFEE0 for c in "0123456789"}
        ), mobile="+86 139-1234-5678", join_date="2021年3月1日", political_status="党员",
            employment_type="派遣", education="本科", name="  阿依古丽•买买提 "),
        roster_row(2, "市财政局", mobile="0086 13912345679", join_date="2021/3/1", ethnicity="回",
            gender="男性", card_number="im 000002"),
        roster_row(3, "市财政局", join_date="2021.03.01", employment_type="合同制", name="张  三"),
        roster_row(4, "市财政局", join_date=20210301, education="大专", name="玛丽．居里"),
        roster_row(5, "市财政局", join_date="20210301", political_status="预备党员"),
    ]  # fmt: skip
    client.force_login(officer_a)
    page = upload(client, sheet(rows)).content.decode()
    imp = MemberImport.objects.get()
    assert imp.problems == 0 and imp.new == 5, errors_of(page)
    notes = all_rows(client, imp, show="notes")
    said_all = (
        "全角字符已改为半角",
        "已去掉空格",
        "已去掉国家代码 +86",
        "“党员”读作“中共党员”",
        "“派遣”读作“劳务派遣”",
    )
    for said in (*said_all, "间隔号写作 ·", "已读作日期"):
        assert said in notes, said
    confirm(client, imp)
    m = {x.card_number: x for x in Member.objects.filter(card_number__startswith="IM")}
    assert m["IM000001"].reveal_id_number() == idn and m["IM000001"].mobile == "13912345678"
    assert m["IM000001"].name == "阿依古丽·买买提" and m["IM000001"].political_status == "party_member"
    assert m["IM000001"].employment_type == "agency" and m["IM000001"].education == "bachelor"
    assert m["IM000002"].mobile == "13912345679" and m["IM000002"].ethnicity == "03" and m["IM000002"].gender == "M"
    assert m["IM000003"].name == "张三" and m["IM000003"].employment_type == "contract"
    assert m["IM000004"].name == "玛丽·居里" and m["IM000004"].education == "junior_college"
    assert m["IM000005"].political_status == "probationary"
    assert {x.join_date for x in m.values()} == {date(2021, 3, 1)}


def test_lowercase_x_and_an_id_number_excel_kept_or_rounded(client, officer_a, tree):
    from members.roster import norm_id

    digits = next(n for n in (valid_id_number(i) for i in range(6100, 6200)) if n[-1] != "X")
    # A file whose number cell kept all 18 digits (some programs write them whole): taken as they are.
    assert norm_id(int(digits))[0] == digits
    rows = [
        roster_row(1, "市财政局", id_number="11010519491231002x"),
        roster_row(2, "市财政局", id_number=float(digits)),  # Excel rounded it to 15 significant digits
    ]
    client.force_login(officer_a)
    page = upload(client, sheet(rows)).content.decode()
    assert errors_of(page) == [("3", "身份证号")]
    assert "Excel 把身份证号存成了数字，末尾几位已丢失：请把该列设为“文本”后重新输入" in page
    assert "校验码" not in page


def test_synonyms_are_data_the_city_administrator_edits(client, officer_a, city_admin, tree):
    client.force_login(officer_a)
    page = upload(client, sheet([roster_row(1, "市财政局", employment_type="人事代理")])).content.decode()
    assert "“人事代理”不是可选的值：在编、编外/聘用、劳务派遣" in page
    client.force_login(city_admin)
    assert client.get("/admin/members/choicesynonym/").status_code == 200
    response = client.post(
        "/admin/members/choicesynonym/add/", {"field": "employment_type", "text": "人事代理", "value": "contract"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局", employment_type="人事代理")]))
    assert MemberImport.objects.latest("created_at").problems == 0


def test_only_the_city_administrator_edits_the_synonyms(client, officer_a):
    ChoiceSynonym.objects.create(field="gender", text="雄", value="M")
    client.force_login(officer_a)
    officer_a.is_staff = True
    officer_a.save()
    assert client.get("/admin/members/choicesynonym/").status_code in (302, 403)


# --- The template helps --------------------------------------------------------------------------------
def test_the_template_has_text_columns_drop_downs_a_frozen_header_and_an_explanation_sheet(client, officer_a):
    client.force_login(officer_a)
    wb = load_workbook(io.BytesIO(client.get("/members/import/template/").content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS and ws.freeze_panes == "A2"
    letters = {f: chr(ord("A") + i) for f, i in COL.items()}
    for f in ("id_number", "card_number", "mobile"):
        assert ws.column_dimensions[letters[f]].number_format == "@"
        assert ws[f"{letters[f]}2"].number_format == "@"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    for f in ("gender", "ethnicity", "political_status", "education", "employment_type"):
        sheet_name, ref = lists[f"{letters[f]}2"].rsplit("!", 1)
        start, end = ref.replace("$", "").split(":")
        values = [c.value for row in wb[sheet_name.strip("'")][start:end] for c in row]
        assert len(values) == {"gender": 2, "ethnicity": 56, "political_status": 5, "education": 6}.get(f, 3)
        if f == "gender":
            assert values == ["男", "女"]
    explanation = wb.worksheets[1]
    text = " ".join(str(c.value) for row in explanation.iter_rows() for c in row if c.value)
    for header in HEADERS:
        assert header in text
    assert ws.cell(row=2, column=COL["card_number"] + 1).value == EXAMPLE_CARD
    assert ws.cell(row=2, column=COL["unit"] + 1).value == "市财政局"


def test_the_template_imported_as_it_is_adds_nobody(client, officer_a):
    client.force_login(officer_a)
    template = client.get("/members/import/template/").content
    page = upload(client, template).content.decode()
    assert "没有会员行" in page or "模板的示例行" in all_rows(client, MemberImport.objects.get(), show="unchanged")
    assert not Member.objects.filter(card_number=EXAMPLE_CARD).exists()


# --- Who may do what (attacks from inside one's own rights) ---------------------------------------------
def test_another_units_officer_cannot_see_or_confirm_an_import(client, officer_a, officer_b, city_admin, tree):
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局")]))
    imp = MemberImport.objects.get()
    for other in (officer_b, city_admin):
        client.force_login(other)
        assert client.get(f"/members/import/{imp.token}/").status_code == 404
        assert client.get(f"/members/import/{imp.token}/status/").status_code == 404
        assert client.post(f"/members/import/{imp.token}/confirm/").status_code == 404
    assert not Member.objects.filter(card_number__startswith="IM").exists()


def test_an_officer_cannot_change_another_units_member_through_the_file(client, officer_b, tree):
    victim = MemberFactory(unit=tree["a"], card_number="A0009", mobile="13800000009", name="赵六")
    row = [None] * len(HEADERS)
    row[COL["name"]], row[COL["card_number"]], row[COL["mobile"]] = "赵六", "A0009", "13911110000"
    client.force_login(officer_b)
    page = upload(client, sheet([row])).content.decode()
    assert errors_of(page) == [("2", "会员证号")] and "13800000009" not in page
    victim.refresh_from_db()
    assert victim.mobile == "13800000009"


def test_members_and_zone_leads_cannot_import(client, zone_lead, member_a):
    for user in (zone_lead, member_a):
        client.force_login(user)
        assert client.get("/members/import/").status_code == 403
        assert client.get("/members/import/template/").status_code == 403


# --- Hostile files ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"x" * (5 * 1024 * 1024 + 10), "大于"),
        (lambda: b"name,id\n1,2\n", "不是 Excel"),
        (lambda: b"PK\x03\x04garbage", "已损坏"),
    ],
)
def test_hostile_or_wrong_files_are_refused_before_parsing(client, officer_a, make, message):
    client.force_login(officer_a)
    response = upload(client, make())
    assert response.status_code == 200 and message in response.content.decode()
    assert not MemberImport.objects.exists()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_and_xml_entities_are_refused(client, officer_a):
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>", "xl/s.xml": b" " * (60 << 20)})
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Types>&a;</Types>'
    client.force_login(officer_a)
    assert "zip bomb" in upload(client, bomb).content.decode()
    assert "实体" in upload(client, _zip({"[Content_Types].xml": evil, "xl/workbook.xml": b"<w/>"})).content.decode()


# --- Big files: a task with a progress bar ---------------------------------------------------------------
@pytest.fixture
def eager_celery():
    from nantong_union.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


def test_a_big_file_is_checked_and_saved_by_the_task(client, officer_a, tree, settings, eager_celery,
                                                      django_capture_on_commit_callbacks):  # fmt: skip
    settings.MEMBER_IMPORT_SYNC_ROWS = 3
    rows = [roster_row(i, "市财政局") for i in range(1, 7)]
    client.force_login(officer_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/members/import/", {"file": _file(sheet(rows))})
    imp = MemberImport.objects.get()
    assert imp.in_background and imp.status == ImportStatus.CHECKING
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-state"' in page and "progress-bar" in page and "hx-get" in page
    for callback in queued:
        callback()
    imp.refresh_from_db()
    assert imp.status == ImportStatus.CHECKED and imp.new == 6
    status = client.get(f"/members/import/{imp.token}/status/", HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/members/import/{imp.token}/confirm/")
    imp.refresh_from_db()
    assert imp.status == ImportStatus.DONE and imp.saved_new == 6
    assert Member.objects.filter(card_number__startswith="IM").count() == 6


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("big.xlsx", data)


def test_dates_typed_as_real_excel_dates_stay_dates(client, officer_a, tree):
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局", join_date=datetime(2019, 12, 31), birth_date=None)]))
    confirm(client, MemberImport.objects.get())
    assert Member.objects.get(card_number="IM000001").join_date == date(2019, 12, 31)
