"""The scope lives in the models: an officer of another unit, within the own rights, reaches nothing of
unit A's files through any address; and the exports come out in Chinese whatever the language.

Each attack has its positive control (unit A's officer gets the thing), so a test cannot pass by
answering nothing to everybody."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from assistance import services
from assistance.models import CaseDocument, Grant, HardshipCase, RosterEntry
from members.scoping import scope_enforced
from tests.factories import MemberFactory

from .factories import GrantFactory, HardshipCaseFactory, RosterEntryFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture
def document(settings, tmp_path, officer_a, draft_a) -> CaseDocument:
    settings.MEDIA_ROOT = tmp_path
    return services.document_add(
        actor=officer_a, case=draft_a, title="收入证明", upload=SimpleUploadedFile("proof.pdf", PDF)
    )


def _status(client, user, method, url, data=None) -> int:
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def test_another_units_officer_cannot_open_a_document_or_touch_a_roster_line(
    client, officer_a, officer_b, document, campaign, tree
):
    entry = RosterEntryFactory(
        campaign=campaign, case=HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]))
    )
    assert _status(client, officer_a, "get", f"/assistance/documents/{document.pk}/") == 200
    assert _status(client, officer_b, "get", f"/assistance/documents/{document.pk}/") == 404
    assert _status(client, officer_b, "post", f"/assistance/{document.case_id}/documents/") == 404
    assert _status(client, officer_b, "post", f"/assistance/roster/{entry.pk}/remove/") == 404
    assert RosterEntry.objects.filter(pk=entry.pk).exists()
    assert _status(client, officer_a, "post", f"/assistance/roster/{entry.pk}/remove/") == 302
    assert not RosterEntry.objects.filter(pk=entry.pk).exists()


def test_another_units_officer_exports_none_of_unit_as_grants(client, officer_a, officer_b, filed_a, campaign):
    GrantFactory(case=filed_a, campaign=campaign)

    def exported(user) -> list:
        client.force_login(user)
        response = client.get("/assistance/reports/xlsx/")
        assert response.status_code == 200
        roster = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
        return [row[3] for row in roster.iter_rows(min_row=3, values_only=True)]

    assert exported(officer_a) == [filed_a.number]
    assert exported(officer_b) == []


def test_the_campaign_page_lists_only_the_own_units_roster_lines(client, officer_a, officer_b, filed_a, campaign):
    RosterEntryFactory(campaign=campaign, case=filed_a)
    for user, expected in ((officer_a, [filed_a.pk]), (officer_b, [])):
        client.force_login(user)
        page = client.get(f"/assistance/campaigns/{campaign.pk}/").context["page"]
        assert [entry.case_id for entry in page] == expected


def test_the_models_answer_only_for_an_actor(officer_a, officer_b, member_a, filed_a, campaign):
    """What the pages rely on, asked of the models directly (the rule enforced as in a request)."""
    grant = GrantFactory(case=filed_a, campaign=campaign)
    own = GrantFactory(case=HardshipCaseFactory(filed=True, member=member_a.member), campaign=campaign)
    with scope_enforced():
        assert set(HardshipCase.objects.for_actor(officer_a).values_list("pk", flat=True)) >= {filed_a.pk}
        assert not HardshipCase.objects.for_actor(officer_b).filter(pk=filed_a.pk).exists()
        assert not HardshipCase.objects.for_actor(officer_b, manage=True).exists()
        assert set(Grant.objects.for_actor(officer_b).values_list("pk", flat=True)) == set()
        # a member reads the own grant, not a colleague's
        assert list(Grant.objects.for_actor(member_a).values_list("pk", flat=True)) == [own.pk]
        assert grant.pk not in Grant.objects.for_actor(member_a).values_list("pk", flat=True)


def test_a_member_never_opens_a_file_page_not_even_the_own(client, member_a):
    case = HardshipCaseFactory(filed=True, member=member_a.member)
    assert _status(client, member_a, "get", f"/assistance/{case.pk}/") == 404


@override_settings(LANGUAGE_CODE="en")
def test_the_roster_export_has_chinese_headers_under_the_english_interface(client, city_admin, filed_a, campaign):
    GrantFactory(case=filed_a, campaign=campaign)
    client.force_login(city_admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Grants" in client.get("/assistance/reports/").content.decode()  # the page itself is in English
    response = client.get("/assistance/reports/xlsx/")
    roster, totals = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets
    assert roster.title == "花名册" and totals.title == "合计"
    assert roster["A1"].value.startswith("帮扶资金发放花名册")
    assert [c.value for c in roster[2]][:4] == ["序号", "姓名", "单位", "档案编号"]
    assert roster["K2"].value == "领取人签名"
    assert totals["A1"].value == "帮扶活动" and totals.cell(row=totals.max_row, column=1).value == "合计"
