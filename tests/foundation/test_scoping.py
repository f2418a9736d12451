"""Scope lives in the models: every model that holds a unit's, a person's or a file's data declares
how it reaches a unit, and a query that forgets the actor fails at once instead of leaking."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from members.models import Member, Organization, User
from members.scoping import ScopedManager, ScopeError, is_scoped, scope_enforced, unscoped

from ..factories import MemberFactory

#: Every app of this repository (a new app is walked without being listed here).
PROJECT_APPS = {
    a.label for a in apps.get_app_configs() if a.path.startswith(str(settings.BASE_DIR)) and "/.venv/" not in a.path
}

#: Models that hold data of the kinds below and yet are not scoped, each for its stated reason
#: (``scope_exempt`` on the model says why); a new model cannot join this list by accident.
EXEMPT_ALLOWED = {"members.User", "members.Organization"}


def _project_models():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        if hasattr(model, "instance_type") and model.__name__.startswith("Historical"):
            # django-simple-history's tables: read only through an instance's ``history`` (the
            # instance itself came through its scope) or the audit pages, which are scoped.
            continue
        yield model


def _holds_scoped_data(model) -> bool:
    for field in model._meta.get_fields():
        if field.is_relation and field.concrete and field.related_model in (Member, Organization, User):
            return True
        if isinstance(field, models.FileField):
            return True
    return False


def _resolves_to_organization(model, path: str) -> bool:
    target = model
    for part in path.split("__") if path else []:
        field = target._meta.get_field(part)
        target = field.related_model
    return target in (Organization, User)


PROJECT_MODELS = sorted(_project_models(), key=lambda m: m._meta.label)


def test_the_walk_sees_every_app():
    labels = {m._meta.app_label for m in PROJECT_MODELS}
    assert {"members", "activities", "assistance", "welfare", "voice", "notifications", "reports"} <= labels
    assert len(PROJECT_MODELS) >= 35


@pytest.mark.parametrize("model", PROJECT_MODELS, ids=lambda m: m._meta.label)
def test_every_model_declares_its_scope_or_says_why_not(model):
    scoped = is_scoped(model)
    exempt = getattr(model, "scope_exempt", "")
    assert scoped or len(exempt.strip()) >= 20, (
        f"{model._meta.label} declares neither a scope (scope_path + objects = ScopedManager()) "
        f"nor why it needs none (scope_exempt = '…')"
    )
    if scoped:
        assert isinstance(model._default_manager, ScopedManager), f"{model._meta.label}: default manager not scoped"
        assert _resolves_to_organization(model, model.scope_path), f"{model._meta.label}.scope_path goes nowhere"
    if _holds_scoped_data(model) and not scoped:
        assert model._meta.label in EXEMPT_ALLOWED, (
            f"{model._meta.label} holds a unit's, a person's or a file's data without a scope"
        )


SCOPED_MODELS = [m for m in PROJECT_MODELS if is_scoped(m)]


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_an_unscoped_query_raises(model):
    with scope_enforced():
        for attempt in (
            lambda: list(model.objects.all()),
            lambda: model.objects.filter(pk=1).first(),
            lambda: model.objects.count(),
            lambda: model.objects.exists(),
            lambda: model.objects.filter(pk=0).update(pk=0),
            lambda: model.objects.filter(pk=0).delete(),
            lambda: list(model.objects.values_list("pk", flat=True)),
            lambda: list(model.objects.all().iterator()),
        ):
            with pytest.raises(ScopeError):
                attempt()
    # ...and the same query runs for an actor, or where the code says why it reads everything.
    with scope_enforced():
        assert model.objects.for_actor(None).count() == 0
        with unscoped("test: the explicit way out works"):
            model.objects.count()


@pytest.mark.django_db
def test_for_actor_reads_only_the_actors_rows(tree, officer_a):
    mine = MemberFactory(unit=tree["a"])
    other = MemberFactory(unit=tree["c"])
    with scope_enforced():
        seen = set(Member.objects.for_actor(officer_a).values_list("pk", flat=True))
        managed = set(Member.objects.for_actor(officer_a, manage=True).values_list("pk", flat=True))
    assert mine.pk in seen and mine.pk in managed
    assert other.pk not in seen and other.pk not in managed


@pytest.mark.django_db
def test_a_related_manager_is_scoped_by_its_parent(tree):
    member = MemberFactory(unit=tree["a"])
    with scope_enforced():
        assert list(member.honours.all()) == []
        assert member.changes.count() >= 0


def test_unscoped_needs_a_reason():
    with pytest.raises(ValueError), unscoped("  "):
        pass
