"""Every upload of the portal against every hostile file (issue #9).

The upload paths: the members import (the portal's; the admin has none), a budget from xlsx, the documents of a
hardship file, the attachment of a voice item and the poster of an activity. Each must refuse a file over the size
limit, a file whose content is not what its name says, an xlsx zip bomb and XML entity attacks (billion laughs,
external entities), with a message naming the problem, never a 500, and nothing saved. A good file of each path's
kind goes through (so a refusal is about the file, not the rest of the form). Files are only served to those
allowed: see the ``assistance:document_download``, ``voice:attachment`` and ``activities:poster`` rows of the URL
matrix.
"""

from __future__ import annotations

import functools
import io
import random
import string
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from activities.models import Activity
from assistance.models import CaseDocument
from funds import services as funds_services
from funds.defaults import ensure_defaults
from funds.models import BudgetLine
from members.models import Member
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory, pdf, png
from tests.members.test_excel import roster_row, xlsx_bytes
from voice.models import VoiceItem

pytestmark = pytest.mark.django_db
LIMIT = 1024 * 1024  # UPLOAD_MAX_BYTES in these tests: 1 MiB
PDF = pdf()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64 + b"This program cannot be run in DOS mode"


def workbook(**parts: bytes) -> bytes:
    """A real .xlsx (openpyxl's), with some of its parts replaced or added (**{"xl/sharedStrings.xml": ...})."""
    import zipfile

    wb = Workbook()
    wb.active.append(["姓名", "身份证号"])
    wb.active.append(["张三", "x"])
    plain = io.BytesIO()
    wb.save(plain)
    replaced = dict(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replaced.pop(info.filename, src.read(info)))
        for name, content in replaced.items():
            dst.writestr(name, content)
    return out.getvalue()


def _laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return (
        '<?xml version="1.0"?><!DOCTYPE sst [' + "".join(entities) + "]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&lol9;</t></si></sst>"
    ).encode()


EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>'
    b'<sheet name="&xxe;" sheetId="1" r:id="rId1" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets></workbook>'
)


def _straddling() -> bytes:
    """An external DTD whose doctype starts 4 bytes before 4 KiB (behind a comment), in a part over 1 MiB that
    packs normally: where a scan in chunks could miss it (and defusedxml, which forbids entities, lets it by)."""
    head = b'<?xml version="1.0"?><!--'
    head += b"x" * (4096 - 4 - len(head) - 3) + b"-->"
    filler = "".join(random.Random(9).choices(string.ascii_letters, k=1_200_000)).encode()
    return (
        head
        + b'<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">'
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/><!--'
        + filler
        + b"--></worksheet>"
    )


@functools.cache
def hostile_files() -> dict[str, tuple[str, bytes]]:
    """name -> (file name, content): what every upload must refuse."""
    return {
        "too big": ("", b""),  # the path's good file, padded past the limit (see _hostile)
        "too big xlsx": ("big.xlsx", workbook(**{"xl/media/pad.bin": random.Random(1).randbytes(LIMIT + 4096)})),
        "text named xlsx": ("roster.xlsx", "姓名,身份证号\n张三,1\n".encode()),
        "exe named pdf": ("proof.pdf", EXE),
        "exe named png": ("photo.png", EXE),
        "zip bomb": (
            "bomb.xlsx",
            workbook(**{"xl/worksheets/sheet1.xml": b"<worksheet>" + b" " * (60 << 20) + b"</worksheet>"}),
        ),
        "billion laughs": ("laughs.xlsx", workbook(**{"xl/sharedStrings.xml": _laughs()})),
        "external entity": ("xxe.xlsx", workbook(**{"xl/workbook.xml": EXTERNAL})),
        "external DTD behind 4 KiB": ("late.xlsx", workbook(**{"xl/worksheets/sheet1.xml": _straddling()})),
        "image bomb": ("huge.png", png(30000, 30000)),
    }


@dataclass
class Upload:
    """One upload path: who posts what where, how many things it has saved, the good file it accepts."""

    actor: str
    url: str
    field: str
    data: dict
    good: tuple[str, bytes]
    saved: callable
    #: whether a response shows the good file taken (default: one more thing saved)
    took: callable | None = None


TOO_BIG = ("大于", "超过")
NOT_TYPE = ("不是 Excel", "只接受", "必须是", "有效的图片", "已损坏")
BOMB = ("zip bomb", "不安全", "只接受", "必须是", "有效的图片")
ENTITY = ("实体", "不安全", "只接受", "必须是", "有效的图片")
WORDS = {
    "too big": TOO_BIG,
    "too big xlsx": (*TOO_BIG, "有效的图片"),  # the poster: an xlsx is not an image in the first place
    "text named xlsx": NOT_TYPE,
    "exe named pdf": NOT_TYPE,
    "exe named png": NOT_TYPE,
    "zip bomb": BOMB,
    "billion laughs": ENTITY,
    "external entity": ENTITY,
    "external DTD behind 4 KiB": ENTITY,
    "image bomb": ("像素", *NOT_TYPE),
}


