"""The arithmetic of judging, as plain functions: a sheet's total, the combined score of an entry, ranks
and prizes. No database here: the services feed it rows and store what it returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
THREE = Decimal("0.001")
#: The trimmed rule drops the highest and the lowest total only with at least this many judges.
TRIM_MIN_JUDGES = 5


def sheet_total(values: dict[int, Decimal], criteria: Sequence[tuple[int, Decimal, Decimal]]) -> Decimal:
    """Σ value / maximum × weight over the rubric's (id, weight, maximum); with weights equal to the maxima
    (内容 40, 表达 30 …) the total is simply the sum of the scores."""
    total = sum((values[cid] / maximum * weight for cid, weight, maximum in criteria), Decimal("0"))
    return total.quantize(TWO, rounding=ROUND_HALF_UP)


def combine(totals: Sequence[Decimal], rule: str) -> Decimal:
    """The entry's score from its judges' totals: the mean, or with ``trimmed`` and five judges or more,
    the mean after dropping one highest and one lowest total (去掉一个最高分和一个最低分)."""
    if not totals:
        raise ValueError("no totals to combine")
    ordered = sorted(totals)
    if rule == "trimmed" and len(ordered) >= TRIM_MIN_JUDGES:
        ordered = ordered[1:-1]
    return (sum(ordered, Decimal("0")) / len(ordered)).quantize(THREE, rounding=ROUND_HALF_UP)


@dataclass
class Ranked:
    entry_id: int
    score: Decimal
    judges: int
    rank: int = 0
    prize: str = ""


def rank_entries(
    rows: Sequence[tuple[int, Decimal, int, tuple[Decimal, ...], datetime]],
    *,
    tie_break: str,
    prize_counts: Sequence[tuple[str, int]],
) -> list[Ranked]:
    """Rank (entry id, score, judges, per-criterion means in rubric order, submitted at) by score, ties
    broken by the contest's rule (the criteria in order, or the earlier submission); entries still equal
    share a rank (1, 2, 2, 4). Prizes go by rank: rank ≤ first-prize count → first prize, and so on, so that
    entries sharing a rank share a prize."""

    def key(row):
        entry_id, score, _judges, means, submitted = row
        tail = tuple(-m for m in means) if tie_break == "criteria" else (submitted.timestamp(),)
        return (-score, *tail)

    ordered = sorted(rows, key=lambda r: (key(r), r[0]))
    out: list[Ranked] = []
    previous = None
    for position, row in enumerate(ordered, start=1):
        k = key(row)
        rank = out[-1].rank if previous is not None and k == previous else position
        previous = k
        out.append(Ranked(row[0], row[1], row[2], rank))
    bounds = []
    upto = 0
    for prize, count in prize_counts:
        upto += count
        bounds.append((upto, prize))
    for ranked in out:
        ranked.prize = next((prize for limit, prize in bounds if ranked.rank <= limit), "")
    return out
