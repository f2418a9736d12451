"""A file's supporting documents: PDF, JPEG or PNG, checked by their content (members.uploads)."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from members.uploads import check_upload

from ..models import CaseDocument, HardshipCase, Status
from ._common import require_unit_manager, validated

#: The kinds of file a hardship file takes (members.uploads.KINDS).
DOCUMENT_KINDS = ("pdf", "jpg", "png")


@transaction.atomic
def document_add(*, actor, case: HardshipCase, title: str, upload) -> CaseDocument:
    """Attach a supporting document: PDF, JPEG or PNG by its content, at most UPLOAD_MAX_BYTES."""
    require_unit_manager(actor, case)
    if case.status in (Status.CLOSED, Status.REJECTED):
        raise ValidationError(_("A closed or rejected file takes no more documents."))
    kind = check_upload(upload, field="file", allowed=DOCUMENT_KINDS)
    doc = CaseDocument(case=case, title=title.strip(), content_type=kind.mime, size=upload.size, uploaded_by=actor)
    doc.file.save(f"{uuid.uuid4().hex}{kind.ext}", upload, save=False)
    validated(doc)
    doc.save()
    return doc
