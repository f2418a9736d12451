"""Welfare fixtures: every test starts without a policy and creates the one it needs (factories), and
helpers that walk the service workflow where a test is about that workflow."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import MemberFactory, valid_id_number
from welfare import services
from welfare.models import Category, WelfarePolicy

from .factories import WelfarePolicyFactory


@pytest.fixture(autouse=True)
def _no_policy_from_the_migration(request):
    """The data migration seeds the 2025-2027 Jiangsu policies into every database, the test database
    included. Welfare tests start without them and create the policy they need, so that no test passes
    on the migration's rows by accident (and a test that needs none sees none)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return  # a test without the database
    transactional = marker is not None and marker.kwargs.get("transaction")
    request.getfixturevalue("transactional_db" if transactional else "db")
    WelfarePolicy.objects.all().delete()


@pytest.fixture
def policy(db):
    """The 2026 Jiangsu policy (figures in tests/welfare/factories.py)."""
    return WelfarePolicyFactory(year=2026)


@pytest.fixture
def policy_2027(db):
    return WelfarePolicyFactory(year=2027)


_born_counter = iter(range(1, 10**6))


def member_born(unit, born: date, **kwargs):
    """A member with the given birth date (the ID number agrees with it)."""
    return MemberFactory(unit=unit, id_number=valid_id_number(next(_born_counter) * 2, born=born), **kwargs)


def festival_batch(actor, unit, *, festival="mid_autumn", on=date(2026, 9, 20), amount="500", form="goods", **kw):
    return services.distribution_create(
        actor=actor,
        organization=unit,
        category=Category.FESTIVAL,
        festival=festival,
        on=on,
        item=kw.pop("item", "中秋月饼礼盒"),
        form=form,
        amount=Decimal(amount),
    )


def confirmed_batch(actor, unit, **kwargs):
    batch = festival_batch(actor, unit, **kwargs)
    return services.distribution_confirm(actor=actor, distribution=batch)
