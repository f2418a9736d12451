"""Twenty postings at once cannot together overspend a budget line (PostgreSQL, real row locks)."""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from funds import services
from funds.models import Posting

from .conftest import approved_budget, cat

pytestmark = pytest.mark.django_db(transaction=True)


def _post(actor, union, category, n, barrier, outcomes):
    try:
        barrier.wait(timeout=20)
        services.posting_create(
            actor=actor,
            union=union,
            on=timezone.localdate(),
            category=category,
            amount=Decimal("100"),
            payee="供应商",
            voucher_number=f"记-{n:03d}",
        )
        outcomes.append("posted")
    except services.BudgetExceeded:
        outcomes.append("refused")
    except Exception as exc:  # noqa: BLE001 - reported by the assertion
        outcomes.append(repr(exc))
    finally:
        connection.close()


def test_twenty_parallel_postings_never_overspend(require_postgres, tree, officer_a, monkeypatch):
    approved_budget(officer_a, tree["a"], amounts={"2102": "1000"})
    # Widen the window between reading what is spent and writing the posting: without the line's lock every
    # thread would read the same sum and all twenty would pass.
    spent = services._spent

    def slow_spent(*args):
        value = spent(*args)
        time.sleep(0.05)
        return value

    monkeypatch.setattr(services, "_spent", slow_spent)
    category = cat("2102")
    barrier = threading.Barrier(20)
    outcomes: list = []
    threads = [
        threading.Thread(target=_post, args=(officer_a, tree["a"], category, n, barrier, outcomes)) for n in range(20)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["posted"] * 10 + ["refused"] * 10
    total = sum(p.amount for p in Posting.objects.filter(union=tree["a"], category=category))
    assert total == Decimal("1000")
