"""What the benchmark cases share: the figure record, timing helpers, the table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Context:
    members: int
    root: Path


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""  # e.g. "< 300", ">= 1000", "<= 1.5"; empty: informational
    passed: bool | None = None

    def __post_init__(self):
        if self.target and self.passed is None:
            op, _, limit = self.target.partition(" ")
            limit_value = float(limit)
            self.passed = {
                "<": self.value < limit_value,
                "<=": self.value <= limit_value,
                ">": self.value > limit_value,
                ">=": self.value >= limit_value,
                "==": self.value == limit_value,
            }[op]

    def as_dict(self) -> dict:
        d = asdict(self)
        d["pass"] = d.pop("passed")
        return d


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def print_table(figures: list[Figure]) -> None:
    width = max([len(f.name) for f in figures] + [10])
    print()
    print(f"{'figure'.ljust(width)}  {'value':>12}  {'unit':<8}  {'target':<10}  result")
    print("-" * (width + 48))
    for f in figures:
        result = "" if f.passed is None else ("pass" if f.passed else "MISS")
        value = f"{f.value:,.2f}" if isinstance(f.value, float) and not f.value.is_integer() else f"{f.value:,.0f}"
        print(f"{f.name.ljust(width)}  {value:>12}  {f.unit:<8}  {f.target:<10}  {result}")


def measure_page(client, url: str, repeat: int = 20) -> tuple[float, float, int]:
    """Median and 95th-percentile milliseconds of GET ``url`` over ``repeat`` calls, and its query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples = timed(lambda: client.get(url), repeat)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    median, p95 = median_p95(samples)
    return median, p95, len(queries)


def vacuum_analyze() -> None:
    """On PostgreSQL, what autovacuum does shortly after a bulk load on a real server: statistics for the planner
    and the visibility map for index-only scans (without it, plans are those of a stale table)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def budget_room(year: int, amount) -> None:
    """Raise every approved budget line of the year to ``amount``: the demo's budgets (issue #20) would refuse
    the big batches the cases measure. Call inside the transaction the case rolls back."""
    from funds.models import BudgetLine, BudgetStatus

    BudgetLine.objects.filter(budget__year=year, budget__status=BudgetStatus.APPROVED).update(amount=amount)
