"""Excel export (masked, dates as dates, formulas never run) and import (preview, atomic, no duplicates)."""

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from members.excel import IMPORT_COLUMNS, chinese
from members.models import AccessRecord, Member, MembershipChange
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db
HEADERS = [chinese(label) for _f, label, _r, _e in IMPORT_COLUMNS]


def xlsx_bytes(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_row(n: int, unit_name: str, **overrides) -> list:
    values = {
        "name": f"王{'甲乙丙丁戊己庚辛壬癸'[n % 10]}",
        "id_number": valid_id_number(5000 + n),
        "gender": "",
        "birth_date": None,
        "ethnicity": "汉族",
        "native_place": "江苏南通",
        "political_status": "中共党员",
        "education": "大学本科",
        "unit": unit_name,
        "position": "科员",
        "professional_title": "",
        "employment_type": "编外/聘用" if n % 2 else "在编",
        "join_date": datetime(2021, 3, 1),
        "card_number": f"IM{n:06d}",
        "mobile": f"137{n:08d}",
        "notes": "",
    }
    values.update(overrides)
    return [values[f] for f, _l, _r, _e in IMPORT_COLUMNS]


def upload(client, data: bytes, mode="update", name="roster.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/members/import/", {"file": SimpleUploadedFile(name, data), "mode": mode})


# --- export ----------------------------------------------------------------------------------------
def test_export_has_chinese_headers_masked_ids_dates_frozen_header_and_is_recorded(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"], id_number="11010519491231002X", gender="F", notes='=HYPERLINK("x")')
    MemberFactory(unit=tree["b"], card_number="OTHER01")
    client.force_login(officer_a)
    response = client.get("/members/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    data = b"".join(response.streaming_content)
    assert b"11010519491231002X" not in data
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "性别", "民族", "出生日期", "身份证号")
    by_card = {r[13]: r for r in rows[1:]}
    assert "OTHER01" not in by_card  # scope
    row = by_card[m.card_number]
    assert row[4] == "1101**************" and row[1] == "女" and row[8] == "市财政局"
    assert row[3] == datetime(1949, 12, 31)  # a real date, not text
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["I"].width >= 20
    record = AccessRecord.objects.get()
    assert (record.actor, record.action, record.what, record.rows) == (
        officer_a,
        "export",
        "会员名单（含出生日期与部分身份证号）",
        2,
    )


@pytest.mark.parametrize("payload", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_cells_that_look_like_formulas_are_written_as_text(client, officer_a, tree, payload):
    MemberFactory(unit=tree["a"], card_number="NTF0001", position=payload)
    client.force_login(officer_a)
    data = b"".join(client.get("/members/export/?q=NTF0001").streaming_content)
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    wb = load_workbook(io.BytesIO(data))
    assert wb.active.max_row == 2
    cell = wb.active.cell(row=2, column=10)
    # (an XML reader turns a carriage return into a line feed; the cell stays text all the same)
    assert cell.data_type == "s" and cell.value == payload.replace("\r", "\n") and cell.quotePrefix


def test_export_follows_the_filters_and_the_scope(client, officer_b, zone_lead, member_a, tree):
    MemberFactory(unit=tree["a"], card_number="A1", gender="F", id_number=valid_id_number(11, gender="F"))
    MemberFactory(unit=tree["a"], card_number="A2")
    client.force_login(zone_lead)
    rows = list(
        load_workbook(io.BytesIO(b"".join(client.get("/members/export/?gender=F").streaming_content))).active.values
    )
    assert [r[13] for r in rows[1:]] == ["A1"]
    client.force_login(officer_b)
    rows = list(load_workbook(io.BytesIO(b"".join(client.get("/members/export/").streaming_content))).active.values)
    assert "A1" not in [r[13] for r in rows[1:]]
    client.force_login(member_a)
    assert client.get("/members/export/").status_code == 403


def test_export_query_count_does_not_depend_on_rows(client, officer_a, tree, django_assert_num_queries):
    client.force_login(officer_a)
    client.get("/members/")
    counts = []
    for n in (5, 60):
        MemberFactory.create_batch(n, unit=tree["a"])
        with django_assert_num_queries(11) as ctx:
            b"".join(client.get("/members/export/").streaming_content)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- import ----------------------------------------------------------------------------------------
def test_template_download_has_the_chinese_headers(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/members/import/template/")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.cell(row=2, column=9).value == "市财政局"  # the officer's unit filled in


def test_preview_lists_every_bad_row_and_saves_nothing(client, officer_a, tree):
    existing = MemberFactory(unit=tree["b"], id_number=valid_id_number(7777), card_number="B0001")
    rows = [roster_row(i, "市财政局") for i in range(1, 8)]
    rows[1] = roster_row(2, "市财政局", id_number="11010519491231003X")  # bad checksum (Excel row 3)
    rows[2] = roster_row(3, "不存在的单位")  # unknown unit (row 4)
    rows[3] = roster_row(4, "市财政局", card_number="IM000001")  # duplicate within the file (row 5)
    rows[4] = roster_row(5, "市财政局", id_number=valid_id_number(7777))  # existing member's ID (row 6)
    rows[5] = roster_row(6, "市财政局", join_date="2021-13-45")  # bad date (row 7)
    rows[6] = roster_row(7, "市商务局")  # a unit the officer does not manage (row 8)
    client.force_login(officer_a)
    page = upload(client, xlsx_bytes(rows)).content.decode()
    assert page.count('data-testid="import-error"') == 6
    for row, column, text in [
        (3, "身份证号", "校验码"),
        (4, "单位", "不存在的单位"),
        (5, "会员证号", "第 2 行"),
        (6, "身份证号", "已有会员"),
        (7, "入会时间", "2021-13-45"),
        (8, "单位", "市商务局"),
    ]:
        assert f'<td data-label="行">{row}</td><td data-label="列">{column}</td>' in page, (row, column)
        assert text in page
    assert 'data-testid="import-confirm"' not in page
    assert Member.objects.count() == 2  # officer_a's own record and the existing one
    assert existing.unit == tree["b"]


def test_a_clean_file_is_saved_only_on_confirmation_in_one_go(client, officer_a, tree):
    rows = [roster_row(i, "市财政局") for i in range(1, 6)]
    client.force_login(officer_a)
    page = upload(client, xlsx_bytes(rows)).content.decode()
    assert 'data-testid="import-ready"' in page and "5 名新会员" in page
    assert Member.objects.filter(card_number__startswith="IM").count() == 0  # nothing yet
    token = page.split('name="token" value="')[1].split('"')[0]
    from django.conf import settings

    staged = (Path(settings.MEDIA_ROOT) / "member-imports" / f"{token}.json").read_bytes()
    assert valid_id_number(5001).encode() not in staged  # the staged rows are encrypted on disk
    response = client.post("/members/import/", {"token": token})
    assert response.status_code == 302
    imported = Member.objects.filter(card_number__startswith="IM")
    assert imported.count() == 5
    m = imported.get(card_number="IM000001")
    assert m.unit == tree["a"] and m.gender == "M" and m.political_status == "party_member"
    assert m.employment_type == "contract" and m.join_date == date(2021, 3, 1)
    assert m.reveal_id_number() == valid_id_number(5001) and m.history.count() == 1
    assert MembershipChange.objects.filter(member__in=imported, kind="join").count() == 5
    # the token is spent
    assert client.post("/members/import/", {"token": token}).status_code == 302
    assert imported.count() == 5


def test_reimporting_updates_or_reports_and_never_duplicates(client, officer_a, tree):
    data = xlsx_bytes([roster_row(i, "市财政局") for i in range(1, 4)])
    client.force_login(officer_a)
    for _ in range(2):
        page = upload(client, data).content.decode()
        token = page.split('name="token" value="')[1].split('"')[0]
        client.post("/members/import/", {"token": token})
    assert Member.objects.filter(card_number__startswith="IM").count() == 3
    changed = xlsx_bytes([roster_row(1, "市财政局", position="科长")])
    page = upload(client, changed, mode="report").content.decode()
    assert "已有会员使用此会员证号" in page and page.count('data-testid="import-error"') == 1
    page = upload(client, changed, mode="update").content.decode()
    assert "1 条更新" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    client.post("/members/import/", {"token": token})
    assert Member.objects.get(card_number="IM000001").position == "科长"


def test_commit_is_atomic_when_saving_fails_half_way(officer_a, tree, monkeypatch):
    """The members are written, then recording their joins fails: nothing of the file stays."""
    from members import services

    rows = [roster_row(i, "市财政局") for i in range(1, 4)]

    from members.resources import MemberResource

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # The import's last step (recording the joins) fails after the members were written.
    monkeypatch.setattr(MemberResource, "after_import", broken)
    outcome = services.member_import_commit(actor=officer_a, data=xlsx_bytes(rows), mode="update")
    assert not outcome.ok
    assert not Member.objects.filter(card_number__startswith="IM").exists()


def test_a_conflict_arising_between_preview_and_confirmation_saves_nothing(officer_a, tree):
    from members import services

    rows = [roster_row(i, "市财政局") for i in range(1, 4)]
    assert services.member_import_preview(actor=officer_a, data=xlsx_bytes(rows), mode="update").ok
    MemberFactory(unit=tree["b"], card_number="OTHER", id_number=valid_id_number(5003))
    outcome = services.member_import_commit(actor=officer_a, data=xlsx_bytes(rows), mode="update")
    assert [e["row"] for e in outcome.errors] == [4]
    assert not Member.objects.filter(card_number__startswith="IM").exists()


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
    page = upload(client, make()).content.decode()
    assert message in page and 'data-testid="import-confirm"' not in page


def _zip(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, content in members.items():
            z.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_is_refused(client, officer_a):
    bomb = _zip(
        {
            "[Content_Types].xml": b"<Types/>",
            "xl/workbook.xml": b"<w/>",
            "xl/worksheets/sheet1.xml": b" " * (60 * 1024 * 1024),
        }
    )
    assert len(bomb) < 1024 * 1024
    client.force_login(officer_a)
    assert "zip bomb" in upload(client, bomb).content.decode()


def test_xml_entities_are_refused(client, officer_a):
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><Types>&b;</Types>'
    data = _zip({"[Content_Types].xml": evil, "xl/workbook.xml": b"<w/>"})
    client.force_login(officer_a)
    assert "实体" in upload(client, data).content.decode()


def test_import_is_for_officers_with_the_permission(client, zone_lead, member_a):
    for user in (zone_lead, member_a):
        client.force_login(user)
        assert client.get("/members/import/").status_code == 403
        assert client.get("/members/import/template/").status_code == 403


def test_the_admin_import_refuses_hostile_files_too(client, city_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_admin)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>", "xl/s.xml": b" " * (60 * 1024 * 1024)})
    response = client.post(
        "/admin/members/member/import/",
        {"import_file": SimpleUploadedFile("x.xlsx", bomb), "format": "0", "resource": "0"},
    )
    assert response.status_code == 200 and "zip bomb" in response.content.decode()
    assert Member.objects.count() == 1


def test_the_admin_import_uses_the_same_checks_and_saves_on_confirmation(client, city_admin, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(city_admin)
    rows = [roster_row(1, "市财政局"), roster_row(2, "市财政局", id_number="11010519491231003X")]
    response = client.post(
        "/admin/members/member/import/",
        {"import_file": SimpleUploadedFile("r.xlsx", xlsx_bytes(rows)), "format": "0", "resource": "0"},
    )
    assert "校验码" in response.content.decode()
    assert not Member.objects.filter(card_number__startswith="IM").exists()
    response = client.post(
        "/admin/members/member/import/",
        {"import_file": SimpleUploadedFile("r.xlsx", xlsx_bytes(rows[:1])), "format": "0", "resource": "0"},
    )
    page = response.content.decode()
    assert 'name="import_file_name"' in page
    import re

    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
    fields.pop("csrfmiddlewaretoken", None)
    client.post("/admin/members/member/process_import/", fields)
    assert Member.objects.filter(card_number="IM000001", unit=tree["a"]).exists()
