"""Excel export (masked, dates as dates, formulas never run) and import (preview, atomic, no duplicates)."""

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from members.excel import IMPORT_COLUMNS, chinese
from members.models import AccessRecord
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
    # (the sheet is written with lxml, which keeps a carriage return as &#13;: the text comes back as typed)
    assert cell.data_type == "s" and cell.value == payload and cell.quotePrefix


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
        with django_assert_num_queries(8) as ctx:
            b"".join(client.get("/members/export/").streaming_content)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- import helpers (tests/members/test_import*.py and the e2e tests use them) ----------------------
def upload(client, data: bytes, name="roster.xlsx"):
    """Upload a roster; the page it leads to (its preview, or the form with the file's refusal)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/members/import/", {"file": SimpleUploadedFile(name, data)})
    if response.status_code == 302:
        return client.get(response["Location"])
    return response


def import_of(response):
    from members.models import MemberImport

    token = response.request["PATH_INFO"].rstrip("/").split("/")[-1]
    return MemberImport.objects.get(token=token)


def confirm(client, imp, update: bool = False):
    data = {"update_existing": "1"} if update else {}
    response = client.post(f"/members/import/{imp.token}/confirm/", data)
    assert response.status_code == 302
    imp.refresh_from_db()
    return client.get(response["Location"])
