"""Generated rosters (Hypothesis): valid rows, rows with each kind of mess officers type, bad rows, blank rows,
title rows, extra and shuffled columns, header variants. An import never fails with an exception (a 500),
never saves part of a file, reports every bad row at its real Excel row and column, and saves the clean
values of a good file; exporting a unit and importing the export changes nothing."""

from __future__ import annotations

import io
import random
from datetime import date, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from members import services
from members.excel import IMPORT_COLUMNS, chinese
from members.models import ImportStatus, Member, MembershipChange
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


HEADER = {f: chinese(label) for f, label, _r, _e in IMPORT_COLUMNS}
VARIANTS = {"id_number": ["身份证号码", "公民身份号码"], "mobile": ["联系电话", "手机号码"], "unit": ["工作单位"]}
FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
DOTS = ["·", "•", "．", "・"]
POLITICAL = {
    "中共党员": "party_member",
    "党员": "party_member",
    "团员": "league",
    "群众": "masses",
    "预备党员": "probationary",
}
EMPLOYMENT = {"在编": "established", "编外": "contract", "聘用": "contract", "派遣": "agency", "劳务派遣": "agency"}
BAD = {  # kind → (field whose column is named, cell value or a function of the row's ID number)
    "checksum": "id_number",
    "mobile": "mobile",
    "date": "join_date",
    "future": "join_date",
    "political": "political_status",
    "name": "name",
    "gender": "gender",
}


@st.composite
def rosters(draw):
    n = draw(st.integers(1, 7))
    kinds = draw(st.lists(st.sampled_from(["clean", "messy", "messy", *BAD]), min_size=n, max_size=n))
    rnd = random.Random(draw(st.integers(0, 10_000)))
    order = list(HEADER)
    if draw(st.booleans()):
        rnd.shuffle(order)
    headers = {f: (rnd.choice(VARIANTS[f]) if f in VARIANTS and rnd.random() < 0.5 else HEADER[f]) for f in order}
    extra = draw(st.booleans())
    title = draw(st.booleans())
    blanks = draw(st.lists(st.integers(0, n), max_size=3))
    return kinds, order, headers, extra, title, blanks, rnd.randrange(1 << 30)


def _row(i: int, kind: str, rnd: random.Random, base: int):
    """The cells of one row (field → value) and what a clean import stores for it."""
    male = rnd.random() < 0.5
    idn = valid_id_number(base + i, gender="M" if male else "F")
    name = rnd.choice(["王", "李", "张"]) + rnd.choice(["一", "二", "三四", "小明"])
    mobile = f"139{base % 10_000:04d}{i:04d}"
    joined = date(2015, 1, 1) + timedelta(days=rnd.randrange(3000))
    political, employment = rnd.choice(list(POLITICAL)), rnd.choice(list(EMPLOYMENT))
    cells = {
        "name": name,
        "id_number": idn,
        "unit": "市财政局",
        "join_date": datetime(joined.year, joined.month, joined.day),
        "card_number": f"HP{base % 100_000:05d}{i:02d}",
        "mobile": mobile,
        "political_status": political,
        "employment_type": employment,
    }
    expect = {"name": name, "mobile": mobile, "join_date": joined, "political_status": POLITICAL[political]}
    expect["employment_type"] = EMPLOYMENT[employment]
    if kind == "messy":
        mess = rnd.choice(["full", "spaces", "lower"])
        cells["id_number"] = idn.translate(FULL) if mess == "full" else " ".join([idn[:6], idn[6:14], idn[14:]]) + "\t"
        if mess == "lower":
            cells["id_number"] = idn.lower()
        cells["mobile"] = rnd.choice([f"+86 {mobile}", f"0086-{mobile}", f"{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"])
        cells["join_date"] = rnd.choice(
            [
                f"{joined:%Y-%m-%d}",
                f"{joined.year}/{joined.month}/{joined.day}",
                f"{joined:%Y.%m.%d}",
                f"{joined.year}年{joined.month}月{joined.day}日",
                f"{joined:%Y%m%d}",
                int(f"{joined:%Y%m%d}"),
            ]
        )
        if len(name) > 2:
            cells["name"] = name[0] + rnd.choice(DOTS) + name[1:]
            expect["name"] = name[0] + "·" + name[1:]
        else:
            cells["name"] = name[0] + "  " + name[1:]
    elif kind == "checksum":
        cells["id_number"] = idn[:17] + ("0" if idn[17] != "0" else "1")
    elif kind == "mobile":
        cells["mobile"] = "12345"
    elif kind == "date":
        cells["join_date"] = "2021-13-45"
    elif kind == "future":
        cells["join_date"] = datetime(2099, 1, 1)
    elif kind == "political":
        cells["political_status"] = "外星人"
    elif kind == "name":
        cells["name"] = "@" + name
    elif kind == "gender":
        cells["gender"] = "女" if male else "男"
    return cells, expect