def _imports_staged(media: Path) -> int:
    """Checked rosters waiting for their confirmation (an import row; its rows sealed on disk)."""
    from members.models import MemberImport

    return MemberImport.objects.filter(status="checked").count()


@pytest.fixture
def uploads(settings, tree, officer_a) -> dict[str, Upload]:
    media = Path(settings.MEDIA_ROOT)
    case = open_case(officer_a, MemberFactory(unit=tree["a"]))
    now = timezone.localtime() + timedelta(days=10)
    fmt = "%Y-%m-%dT%H:%M"
    good_roster = xlsx_bytes([roster_row(1, tree["a"].name)])
    ensure_defaults()
    budget = funds_services.budget_create(actor=officer_a, union=tree["a"], year=timezone.localdate().year)
    sheet = Workbook()
    sheet.active.append(["编码", "子项", "金额（元）"])
    sheet.active.append(["2101", "职工教育支出", "1,200"])
    good_budget = io.BytesIO()
    sheet.save(good_budget)
    return {
        "funds:budget_import": Upload(
            "officer_a",
            f"/funds/budgets/{budget.pk}/import/",
            "file",
            {},
            ("budget.xlsx", good_budget.getvalue()),
            lambda: BudgetLine.objects.filter(amount__gt=0).count(),
        ),
        "members:import": Upload(
            "officer_a",
            "/members/import/",
            "file",
            {},
            ("roster.xlsx", good_roster),
            lambda: Member.objects.count() + _imports_staged(media),
        ),
        "assistance:document_upload": Upload(
            "officer_a",
            f"/assistance/{case.pk}/documents/",
            "file",
            {"title": "收入证明"},
            ("proof.pdf", PDF),
            lambda: CaseDocument.objects.count(),
        ),
        "voice:new": Upload(
            "member",
            "/voice/new/",
            "attachment",
            {"addressee": tree["a"].pk, "kind": "request", "category": "health", "subject": "讲座", "text": "压力大"},
            ("report.xlsx", workbook()),
            lambda: VoiceItem.objects.count(),
        ),
        "activities:create": Upload(
            "officer_a",
            "/activities/new/",
            "poster",
            {
                "title": "读书会",
                "kind": "reading",
                "organizer": tree["a"].pk,
                "place": "图书室",
                "starts_at": now.strftime(fmt),
                "ends_at": (now + timedelta(hours=2)).strftime(fmt),
                "registration_opens_at": (now - timedelta(days=9)).strftime(fmt),
                "registration_closes_at": (now - timedelta(days=1)).strftime(fmt),
                "cancellation_deadline": (now - timedelta(days=2)).strftime(fmt),
                "mode": "individual",
            },
            ("poster.png", png()),
            lambda: Activity.objects.exclude(poster="").count(),
        ),
    }


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.UPLOAD_MAX_BYTES = LIMIT


def _post(users, upload: Upload, name: str, content: bytes):
    client = Client(raise_request_exception=False)
    client.force_login(users[upload.actor])
    return client.post(upload.url, {**upload.data, upload.field: SimpleUploadedFile(name, content)}, follow=True)


def test_each_upload_path_takes_a_good_file(uploads, users):
    for path, upload in uploads.items():
        before = upload.saved()
        response = _post(users, upload, *upload.good)
        assert response.status_code == 200, path
        took = upload.took(response) if upload.took else upload.saved() == before + 1
        assert took, f"{path}: the good file {upload.good[0]} was not taken"


@pytest.mark.parametrize("hostile", list(hostile_files()))
def test_each_upload_path_refuses_hostile_files(uploads, users, hostile):
    problems = []
    for path, upload in uploads.items():
        name, content = hostile_files()[hostile]
        if hostile == "too big":
            name, content = upload.good[0], upload.good[1] + random.Random(2).randbytes(LIMIT)
        before = upload.saved()
        response = _post(users, upload, name, content)
        page = response.content.decode()
        if response.status_code != 200:
            problems.append(f"{path}: {hostile} → {response.status_code}")
        elif upload.saved() != before:
            problems.append(f"{path}: {hostile} was saved")
        elif not any(w in page for w in WORDS[hostile]):
            problems.append(f"{path}: {hostile} refused without a message naming the problem ({WORDS[hostile]})")
    assert not problems, "\n".join(problems)
