"""The one module every upload path goes through: its content type, size and the checks of its kind."""

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
    return UploadKind(mime=guessed.mime, ext=f".{ext}")


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