def _build(kinds, order, headers, extra, title, blanks, seed):
    rnd = random.Random(seed)
    base = 20_000 + seed % 5_000 * 10
    wb = Workbook()
    ws = wb.active
    excel_row = 0
    if title:
        ws.append(["2026年会员花名册"])
        ws.append([])
        excel_row = 2
    ws.append([headers[f] for f in order] + (["备用列"] if extra else []))
    excel_row += 1
    expected_problems, expected_rows = set(), {}
    for i, kind in enumerate(kinds):
        for _ in range(blanks.count(i)):
            ws.append([])
            excel_row += 1
        cells, expect = _row(i, kind, rnd, base)
        ws.append([cells.get(f) for f in order] + (["乱写的内容"] if extra else []))
        excel_row += 1
        if kind in BAD:
            expected_problems.add((excel_row, headers[BAD[kind]]))
        else:
            expected_rows[cells["card_number"]] = expect
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), expected_problems, expected_rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roster=rosters())
def test_generated_rosters(officer_a, tree, roster):
    data, expected_problems, expected_rows = _build(*roster)
    with transaction.atomic():
        members_before, history_before = Member.objects.count(), Member.history.count()
        imp = services.member_import_upload(actor=officer_a, data=data, file_name="generated.xlsx")
        assert imp.status == ImportStatus.CHECKED, imp.error
        preview = services.member_import_preview(actor=officer_a, imp=imp)
        found = {(r["row"], column) for r in preview["rows"] for column, _m in r["errors"]}
        assert found == expected_problems
        assert not preview["warnings"] or roster[3]  # only the extra column is unknown
        outcome = services.member_import_confirm(actor=officer_a, imp=imp, update_existing=False)
        if expected_problems:
            assert outcome == "already"  # a file with problems cannot be confirmed
            assert (Member.objects.count(), Member.history.count()) == (members_before, history_before)
        else:
            assert outcome == "done"
            saved = {m.card_number: m for m in Member.objects.filter(card_number__in=expected_rows)}
            assert set(saved) == set(expected_rows)
            for card, expect in expected_rows.items():
                for field, value in expect.items():
                    assert getattr(saved[card], field) == value, (card, field)
                saved[card].clean_fields()  # the import's normalisers stand in for these checks: they must hold
        transaction.set_rollback(True)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(
        st.fixed_dictionaries(
            {
                "education": st.sampled_from(["", "bachelor", "master", "below"]),
                "ethnicity": st.sampled_from(["01", "03", "05", "11"]),
                "mobile": st.sampled_from(["", "13912345678", "15000000001"]),
                "notes": st.sampled_from(["", "=SUM(A1)", "@备注", "退休返聘", "+86"]),
                "position": st.sampled_from(["", "科员", "-", "副处长"]),
                "status": st.sampled_from(["active", "active", "retained", "withdrawn"]),
                "employment_type": st.sampled_from(["established", "contract", "agency"]),
            }
        ),
        min_size=1,
        max_size=6,
    )
)
def test_export_then_import_is_the_identity(client, officer_a, tree, people):
    with transaction.atomic():
        for p in people:
            MemberFactory(unit=tree["a"], **p)
        client.force_login(officer_a)
        exported = b"".join(client.get("/members/export/").streaming_content)
        before = (Member.history.count(), MembershipChange.objects.count())
        updated = dict(Member.objects.values_list("pk", "updated_at"))
        imp = services.member_import_upload(actor=officer_a, data=exported, file_name="export.xlsx")
        assert (imp.status, imp.new, imp.changed, imp.problems) == (ImportStatus.CHECKED, 0, 0, 0)
        assert imp.unchanged == Member.objects.filter(unit=tree["a"]).count()
        services.member_import_confirm(actor=officer_a, imp=imp, update_existing=True)  # (nothing to confirm)
        assert (Member.history.count(), MembershipChange.objects.count()) == before
        assert dict(Member.objects.values_list("pk", "updated_at")) == updated
        transaction.set_rollback(True)
