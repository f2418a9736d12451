"""Uploads without hidden personal data (issue #17): every stored upload is read back from the disk and must
no longer name or locate the person who made it.

Before the change an anonymous suggestion's JPEG kept its EXIF Artist and the camera's serial number, a .docx
kept ``<dc:creator>`` with the sender's name, a PDF its Info dictionary. The attacker here is the officer who
reads an anonymous suggestion (or anyone who later opens a stored document): they must learn nothing from
the file that the sender's name would give.
"""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from activities.models import Activity
from assistance.models import CaseDocument
from members.uploads import strip_metadata
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory
from voice.models import VoiceItem

pytestmark = pytest.mark.django_db

NAME = "王小红"
LATIN = "Wang Xiaohong"
SERIAL = "SN-4417-XK"
XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>{NAME}</dc:creator></x:xmpmeta>'.encode()
#: What must not be found in any stored file's bytes.
TRACES = (NAME.encode(), LATIN.encode(), SERIAL.encode(), b"xmpmeta", b"Photoshop 3.0", "南通某某公司".encode())


def jpeg_with_everything() -> bytes:
    """A JPEG with EXIF (Artist, body serial number, GPS), XMP and an IPTC block naming the photographer."""
    exif = Image.Exif()
    exif[0x013B] = LATIN  # Artist
    exif.get_ifd(0x8769)[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (32.0, 0.0, 0.0), "E", (120.0, 52.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG", exif=exif, xmp=XMP)
    data = out.getvalue()
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(LATIN)) + LATIN.encode()  # 2:80 By-line
    resource = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    app13 = b"Photoshop 3.0\x00" + resource
    return data[:2] + b"\xff\xed" + struct.pack(">H", len(app13) + 2) + app13 + data[2:]


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", LATIN)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def docx_with_creator() -> bytes:
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>食堂</w:t></w:r></w:p></w:body></w:document>'
        ),
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"/>',
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:creator>{NAME}</dc:creator><cp:lastModifiedBy>{LATIN}</cp:lastModifiedBy></cp:coreProperties>"
        ),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/'
            'officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application>'
            "<Company>南通某某公司</Company><Manager>" + LATIN + "</Manager></Properties>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return out.getvalue()


def pdf_with_info() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    writer.add_metadata({"/Author": NAME, "/Creator": LATIN})
    stream = DecodedStreamObject()
    stream.set_data(XMP)
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def readable(data: bytes) -> bytes:
    """The bytes, and for a zip (an Office file) every part unpacked."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return data + b"".join(z.read(n) for n in z.namelist())
    return data


def assert_clean(path: Path) -> bytes:
    data = Path(path).read_bytes()
    found = [t.decode() for t in TRACES if t in readable(data)]
    assert not found, f"{path.name} still holds {found}"
    return data


def _send(client, tree, name, content):
    data = {
        "addressee": tree["a"].pk,
        "kind": "suggestion",
        "category": "work_conditions",
        "subject": "食堂",
        "text": "晚餐时间太短。",
        "anonymous": "on",
        "attachment": SimpleUploadedFile(name, content),
    }
    response = client.post("/voice/new/", data, follow=True)
    assert response.status_code == 200
    return VoiceItem.objects.order_by("-pk").first()


@pytest.mark.parametrize(
    "name, make",
    [
        ("photo.jpg", jpeg_with_everything),
        ("scan.png", png_with_text),
        ("letter.docx", docx_with_creator),
        ("letter.pdf", pdf_with_info),
    ],
)
def test_an_anonymous_suggestions_attachment_is_stored_without_who_made_it(client, tree, member_a, name, make):
    assert any(t in readable(make()) for t in TRACES)  # the file really carries the traces
    client.force_login(member_a)
    item = _send(client, tree, name, make())
    assert item is not None and item.anonymous and item.attachment
    data = assert_clean(Path(item.attachment.path))
    if name.endswith(".jpg"):
        image = Image.open(io.BytesIO(data))
        assert not image.getexif() and "xmp" not in image.info and image.size == (8, 8)
    if name.endswith(".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert "word/document.xml" in z.namelist() and "食堂" in z.read("word/document.xml").decode()
    if name.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == 1 and not reader.metadata


def test_a_hardship_document_is_stored_without_its_pdf_info(client, tree, officer_a):
    case = open_case(officer_a, MemberFactory(unit=tree["a"]))
    client.force_login(officer_a)
    client.post(
        f"/assistance/{case.pk}/documents/", {"title": "收入证明", "file": SimpleUploadedFile("p.pdf", pdf_with_info())}
    )
    document = CaseDocument.objects.get()
    assert_clean(Path(document.file.path))
    assert document.size == Path(document.file.path).stat().st_size


def test_an_activity_poster_is_stored_without_exif(client, tree, officer_a):
    now = timezone.localtime() + timedelta(days=10)
    fmt = "%Y-%m-%dT%H:%M"
    client.force_login(officer_a)
    client.post(
        "/activities/new/",
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
            "poster": SimpleUploadedFile("poster.jpg", jpeg_with_everything()),
        },
    )
    activity = Activity.objects.exclude(poster="").get()
    assert_clean(Path(activity.poster.path))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    artist=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=6, max_size=30),
    lat=st.floats(0, 89, allow_nan=False),
)
def test_whatever_the_exif_says_none_of_it_is_kept(artist, lat):
    """Any Artist text and GPS position written into a photo's EXIF is gone after the cleaning."""
    exif = Image.Exif()
    exif[0x013B] = artist
    exif.get_ifd(0x8825)[2] = (float(int(lat)), 0.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("x.jpg", out.getvalue())
    strip_metadata(upload, "jpg")
    cleaned = upload.read()
    assert artist.encode() not in cleaned and not Image.open(io.BytesIO(cleaned)).getexif()
    assert upload.size == len(cleaned)
