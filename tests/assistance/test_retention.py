"""5 years after a hardship file is closed its details go, in the file and its history; the file's number,
dates and grants stay (issue #17)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from assistance.models import CaseDocument, CaseStep, Grant, HardshipCase, HomeVisit, HouseholdMember
from members.retention import retention_rules, retention_run

from .factories import CampaignFactory, GrantFactory, HardshipCaseFactory, HomeVisitFactory

pytestmark = pytest.mark.django_db


def _closed(years_days: int, applicant):
    case = HardshipCaseFactory(
        closed=True,
        member=applicant,
        closed_on=timezone.localdate() - timedelta(days=years_days),
        health_notes="慢性肾病，长期透析",
        disability_notes="肢体二级",
        bank_name="南通农商行",
        bank_account_masked="***************1234",
        bank_account_encrypted="gAAAA-secret",
    )
    HomeVisitFactory(case=case, findings="家中仅有一张床")
    CaseStep.objects.create(
        case=case, action="review", to_status="reviewed", reason="收入核对属实", actor=case.created_by
    )
    return case


def test_the_rule_is_registered_from_the_app():
    assert "assistance-case-details" in {r.key for r in retention_rules()}


def test_details_go_five_years_after_closing_in_the_file_and_its_history(tree, settings, tmp_path, city_admin):
    settings.MEDIA_ROOT = tmp_path
    from tests.factories import MemberFactory

    old = _closed(5 * 365 + 3, MemberFactory(unit=tree["a"]))
    document = CaseDocument(case=old, title="诊断证明", content_type="application/pdf", size=1, uploaded_by=city_admin)
    document.file.save("proof.pdf", ContentFile(b"%PDF-1.4"), save=True)
    path = tmp_path / document.file.name
    GrantFactory(case=old, campaign=CampaignFactory(), amount=Decimal("2000"))
    young = _closed(5 * 365 - 3, MemberFactory(unit=tree["a"]))
    open_file = HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]), health_notes="在档")

    assert retention_run(dry_run=True).report["assistance-case-details"]["count"] == 1
    assert retention_run(dry_run=False).report["assistance-case-details"]["count"] == 1

    old = HardshipCase.objects.get(pk=old.pk)
    assert (old.housing, old.health_notes, old.disability_notes, old.bank_name, old.bank_account_masked) == (
        "",
        "",
        "",
        "",
        "",
    )
    assert old.bank_account_encrypted == "" and old.income_per_head == 0
    assert old.number and old.closed_on and Grant.objects.filter(case=old).exists()  # the accounts stay
    for model in (HouseholdMember, HomeVisit, CaseDocument):
        assert not model.objects.filter(case=old).exists(), model
        assert not model.history.filter(case_id=old.pk).exists(), model
    assert not old.history.exclude(health_notes="").exists() and not old.history.exclude(housing="").exists()
    assert list(CaseStep.objects.filter(case=old).values_list("reason", flat=True)) == [""]
    assert not path.exists()
    # Younger and open files keep everything; a second run has nothing left to do.
    assert HardshipCase.objects.get(pk=young.pk).health_notes == "慢性肾病，长期透析"
    assert HomeVisit.objects.filter(case=young).exists() and HouseholdMember.objects.filter(case=young).exists()
    assert HardshipCase.objects.get(pk=open_file.pk).health_notes == "在档"
    assert retention_run(dry_run=True).report["assistance-case-details"]["count"] == 0
