"""The one module every upload path goes through: its content type, size and the checks of its kind, and the
removal of the metadata that names or locates a person (issue #17): EXIF, XMP and IPTC in images (author,
camera serial, GPS), ``docProps`` in Word and Excel files (creator, last modified by, company), the Info
dictionary and the XMP stream of a PDF. What is stored is the cleaned file."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image


def check_image(upload) -> None:
    """Refuse an image Pillow cannot read, or one whose header claims more pixels than Pillow's bomb limit
    (a "decompression bomb": a few bytes that unpack to gigabytes in the viewer's browser)."""
    limit = Image.MAX_IMAGE_PIXELS or 89_478_485
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            ok = image.width * image.height <= limit
    except Exception:  # noqa: BLE001 - DecompressionBombError, or any unreadable image
        ok = False
    finally:
        upload.seek(0)
    if not ok:
        raise ValidationError(
            _("The image is unreadable or larger than %(mp)s megapixels; it was refused.") % {"mp": limit // 1_000_000}
        )


# --- the one content check for every upload path ------------------------------------------------
#: Kinds of file the portal accepts somewhere, by the type their content shows (never the name).
KINDS = {
    "pdf": ("application/pdf", "PDF"),
    "jpg": ("image/jpeg", "JPEG"),
    "png": ("image/png", "PNG"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (.docx)"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (.xlsx)"),
}


@dataclass(frozen=True)
class UploadKind:
    mime: str
    ext: str  # with its dot: ".pdf"


def check_upload(upload, *, field: str, allowed: tuple[str, ...] = ("pdf", "jpg", "png")) -> UploadKind:
    """Size, type by content (``filetype``'s magic bytes), then the type's own checks: an image Pillow
    can read within its bomb limit, an Office file that is no zip bomb and declares no XML entities.
    Every error is a ValidationError on ``field``, in Chinese, saying what is accepted."""
    import filetype
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat

    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError({field: _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    guessed = filetype.guess(head)
    by_mime = {KINDS[k][0]: k for k in allowed}
    if guessed is None or guessed.mime not in by_mime:
        names = "、".join(str(KINDS[k][1]) for k in allowed)
        raise ValidationError(
            {
                field: _("Only these kinds of file are accepted (checked by their content): %(kinds)s.")
                % {"kinds": names}
            }
        )
    ext = by_mime[guessed.mime]
    if ext in ("jpg", "png"):
        try:
            check_image(upload)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
    if ext in ("docx", "xlsx"):
        _check_office(upload, field)
    strip_metadata(upload, ext, field=field)
    return UploadKind(mime=guessed.mime, ext=f".{ext}")


# --- metadata removal ------------------------------------------------------------------------------
def strip_metadata(upload, ext: str, *, field: str = "file") -> None:
    """Replace the upload's content by the same file without personal metadata (in place: the caller then
    stores ``upload`` as before). ``ext`` is the kind its content showed (``jpg``, ``png``, ``pdf``, ``docx``,
    ``xlsx``). A file that cannot be cleaned is refused: it could not be stored without what it hides."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        if ext in ("jpg", "png"):
            cleaned = _clean_image(data)
        elif ext == "pdf":
            cleaned = _clean_pdf(data)
        elif ext in ("docx", "xlsx"):
            cleaned = _clean_office(data)
        else:
            return
    except Exception:  # noqa: BLE001 - any parser error: the file cannot be cleaned, so it is not kept
        raise ValidationError(
            {field: _("The file is damaged or protected, so its hidden details could not be removed; it was refused.")}
        ) from None
    _replace_content(upload, cleaned)


def _replace_content(upload, data: bytes) -> None:
    """Put ``data`` in the upload: a temporary file on disk is rewritten (storage moves that file), an
    in-memory one gets a new buffer."""
    import io

    if hasattr(upload, "temporary_file_path"):
        upload.file.seek(0)
        upload.file.write(data)
        upload.file.truncate()
        upload.file.flush()
    else:
        upload.file = io.BytesIO(data)
    upload.size = len(data)
    upload.seek(0)


#: What an image keeps of its ``info``: how it is drawn, nothing about who made it or where.
_IMAGE_KEEP = ("transparency", "icc_profile", "dpi", "gamma")


def _clean_image(data: bytes) -> bytes:
    """The picture alone: turned upright as its EXIF says, then saved without EXIF, XMP, IPTC or text chunks."""
    import io

    from PIL import ImageOps

    with Image.open(io.BytesIO(data)) as original:
        fmt = original.format
        upright = ImageOps.exif_transpose(original) or original
        kept = {k: original.info[k] for k in _IMAGE_KEEP if k in original.info}
        clean = upright.copy()
    clean.info = {}
    out = io.BytesIO()
    options = {k: v for k, v in kept.items() if k != "gamma"}
    if fmt == "JPEG":
        options.pop("transparency", None)
        clean.save(out, format="JPEG", quality=95, **options)
    else:
        clean.save(out, format="PNG", optimize=False, **options)
    return out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    """The pages without the document's Info dictionary (author, creator, producer, title…) or XMP streams."""
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted")
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    metadata = NameObject("/Metadata")
    writer._root_object.pop(metadata, None)
    for page in writer.pages:
        page.pop(metadata, None)
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the dropped streams too
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


#: The core properties of a cleaned Office file: valid, and empty.
_EMPTY_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
)
_EMPTY_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
)
#: Elements of docProps/app.xml that name people or organisations.
_APP_PERSONAL = ("Company", "Manager", "HyperlinkBase")


def _clean_app(xml: bytes) -> bytes:
    """docProps/app.xml without Company, Manager and HyperlinkBase (the archive was checked for entities)."""
    import re

    for name in _APP_PERSONAL:
        xml = re.sub(
            rb"<(\w+:)?%s(\s[^>]*)?(/>|>.*?</(\w+:)?%s>)" % (name.encode(), name.encode()), b"", xml, flags=re.S
        )
    return xml


def _clean_office(data: bytes) -> bytes:
    """The same zip with docProps/core.xml and docProps/custom.xml emptied and app.xml without the company."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info)
            name = info.filename.lower()
            if name == "docprops/core.xml":
                content = _EMPTY_CORE
            elif name == "docprops/custom.xml":
                content = _EMPTY_CUSTOM
            elif name == "docprops/app.xml":
                content = _clean_app(content)
            item = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            item.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(item, content)
    return out.getvalue()


def _check_office(upload, field: str) -> None:
    """A Word or Excel file is a zip of XML: refuse a zip bomb or XML with entity declarations, as the import does."""
    import zipfile

    from .excel import HostileFile, check_office_archive

    try:
        with zipfile.ZipFile(upload) as archive:
            check_office_archive(archive)
    except (zipfile.BadZipFile, OSError, ValueError, HostileFile):
        raise ValidationError(
            {
                field: _(
                    "The attachment is a damaged or unsafe Office file (it unpacks to far more than it holds, "
                    "or declares XML entities); it was refused."
                )
            }
        ) from None
    finally:
        upload.seek(0)
