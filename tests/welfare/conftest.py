"""Welfare fixtures: the Jiangsu policy as data (as the migration seeds it), and batch helpers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import MemberFactory, valid_id_number
from welfare import services
from welfare.defaults import ensure_jiangsu_policy
from welfare.models import Category


@pytest.fixture
def policy(db):
    """The 2026 Jiangsu policy (created again if a transactional test flushed the migration's rows)."""
    return ensure_jiangsu_policy(2026)


@pytest.fixture
def policy_2027(db):
    return ensure_jiangsu_policy(2027)


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
