"""Campaigns, rosters and grants: one grant per file, campaign and purpose; budgets per source."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assistance import services
from assistance.models import Grant, Source

pytestmark = pytest.mark.django_db


def test_roster_then_batch_creates_each_grant_once(city_admin, officer_a, filed_a, campaign):
    services.roster_add(actor=officer_a, campaign=campaign, case=filed_a, purpose="university", source=Source.UNION)
    created, skipped = services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=timezone.localdate())
    assert (created, skipped) == (1, 0)
    grant = Grant.objects.get()
    assert grant.amount == Decimal("3000.00") and grant.approved_by == city_admin
    created, skipped = services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=timezone.localdate())
    assert (created, skipped) == (0, 1)
    assert Grant.objects.count() == 1


def test_no_double_aid_for_the_same_purpose_but_another_campaign_is_fine(city_admin, filed_a, campaign, winter):
    today = timezone.localdate()
    services.grant_create(
        actor=city_admin,
        case=filed_a,
        campaign=campaign,
        purpose="university",
        amount=Decimal("3000"),
        source=Source.UNION,
        granted_on=today,
    )
    with pytest.raises(ValidationError, match=filed_a.number):
        services.grant_create(
            actor=city_admin,
            case=filed_a,
            campaign=campaign,
            purpose="university",
            amount=Decimal("100"),
            source=Source.CHARITY,
            granted_on=today,
        )
    services.grant_create(
        actor=city_admin,
        case=filed_a,
        campaign=winter,
        purpose="living",
        amount=Decimal("2000"),
        source=Source.CHARITY,
        granted_on=today,
    )
    assert Grant.objects.count() == 2


def test_the_database_itself_refuses_double_aid(city_admin, filed_a, campaign):
    kwargs = {
        "case": filed_a,
        "campaign": campaign,
        "purpose": "university",
        "amount": Decimal("1"),
        "source": "union",
        "granted_on": timezone.localdate(),
        "approved_by": city_admin,
    }
    Grant.objects.create(**kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        Grant.objects.create(**kwargs)


def test_the_budget_per_source_is_not_exceeded(city_admin, filed_a, campaign):
    with pytest.raises(ValidationError, match="预算（"):
        services.grant_create(
            actor=city_admin,
            case=filed_a,
            campaign=campaign,
            purpose="university",
            amount=Decimal("5000.01"),
            source=Source.CHARITY,
            granted_on=timezone.localdate(),
        )
    with pytest.raises(ValidationError, match="没有此来源的预算"):
        services.grant_create(
            actor=city_admin,
            case=filed_a,
            campaign=campaign,
            purpose="university",
            amount=Decimal("1"),
            source=Source.GOVERNMENT,
            granted_on=timezone.localdate(),
        )


def test_only_filed_cases_go_on_a_roster(officer_a, draft_a, campaign):
    with pytest.raises(ValidationError, match=draft_a.number):
        services.roster_add(actor=officer_a, campaign=campaign, case=draft_a, purpose="university", source="union")


def test_only_the_city_union_makes_grants(officer_a, filed_a, campaign):
    with pytest.raises(PermissionDenied):
        services.grant_create(
            actor=officer_a,
            case=filed_a,
            campaign=campaign,
            purpose="university",
            amount=Decimal("1"),
            source="union",
            granted_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied):
        services.grants_from_roster(actor=officer_a, campaign=campaign, granted_on=timezone.localdate())


def test_sign_off_is_recorded_by_the_unit(officer_a, officer_b, city_admin, filed_a, campaign):
    from django.http import Http404

    today = timezone.localdate()
    grant = services.grant_create(
        actor=city_admin,
        case=filed_a,
        campaign=campaign,
        purpose="high_school",
        amount=Decimal("1500"),
        source="union",
        granted_on=today,
    )
    with pytest.raises(Http404):
        services.grant_mark_received(actor=officer_b, grant=grant, received_on=today)
    with pytest.raises(ValidationError):
        services.grant_mark_received(actor=officer_a, grant=grant, received_on=today.replace(year=today.year - 1))
    services.grant_mark_received(actor=officer_a, grant=grant, received_on=today)
    grant.refresh_from_db()
    assert grant.received_on == today


def test_campaign_form_needs_amounts_and_a_budget(client, city_admin):
    client.force_login(city_admin)
    response = client.post(
        "/assistance/campaigns/new/",
        {"name": "x", "kind": "student", "opens_on": "2026-07-01", "closes_on": "2026-06-01"},
    )
    form = response.context["form"]
    assert {"closes_on", "university_amount", "budget_union"} <= set(form.errors)


def test_batch_page_reports_what_it_did(client, city_admin, officer_a, filed_a, campaign):
    services.roster_add(actor=officer_a, campaign=campaign, case=filed_a, purpose="high_school", source="charity")
    client.force_login(city_admin)
    response = client.post(f"/assistance/campaigns/{campaign.pk}/grants/", {"granted_on": "2026-11-20"}, follow=True)
    assert Grant.objects.get().source == "charity"
    assert "1" in str(list(response.context["messages"])[0])


def test_units_apply_within_the_window_the_city_union_any_time(officer_a, city_admin, filed_a, campaign):
    from assistance.models import Campaign

    Campaign.objects.filter(pk=campaign.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match=str(campaign.closes_on)):
        services.roster_add(actor=officer_a, campaign=campaign, case=filed_a, purpose="university", source="union")
    services.roster_add(actor=city_admin, campaign=campaign, case=filed_a, purpose="university", source="union")


def test_the_same_file_twice_for_the_same_purpose_is_refused_naming_the_file(officer_a, filed_a, campaign):
    """The officer who lists a file again sees which file is already on the roster, in Chinese (full_clean's own
    message for the constraint named the model's fields: "包含 Campaign，Case 和 用途 的 名单条目 已经存在")."""
    from assistance.models import RosterEntry

    services.roster_add(actor=officer_a, campaign=campaign, case=filed_a, purpose="university", source="union")
    with pytest.raises(ValidationError) as refused:
        services.roster_add(actor=officer_a, campaign=campaign, case=filed_a, purpose="university", source="union")
    assert refused.value.messages == [f"{filed_a.number} 已按此用途列入名单。"]
    assert RosterEntry.objects.filter(case=filed_a).count() == 1
    services.roster_add(actor=officer_a, campaign=campaign, case=filed_a, purpose="high_school", source="union")
    assert RosterEntry.objects.filter(case=filed_a).count() == 2  # another purpose is another line
