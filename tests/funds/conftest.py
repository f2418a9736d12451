"""Funds fixtures: the national categories (put back if a transactional test flushed them), a budget helper."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from funds import services
from funds.defaults import ensure_defaults
from funds.models import Category


@pytest.fixture(autouse=True)
def _funds_defaults(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = marker is not None and marker.kwargs.get("transaction")
    request.getfixturevalue("transactional_db" if transactional else "db")
    ensure_defaults()


def cat(code: str) -> Category:
    return Category.objects.get(code=code)


def approved_budget(actor, union, *, year=None, amounts: dict[str, str] | None = None):
    """A budget of the union for the year (this year by default), with ``amounts`` by category code, approved."""
    year = year or timezone.localdate().year
    budget = services.budget_create(actor=actor, union=union, year=year)
    services.budget_set_lines(
        actor=actor, budget=budget, amounts={cat(code).pk: Decimal(v) for code, v in (amounts or {}).items()}
    )
    return services.budget_approve(
        actor=actor, budget=budget, approved_on=timezone.localdate(), note="工会委员会第3次会议"
    )
