"""Assistance's retention rule (docs/data-map.md), registered from ``AppConfig.ready()``: 5 years after a
hardship file was closed, its details go — income, housing, health, disability, the bank account, the household
(names and ID numbers), the home visits and their findings, the reasons of the workflow steps, and the documents
with their files — in the file and in every history row. What stays: the file's number, member, unit,
category, dates and status, and its grants (accounting vouchers, kept 30 years), so the statistics and the
accounts still add up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from members.retention import RetentionRule, register_retention_rule, years_before

from .models import CaseDocument, CaseStep, HardshipCase, HomeVisit, HouseholdMember, Status

YEARS = 5
#: A closed file still holding any of these has details to remove.
_TEXT_DETAILS = ("housing", "health_notes", "disability_notes", "bank_name", "bank_account_encrypted")


def _has_details() -> Q:
    q = Q(income_per_head__gt=0) | Q(bank_account_masked__gt="")
    for field in _TEXT_DETAILS:
        q |= Q(**{f"{field}__gt": ""})
    for model in (HouseholdMember, HomeVisit, CaseDocument):
        q |= Q(Exists(model.objects.filter(case_id=OuterRef("pk"))))
    q |= Q(Exists(CaseStep.objects.filter(case_id=OuterRef("pk")).exclude(reason="")))
    return q


def case_details_due(today: date) -> QuerySet[HardshipCase]:
    """Files closed more than 5 years before ``today`` whose details are still there."""
    closed = HardshipCase.objects.filter(status=Status.CLOSED, closed_on__lt=years_before(today, YEARS))
    return closed.filter(_has_details())


def remove_case_details(qs: QuerySet[HardshipCase]) -> int:
    done = 0
    for case in qs.only("pk").iterator(chunk_size=200):
        details = {
            "income_per_head": Decimal("0"),
            "housing": "",
            "health_notes": "",
            "disability_notes": "",
            "bank_name": "",
            "bank_account_masked": "",
        }
        HardshipCase.objects.filter(pk=case.pk).update(bank_account_encrypted="", **details)
        HardshipCase.history.filter(id=case.pk).update(**details)
        for document in CaseDocument.objects.filter(case_id=case.pk):
            document.file.delete(save=False)
        for model in (HouseholdMember, HomeVisit, CaseDocument):
            model.objects.filter(case_id=case.pk).delete()
            model.history.filter(case_id=case.pk).delete()
        CaseStep.objects.filter(case_id=case.pk).update(reason="")
        done += 1
    return done


def register() -> None:
    register_retention_rule(
        RetentionRule(
            "assistance-case-details",
            _("Hardship file details: income, housing, health, bank account, household, visits, documents"),
            _("5 years after the file is closed"),
            case_details_due,
            remove_case_details,
        )
    )
