"""Checks shared by every upload of an image (hardship documents, voice attachments)."""

from __future__ import annotations

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
