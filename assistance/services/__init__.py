"""Every write of the assistance app, by sub-domain: ``cases`` (files and their workflow), ``documents``,
``campaigns`` (campaigns, rosters, grants) and ``recuperation``. The reads live in ``assistance.selectors``.

The public names are re-exported here, so ``services.case_open(...)`` keeps working for every caller."""

from ._common import MANAGE, city_require_manage, mask_account, mask_name
from .campaigns import campaign_create, grant_create, grant_mark_received, grants_from_roster, roster_add, roster_remove
from .cases import (
    RETURNABLE,
    Person,
    case_approve,
    case_open,
    case_record_visit,
    case_reject,
    case_return,
    case_reverify,
    case_review,
    case_start_notice,
    case_submit,
    case_update,
    household_remove,
)
from .documents import DOCUMENT_KINDS, document_add
from .recuperation import recuperation_create

__all__ = [
    "DOCUMENT_KINDS",
    "MANAGE",
    "RETURNABLE",
    "Person",
    "campaign_create",
    "case_approve",
    "case_open",
    "case_record_visit",
    "case_reject",
    "case_return",
    "case_review",
    "case_reverify",
    "case_start_notice",
    "case_submit",
    "case_update",
    "city_require_manage",
    "document_add",
    "grant_create",
    "grant_mark_received",
    "grants_from_roster",
    "household_remove",
    "mask_account",
    "mask_name",
    "recuperation_create",
    "roster_add",
    "roster_remove",
]
