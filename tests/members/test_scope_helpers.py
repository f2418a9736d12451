"""The scope's query helpers (ids or None for "all") and the organiser/audience rules contests and quizzes share."""

from __future__ import annotations

import pytest
from django.db.models import Q

from members.models import Organization
from members.scoping import audience_q, ids_q, organiser_q, scope_for

pytestmark = pytest.mark.django_db


def test_the_city_reads_and_manages_everything(tree, city_admin):
    scope = scope_for(city_admin)
    assert scope.read_units() is None and scope.read_orgs() is None
    assert scope.manage_units() is None and scope.manage_orgs() is None
    assert scope.manages_any_unit and scope.can_read_org(tree["zone2"].pk)


def test_a_unit_officer_reads_and_manages_the_own_unit(tree, officer_a):
    scope = scope_for(officer_a)
    assert scope.read_units() == scope.manage_units() == {tree["a"].pk}
    assert scope.read_orgs() == {tree["a"].pk} and scope.manage_orgs() == {tree["a"].pk}
    assert scope.manages_any_unit
    assert scope.can_read_org(tree["a"].pk) and not scope.can_read_org(tree["b"].pk)
    assert not scope.can_read_org(tree["zone1"].pk)


def test_a_zone_lead_reads_the_zone_and_runs_its_own_surveys(tree, zone_lead):
    scope = scope_for(zone_lead)
    assert scope.read_units() == {tree["a"].pk, tree["b"].pk}
    assert scope.read_orgs() == {tree["a"].pk, tree["b"].pk, tree["zone1"].pk}
    assert scope.manage_units() == frozenset() and scope.manage_orgs() == {tree["zone1"].pk}
    assert not scope.manages_any_unit
    assert scope.can_read_org(tree["zone1"].pk) and not scope.can_read_org(tree["zone2"].pk)


def test_a_member_reads_no_unit(tree, member_a):
    scope = scope_for(member_a)
    assert scope.read_units() == scope.read_orgs() == scope.manage_units() == frozenset()
    assert not scope.manages_any_unit and not scope.can_read_org(tree["a"].pk)


def test_ids_q_is_all_for_none_and_nothing_for_no_ids(tree):
    everything = set(Organization.objects.values_list("pk", flat=True))
    assert ids_q("pk", None) == Q()
    assert set(Organization.objects.filter(ids_q("pk", None)).values_list("pk", flat=True)) == everything
    assert not Organization.objects.filter(ids_q("pk", frozenset())).exists()
    assert set(Organization.objects.filter(ids_q("pk", frozenset({tree["a"].pk}))).values_list("pk", flat=True)) == {
        tree["a"].pk
    }


def test_the_organiser_and_audience_rules(tree, member_a, officer_b, city_admin):
    """What contests and quizzes share (their own tests walk the rows): an officer organises in the own unit,
    the city everything; a login without a member record is in no audience."""
    from tests.factories import UserFactory

    assert organiser_q(scope_for(officer_b), manage=True) == Q(organizer_id__in=frozenset({tree["b"].pk}))
    assert organiser_q(scope_for(city_admin), "quiz__", manage=True) == Q()
    assert organiser_q(scope_for(member_a), manage=False) == Q(pk__in=[])
    assert audience_q(scope_for(UserFactory()), "contest__") == Q(pk__in=[])
    assert "organizer__kind" in str(audience_q(scope_for(member_a)))


def _rules_for_the_whole_city():
    from django.apps import apps

    from members.scoping import is_scoped

    return [
        m for m in apps.get_models() if is_scoped(m) and getattr(getattr(m, "scope_q", None), "city_reads_all", False)
    ]


def test_the_city_administrators_read_the_whole_table_of_each_such_rule_with_no_condition_and_no_join(tree, city_admin):
    """``city_reads_all`` answers before the rule builds its branches: a branch for the other actors (the own
    rows, a private activity's registrations, an audience) would otherwise narrow the administrator's rows or
    join tables for nothing. Without the decorator the registrations' rule, for one, would hide a private
    event's registrations from the city."""
    models = _rules_for_the_whole_city()
    assert {m._meta.label for m in models} >= {
        "activities.Registration",
        "activities.Team",
        "contests.Score",
        "quiz.PaperQuestion",
        "surveys.Survey",
        "members.TransferRequest",
        "care.LegalRequest",
    }
    for model in models:
        whole_table = str(model._base_manager.all().query)
        for manage in (False, True):
            sql = str(model.objects.for_actor(city_admin, manage=manage).query)
            assert sql == whole_table, (model._meta.label, manage)


def test_the_own_rows_are_read_never_managed_and_nobodys_without_the_record(tree, member_a):
    from tests.factories import UserFactory

    scope = scope_for(member_a)
    assert scope.own_q(manage=False) == Q(member_id=scope.member_id)
    assert scope.own_q("user_id", manage=False) == Q(user_id=member_a.pk)
    assert scope.own_q(manage=True) == scope.own_q("user_id", manage=True) == Q(pk__in=[])
    login_only = scope_for(UserFactory())
    assert login_only.own_q(manage=False) == Q(pk__in=[])
    assert login_only.own_q("user_id", manage=False) == Q(user_id=login_only.user_id)


def test_org_ids_are_the_managed_units_or_what_an_officer_reads(tree, zone_lead, officer_a):
    lead, officer = scope_for(zone_lead), scope_for(officer_a)
    assert lead.org_ids(manage=False) == {tree["a"].pk, tree["b"].pk, tree["zone1"].pk}
    assert lead.org_ids(manage=True) == frozenset()
    assert officer.org_ids(manage=True) == officer.org_ids(manage=False) == {tree["a"].pk}
