"""Attachments: the type is read from the content (magic bytes), never from the name or the browser."""

from __future__ import annotations

import zipfile

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from members.excel import HostileFile, check_office_archive
from members.uploads import check_image

#: What an attachment may be, by the type its content shows.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
}


def check_attachment(upload) -> str:
    """The attachment's MIME type from its content; ValidationError (on ``attachment``) if too big or not allowed."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"attachment": _("The attachment is larger than %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise ValidationError(
            {"attachment": _("The attachment must be a PDF, JPEG, PNG, Word (.docx) or Excel (.xlsx) file.")}
        )
    if ALLOWED_TYPES[kind.mime] in ("docx", "xlsx"):
        _check_office(upload)
    if kind.mime.startswith("image/"):
        try:
            check_image(upload)
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from None
    return kind.mime


def _check_office(upload) -> None:
    """A Word or Excel file is a zip of XML: refuse a zip bomb or XML with entity declarations, as the import does."""
    try:
        with zipfile.ZipFile(upload) as archive:
            check_office_archive(archive)
    except (zipfile.BadZipFile, OSError, ValueError, HostileFile):
        raise ValidationError(
            {
                "attachment": _(
                    "The attachment is a damaged or unsafe Office file (it unpacks to far more than it holds, "
                    "or declares XML entities); it was refused."
                )
            }
        ) from None
    finally:
        upload.seek(0)
