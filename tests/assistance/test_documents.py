"""Uploads: type by content, size limit, served only through the scoped view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assistance.models import CaseDocument
from members.models import AccessRecord
from tests.factories import png

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"
PNG = png()  # a real (tiny) image: a PNG header followed by zeros is refused as unreadable


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1024


def _upload(client, case, name, content, title="收入证明"):
    return client.post(
        f"/assistance/{case.pk}/documents/", {"title": title, "file": SimpleUploadedFile(name, content)}, follow=True
    )


def test_a_pdf_is_stored_and_served_only_through_the_view(client, officer_a, officer_b, draft_a):
    client.force_login(officer_a)
    _upload(client, draft_a, "proof.pdf", PDF)
    doc = CaseDocument.objects.get()
    assert doc.content_type == "application/pdf" and doc.file.name.endswith(".pdf")
    response = client.get(f"/assistance/documents/{doc.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    opened = AccessRecord.objects.get(action="document")
    assert (opened.target_model, opened.target_id) == ("assistance.casedocument", doc.pk)
    assert opened.unit_id == draft_a.unit_id
    client.force_login(officer_b)
    assert client.get(f"/assistance/documents/{doc.pk}/").status_code == 404
    assert client.get(f"/media/{doc.file.name}").status_code == 404


def test_a_renamed_executable_is_refused_by_its_content(client, officer_a, draft_a):
    client.force_login(officer_a)
    response = _upload(client, draft_a, "proof.pdf", b"MZ\x90\x00 not a pdf")
    assert "PDF" in str(list(response.context["messages"])[0])
    assert not CaseDocument.objects.exists()


def test_a_png_with_a_jpg_name_is_kept_as_png(client, officer_a, draft_a):
    client.force_login(officer_a)
    _upload(client, draft_a, "photo.jpg", PNG)
    assert CaseDocument.objects.get().content_type == "image/png"


def test_a_too_large_file_is_refused(client, officer_a, draft_a):
    client.force_login(officer_a)
    response = _upload(client, draft_a, "big.pdf", PDF + b"0" * 2000)
    assert str(list(response.context["messages"])[0]) == "文件超过 1.0\xa0KB。"
    assert not CaseDocument.objects.exists()
