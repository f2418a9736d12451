"""A work's file loses what could name its author: PDF document info, Word's creator, EXIF; bad files are refused."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contests.uploads import clean_work_file, strip_docx, strip_pdf

from .factories import ContestFactory


def _pdf_by(author: str) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    c = Canvas(out)
    c.setAuthor(author)
    c.setCreator(author)
    c.drawString(100, 700, "essay")
    c.showPage()
    c.save()
    return out.getvalue()


def test_a_pdf_loses_its_document_information():
    from pypdf import PdfReader

    raw = _pdf_by("Wang Wu")
    assert b"Wang Wu" in raw  # positive control
    clean = strip_pdf(raw)
    assert b"Wang Wu" not in clean
    assert not (PdfReader(io.BytesIO(clean)).metadata or {}).get("/Author")


def _docx(creator: str) -> bytes:
    out = io.BytesIO()
    core = (
        '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="x" xmlns:dc="y">'
        f"<dc:creator>{creator}</dc:creator><cp:lastModifiedBy>{creator}</cp:lastModifiedBy></cp:coreProperties>"
    )
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document xmlns:w='z'>text</w:document>")
        z.writestr("docProps/core.xml", core)
    return out.getvalue()


def test_a_word_file_loses_its_creator():
    clean = strip_docx(_docx("Zhao Liu"))
    with zipfile.ZipFile(io.BytesIO(clean)) as z:
        core = z.read("docProps/core.xml")
        assert b"Zhao Liu" not in core and b"<dc:creator></dc:creator>" in core
        assert z.read("word/document.xml") == b"<w:document xmlns:w='z'>text</w:document>"


@pytest.mark.django_db
def test_the_contests_own_size_limit_and_kinds_apply(tree):
    contest = ContestFactory(organizer=tree["city"], allow_image=True, allow_document=False, max_file_mb=1)
    with pytest.raises(ValidationError) as exc:
        clean_work_file(SimpleUploadedFile("a.pdf", _pdf_by("x")), contest=contest)
    assert "file" in exc.value.message_dict
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (1024 * 1024 + 10))
    with pytest.raises(ValidationError, match="1.0"):
        clean_work_file(big, contest=contest)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_any_bytes_are_refused_with_a_message_or_accepted_clean_never_a_crash(tree, data):
    contest = ContestFactory.build(organizer=tree["city"], allow_image=True, allow_document=True, max_file_mb=5)
    try:
        clean, mime = clean_work_file(SimpleUploadedFile("x.bin", data), contest=contest)
    except ValidationError as exc:
        assert exc.message_dict["file"]
    else:
        assert mime in (
            "image/jpeg",
            "image/png",
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
