"""The election rules on a table of cases, with the figures as data (ElectionRules / Election.rules)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elections import rules

DEFAULT = rules.Figures.of(None)


@pytest.mark.parametrize(
    ("seats", "equal_allowed", "margin", "need"),
    [
        (1, False, "5", 2),  # a margin always means at least one more
        (3, False, "5", 4),
        (7, False, "5", 8),
        (20, False, "5", 21),  # 5% of 20 is exactly 1
        (21, False, "5", 23),  # 1.05 rounds up to 2
        (40, False, "5", 42),
        (7, True, "5", 7),  # chair and vice-chairs: as many as seats (等额) allowed
        (7, False, "0", 7),  # an administrator may set no margin
        (10, False, "20", 12),  # ... or a larger one
    ],
)
def test_candidate_margin(seats, equal_allowed, margin, need):
    figures = rules.Figures.of({"margin_percent": margin})
    assert rules.candidates_required(seats, figures, equal_allowed=equal_allowed) == need


@pytest.mark.parametrize(
    ("present", "entitled", "ok"),
    [
        (67, 100, True),
        (66, 100, False),  # two thirds is 66.67: 66 is not more
        (2, 3, False),  # exactly two thirds is not more than two thirds
        (3, 3, True),
        (21, 30, True),
        (20, 30, False),  # exactly 2/3
        (0, 0, False),
    ],
)
def test_quorum_more_than_two_thirds(present, entitled, ok):
    assert rules.has_quorum(present, entitled, DEFAULT) is ok


@pytest.mark.parametrize(
    ("votes", "entitled", "ok"),
    [(51, 100, True), (50, 100, False), (50, 99, True), (49, 99, False), (2, 3, True), (1, 2, False)],
)
def test_majority_of_those_entitled_to_attend(votes, entitled, ok):
    assert rules.is_elected_by_votes(votes, entitled, DEFAULT) is ok
    assert (votes >= rules.votes_needed(entitled, DEFAULT)) is ok


@pytest.mark.parametrize(
    ("seats", "votes", "entitled", "present", "elected", "tied", "vacant"),
    [
        # 100 entitled, 80 present: 51 votes needed.
        (2, {1: 70, 2: 60, 3: 40}, 100, 80, [1, 2], [], 0),
        # Only one above the majority: one seat left empty for a further round.
        (2, {1: 70, 2: 50, 3: 40}, 100, 80, [1], [], 1),
        # Votes count against those ENTITLED, not those present: 45 of 60 present is not enough of 100.
        (1, {1: 45, 2: 15}, 100, 70, [], [], 1),
        # More qualify than seats: the most votes win.
        (2, {1: 75, 2: 60, 3: 55}, 100, 80, [1, 2], [], 0),
        # A tie on the last seat elects neither of the tied.
        (2, {1: 75, 2: 60, 3: 60}, 100, 80, [1], [2, 3], 1),
        # Without a quorum nobody is elected.
        (2, {1: 60, 2: 60}, 100, 66, [], [], 2),
    ],
)
def test_decide(seats, votes, entitled, present, elected, tied, vacant):
    result = rules.decide(seats, votes, entitled=entitled, present=present, figures=DEFAULT)
    assert result.elected == elected
    assert result.tied == tied
    assert result.vacant == vacant


def test_further_round_candidates_follow_the_margin_and_keep_the_tied():
    result = rules.decide(2, {1: 75, 2: 60, 3: 60, 4: 20}, entitled=100, present=80, figures=DEFAULT)
    assert rules.further_round_candidates(result, DEFAULT, equal_allowed=False) == [2, 3]
    one_short = rules.decide(3, {1: 75, 2: 40, 3: 30, 4: 20, 5: 10}, entitled=100, present=80, figures=DEFAULT)
    assert one_short.vacant == 2
    assert rules.further_round_candidates(one_short, DEFAULT, equal_allowed=False) == [2, 3, 4]


def test_figures_changed_by_an_administrator_change_the_outcome():
    strict = rules.Figures.of({"quorum": [3, 4], "majority": [2, 3], "margin_percent": Decimal("10")})
    assert not rules.has_quorum(70, 100, strict) and rules.has_quorum(70, 100, DEFAULT)
    assert not rules.is_elected_by_votes(60, 100, strict) and rules.is_elected_by_votes(60, 100, DEFAULT)


@given(
    entitled=st.integers(1, 5000),
    present=st.integers(0, 5000),
    seats=st.integers(1, 15),
    votes=st.lists(st.integers(0, 5000), min_size=1, max_size=30),
)
def test_decide_never_elects_more_than_the_seats_or_anyone_below_the_majority(entitled, present, seats, votes):
    per = {i: min(v, present) for i, v in enumerate(votes)}
    result = rules.decide(seats, per, entitled=entitled, present=min(present, entitled), figures=DEFAULT)
    assert len(result.elected) <= seats
    assert all(per[c] * 2 > entitled for c in result.elected)
    assert not set(result.elected) & set(result.tied)
