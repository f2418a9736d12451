"""A submitted work's file: the portal's one upload check (members.uploads.check_upload), the contest's own
size limit, then its metadata stripped, because a judge must not learn the author from the file.

- images (JPEG, PNG): decoded and encoded again without EXIF, XMP, ICC comments or text chunks (camera
  owner, GPS position, the author's name); the EXIF orientation is applied first so the picture stands right;
- PDF: rewritten by pypdf without the document information (Author, Creator, Producer …) and XMP metadata;
- Word (.docx): docProps/core.xml and app.xml (creator, last modified by, company, manager) emptied.
"""

from __future__ import annotations

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from members.uploads import check_upload

KIND_BY_FLAG = {"allow_document": ("pdf", "docx"), "allow_image": ("jpg", "png")}


def allowed_kinds(contest) -> tuple[str, ...]:
    kinds: list[str] = []
    for flag, names in KIND_BY_FLAG.items():
        if getattr(contest, flag):
            kinds += names
    return tuple(kinds)


def clean_work_file(upload, *, contest) -> tuple[ContentFile, str]:
    """The checked file without its metadata, and its content type; ValidationError on ``file``."""
    allowed = allowed_kinds(contest)
    if not allowed:
        raise ValidationError({"file": _("This contest takes no files.")})
    limit = contest.max_file_mb * 1024 * 1024
    if upload.size > limit:
        raise ValidationError({"file": _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    kind = check_upload(upload, field="file", allowed=allowed)
    upload.seek(0)
    data = upload.read()
    try:
        if kind.ext in (".jpg", ".png"):
            data = strip_image(data, kind.ext)
        elif kind.ext == ".pdf":
            data = strip_pdf(data)
        elif kind.ext == ".docx":
            data = strip_docx(data)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a file its own library cannot rewrite is a damaged file
        raise ValidationError({"file": _("The file is damaged and could not be read; it was refused.")}) from None
    return ContentFile(data, name=f"work{kind.ext}"), kind.mime


def strip_image(data: bytes, ext: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as image:
        upright = ImageOps.exif_transpose(image)
        if ext == ".jpg" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)  # pixels only: no info, no exif, no text chunks
        out = io.BytesIO()
        if ext == ".jpg":
            clean.save(out, "JPEG", quality=92, optimize=True)
        else:
            clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def strip_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise ValidationError({"file": _("The PDF is protected by a password; upload it without one.")})
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None  # drops the document information dictionary
    root = writer.root_object
    if "/Metadata" in root:
        del root["/Metadata"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_PERSON_TAGS = re.compile(
    rb"<(dc:creator|cp:lastModifiedBy|Company|Manager|cp:lastPrinted|dc:title|dc:subject|cp:keywords)"
    rb"(\s[^>]*)?>.*?</\1>",
    re.S,
)


def strip_docx(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"):
                content = _PERSON_TAGS.sub(
                    lambda m: b"<" + m.group(1) + (m.group(2) or b"") + b"></" + m.group(1) + b">", content
                )
            target.writestr(info, content)
    return out.getvalue()
