"""Who sees files: officers with the permission in scope; zone leads read; members and other units get nothing."""

import pytest
from django.contrib.auth.models import Group

from members.models import AccessRecord
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_unit_officer_and_city_admin_see_the_file_and_each_view_is_logged(client, officer_a, city_admin, filed_a):
    for user in (officer_a, city_admin):
        response = _get(client, user, f"/assistance/{filed_a.pk}/")
        assert response.status_code == 200
        assert filed_a.bank_account_masked in response.content.decode()
    logged = AccessRecord.objects.filter(target_model="assistance.hardshipcase", target_id=filed_a.pk)
    assert list(logged.values_list("actor__username", "action", "app", "unit_id")) == [
        ("cityadmin", "view", "assistance", filed_a.unit_id),
        ("officer_a", "view", "assistance", filed_a.unit_id),
    ]


def test_zone_lead_reads_within_the_zone_but_cannot_act(client, zone_lead, filed_a):
    response = _get(client, zone_lead, f"/assistance/{filed_a.pk}/")
    assert response.status_code == 200
    assert not response.context["can_manage"]
    assert client.post(f"/assistance/{filed_a.pk}/step/reverify/", {"outcome": "keep"}).status_code == 403


def test_another_units_officer_gets_404_everywhere(client, officer_a, officer_b, filed_a, campaign, city_admin):
    from decimal import Decimal

    from django.utils import timezone

    from assistance import services

    grant = services.grant_create(
        actor=city_admin,
        case=filed_a,
        campaign=campaign,
        purpose="university",
        amount=Decimal("3000"),
        source="union",
        granted_on=timezone.localdate(),
    )
    # The positive control: the file's own unit reads all of it.
    client.force_login(officer_a)
    assert client.get(f"/assistance/{filed_a.pk}/").status_code == 200
    assert filed_a.number in client.get("/assistance/").content.decode()
    assert client.get("/assistance/reports/").context["totals"]["grand"]["n"] == 1
    client.force_login(officer_b)
    assert client.get(f"/assistance/{filed_a.pk}/").status_code == 404
    assert client.get(f"/assistance/{filed_a.pk}/edit/").status_code == 404
    assert client.post(f"/assistance/{filed_a.pk}/step/reverify/", {"outcome": "keep"}).status_code == 404
    assert client.post(f"/assistance/grants/{grant.pk}/received/", {"received_on": "2026-11-23"}).status_code == 404
    listing = client.get("/assistance/").content.decode()
    assert filed_a.number not in listing
    report = client.get("/assistance/reports/")
    assert report.context["totals"]["grand"]["n"] == 0
    assert filed_a.member.name not in client.get(f"/assistance/campaigns/{campaign.pk}/").content.decode()
    assert not AccessRecord.objects.filter(actor=officer_b, target_id=filed_a.pk).exists()


def test_members_never_see_files(client, member_a, filed_a):
    client.force_login(member_a)
    assert client.get("/assistance/").status_code == 403
    assert client.get(f"/assistance/{filed_a.pk}/").status_code == 404
    assert client.get("/assistance/reports/xlsx/").status_code == 403
    assert client.get("/assistance/campaigns/").status_code == 403


def test_an_officer_without_the_permission_sees_nothing(client, officer_a, filed_a):
    officer_a.groups.set([])
    Group.objects.get(name="unit_officer").permissions.filter(content_type__app_label="assistance").delete()
    officer_a = type(officer_a).objects.get(pk=officer_a.pk)
    client.force_login(officer_a)
    assert client.get("/assistance/").status_code == 403
    assert client.get(f"/assistance/{filed_a.pk}/").status_code == 403


def test_the_access_log_is_for_the_city_union(client, officer_a, city_admin, filed_a):
    assert _get(client, officer_a, "/members/access-records/?app=assistance").status_code == 403
    _get(client, officer_a, f"/assistance/{filed_a.pk}/")
    assert _get(client, city_admin, "/assistance/access-log/")["Location"] == "/members/access-records/?app=assistance"
    response = client.get("/members/access-records/?app=assistance")
    assert response.status_code == 200
    page = response.content.decode()
    assert "officer_a" in page and filed_a.number in page


def test_member_page_shows_aid_only_to_those_allowed(client, officer_a, officer_b, member_a, filed_a):
    response = _get(client, officer_a, f"/members/{filed_a.member_id}/")
    assert "困难帮扶" in response.content.decode()
    assert _get(client, officer_b, f"/members/{filed_a.member_id}/").status_code == 404


def test_dashboard_shows_officers_their_due_files_and_members_nothing(client, officer_a, officer_b, member_a, filed_a):
    from datetime import timedelta

    from django.utils import timezone

    from assistance.models import HardshipCase

    HardshipCase.objects.filter(pk=filed_a.pk).update(review_due=timezone.localdate() - timedelta(days=3))
    client.force_login(officer_a)
    assert 'data-testid="aid-overdue">1<' in client.get("/").content.decode()
    client.force_login(officer_b)
    assert 'data-testid="aid-overdue">0<' in client.get("/").content.decode()
    client.force_login(member_a)
    assert "aid-overdue" not in client.get("/").content.decode()


def test_a_member_sees_the_own_grants_on_the_own_page(client, member_a, officer_a, city_admin, campaign):
    from .factories import GrantFactory, HardshipCaseFactory

    me = member_a.member
    GrantFactory(case=HardshipCaseFactory(filed=True, member=me), campaign=campaign)  # 3,000 for a university student
    client.force_login(member_a)
    page = client.get(f"/members/{me.pk}/").content.decode()
    assert "2026年金秋助学" in page and "3000" in page
    assert "新建档案" not in page and "建立困难职工档案" not in page


def test_zone_lead_lists_the_zones_files_only(client, zone_lead, officer_a, tree):
    from assistance.models import HardshipCase

    from .conftest import open_case

    in_zone = open_case(officer_a, MemberFactory(unit=tree["a"]))
    outside = open_case(officer_a, MemberFactory(unit=tree["a"]))
    HardshipCase.objects.filter(pk=outside.pk).update(unit=tree["c"])
    client.force_login(zone_lead)
    page = client.get("/assistance/").content.decode()
    assert in_zone.number in page and outside.number not in page
    assert client.get(f"/assistance/{outside.pk}/").status_code == 404


def test_the_notice_is_shown_to_the_own_unit_only(client, tree):
    from .factories import HardshipCaseFactory

    draft_a = HardshipCaseFactory(notice=True, member=MemberFactory(unit=tree["a"]))  # in notice now
    colleague = MemberFactory(unit=tree["a"], user=UserFactory(username="colleague"))
    stranger = MemberFactory(unit=tree["c"], user=UserFactory(username="stranger"))
    client.force_login(colleague.user)
    assert draft_a.number in client.get("/assistance/notice/").content.decode()
    client.force_login(stranger.user)
    assert draft_a.number not in client.get("/assistance/notice/").content.decode()
