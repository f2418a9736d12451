"""The arithmetic of judging: totals, the trimmed mean, ranks with ties and prizes (Hypothesis for the rules)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from contests.scoring import combine, rank_entries, sheet_total

D = Decimal
RUBRIC = [(1, D(40), D(40)), (2, D(30), D(30)), (3, D(20), D(20)), (4, D(10), D(10))]
T0 = datetime(2026, 5, 1, 9, 0)


def test_with_weights_equal_to_the_maxima_the_total_is_the_sum():
    assert sheet_total({1: D(35), 2: D(25), 3: D(18), 4: D("9.5")}, RUBRIC) == D("87.50")


def test_weights_scale_each_criterion():
    assert sheet_total({1: D(5), 2: D(10)}, [(1, D(60), D(10)), (2, D(40), D(10))]) == D("70.00")


def test_the_trimmed_rule_drops_one_highest_and_one_lowest_only_from_five_judges():
    assert combine([D(90), D(80), D(70), D(60)], "trimmed") == D("75.000")  # four judges: plain mean
    assert combine([D(99), D(80), D(80), D(80), D(10)], "trimmed") == D("80.000")
    assert combine([D(99), D(80), D(80), D(80), D(10)], "mean") == D("69.800")


scores = st.decimals(min_value=0, max_value=100, places=2)


@given(st.lists(scores, min_size=5, max_size=15))
def test_the_trimmed_mean_lies_between_the_second_lowest_and_second_highest(totals):
    ordered = sorted(totals)
    result = combine(totals, "trimmed")
    assert ordered[1] - D("0.001") <= result <= ordered[-2] + D("0.001")


PRIZES = [("first", 1), ("second", 2), ("third", 3), ("excellence", 0)]


def test_ties_are_broken_by_the_criteria_in_order_then_shared():
    rows = [
        (1, D(80), 3, (D(30), D(30)), T0),
        (2, D(80), 3, (D(35), D(25)), T0),  # same score, better on the first criterion
        (3, D(90), 3, (D(40), D(30)), T0),
        (4, D(80), 3, (D(30), D(30)), T0 + timedelta(hours=1)),  # equal to entry 1 in every way
    ]
    ranked = rank_entries(rows, tie_break="criteria", prize_counts=PRIZES)
    assert [(r.entry_id, r.rank, r.prize) for r in ranked] == [
        (3, 1, "first"),
        (2, 2, "second"),
        (1, 3, "second"),
        (4, 3, "second"),
    ]


def test_the_earlier_submission_wins_a_tie_under_that_rule():
    rows = [(1, D(80), 3, (D(30),), T0 + timedelta(hours=1)), (2, D(80), 3, (D(20),), T0)]
    ranked = rank_entries(rows, tie_break="earlier", prize_counts=PRIZES)
    assert [r.entry_id for r in ranked] == [2, 1] and [r.rank for r in ranked] == [1, 2]


@given(st.lists(scores, min_size=1, max_size=40), st.integers(0, 5), st.integers(0, 5))
def test_ranks_follow_the_scores_and_prizes_never_exceed_their_count_without_a_tie(values, first, second):
    rows = [(i, v, 3, (v,), T0) for i, v in enumerate(values)]
    ranked = rank_entries(rows, tie_break="criteria", prize_counts=[("first", first), ("second", second)])
    assert [r.score for r in ranked] == sorted(values, reverse=True)
    assert ranked[0].rank == 1
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert a.rank <= b.rank and (a.rank == b.rank) == (a.score == b.score)
    distinct = len(set(values)) == len(values)
    if distinct:
        assert sum(r.prize == "first" for r in ranked) == min(first, len(values))
