"""Two batches confirmed at the same moment cannot together take a member over the cap (PostgreSQL)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from tests.factories import MemberFactory
from welfare import services
from welfare.models import Distribution, DistributionStatus, MemberBudget

from .conftest import confirmed_batch, festival_batch

pytestmark = pytest.mark.django_db(transaction=True)


def _confirm_in_thread(actor, pk: int, barrier: threading.Barrier, outcomes: list) -> None:
    try:
        barrier.wait(timeout=10)
        # A thread starts with the scope rule enforced, as a request does.
        batch = Distribution.objects.for_actor(actor, manage=True).get(pk=pk)
        services.distribution_confirm(actor=actor, distribution=batch)
        outcomes.append("confirmed")
    except services.CapExceeded:
        outcomes.append("over the cap")
    except Exception as exc:  # noqa: BLE001 - reported by the assertion below
        outcomes.append(repr(exc))
    finally:
        connection.close()  # one connection per thread, closed: bounded for max_connections


def _wait_for_thread_sessions_to_end(timeout: float = 5.0) -> None:
    """PostgreSQL ends a closed session's backend asynchronously: wait, so that the test database
    can be dropped at the end of the run."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.mark.parametrize("round_", range(3))
def test_two_batches_confirmed_at_once_never_exceed_the_cap(
    require_postgres, tree, officer_a, policy, round_, monkeypatch
):
    # Widen the window between reading the budgets and writing them, so that without the row
    # locks both confirmations would read "nothing spent yet" and both pass.
    check = services._problems

    def slow_check(*args):
        time.sleep(0.3)
        return check(*args)

    monkeypatch.setattr(services, "_problems", slow_check)
    shared = MemberFactory.create_batch(5, unit=tree["a"])
    # Everyone already has 500 this year: the budget rows exist, so only the row lock can serialise.
    confirmed_batch(officer_a, tree["a"], festival="spring", on=date(2026, 2, 10), amount="500")
    batches = []
    for festival, on in (("labour", date(2026, 4, 28)), ("national", date(2026, 9, 28))):
        batch = festival_batch(officer_a, tree["a"], festival=festival, on=on, amount="800", item=festival)
        batches.append(batch.pk)
    assert all(services.cap_problems(Distribution.objects.get(pk=pk)) == [] for pk in batches)  # each alone fits
    barrier = threading.Barrier(2)
    outcomes: list = []
    threads = [threading.Thread(target=_confirm_in_thread, args=(officer_a, pk, barrier, outcomes)) for pk in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["confirmed", "over the cap"]
    for m in [*shared, officer_a.member]:
        row = MemberBudget.objects.get(member=m, year=2026, category="festival", festival="")
        assert row.spent == Decimal("1300") <= Decimal("1800")
    _wait_for_thread_sessions_to_end()
    statuses = sorted(Distribution.objects.filter(pk__in=batches).values_list("status", flat=True))
    assert statuses == [DistributionStatus.CONFIRMED, DistributionStatus.DRAFT]
