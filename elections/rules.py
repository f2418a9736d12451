"""The election rules as arithmetic on the figures an administrator keeps (ElectionRules, copied onto each
election as ``Election.rules``). Whole-number arithmetic throughout: "more than two thirds" is
``present * 3 > entitled * 2``, never a rounded float."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

DEFAULTS = {"margin_percent": "5", "quorum": [2, 3], "majority": [1, 2], "terms": [3, 5], "max_rounds": 2}


@dataclass(frozen=True)
class Figures:
    margin_percent: Decimal
    quorum: tuple[int, int]
    majority: tuple[int, int]
    terms: tuple[int, ...]
    max_rounds: int

    @classmethod
    def of(cls, snapshot: dict | None) -> Figures:
        s = {**DEFAULTS, **(snapshot or {})}
        return cls(
            margin_percent=Decimal(str(s["margin_percent"])),
            quorum=(int(s["quorum"][0]), int(s["quorum"][1])),
            majority=(int(s["majority"][0]), int(s["majority"][1])),
            terms=tuple(int(t) for t in s["terms"]),
            max_rounds=int(s["max_rounds"]),
        )


def candidates_required(seats: int, figures: Figures, *, equal_allowed: bool = False) -> int:
    """The fewest candidates for ``seats`` (差额): at least ``margin_percent`` more, and at least one more
    whenever a margin is required; as many as the seats (等额) where that is allowed."""
    if equal_allowed or figures.margin_percent <= 0:
        return seats
    extra = math.ceil(Decimal(seats) * figures.margin_percent / 100)
    return seats + max(1, extra)


def has_quorum(present: int, entitled: int, figures: Figures) -> bool:
    """More than ``quorum`` (two thirds) of those entitled to attend are present."""
    num, den = figures.quorum
    return entitled > 0 and present * den > entitled * num


def votes_needed(entitled: int, figures: Figures) -> int:
    """The fewest votes that are more than ``majority`` (half) of those entitled to attend."""
    num, den = figures.majority
    return entitled * num // den + 1


def is_elected_by_votes(votes: int, entitled: int, figures: Figures) -> bool:
    num, den = figures.majority
    return votes * den > entitled * num


@dataclass
class RaceResult:
    seats: int
    votes: dict[int, int]  # candidate id -> votes
    elected: list[int] = field(default_factory=list)
    #: Candidates tied on the last seat: none of them is elected, they go to the further round.
    tied: list[int] = field(default_factory=list)

    @property
    def vacant(self) -> int:
        return self.seats - len(self.elected)


def decide(seats: int, votes: dict[int, int], *, entitled: int, present: int, figures: Figures) -> RaceResult:
    """Who is elected: those with more than half of the votes of those entitled to attend, in order of votes,
    up to the seats; a tie on the last seat elects none of the tied. Without a quorum nobody is elected."""
    result = RaceResult(seats=seats, votes=dict(votes))
    if not has_quorum(present, entitled, figures):
        return result
    qualified = sorted(
        (c for c, v in votes.items() if is_elected_by_votes(v, entitled, figures)), key=lambda c: (-votes[c], c)
    )
    if len(qualified) <= seats:
        result.elected = qualified
        return result
    cut = votes[qualified[seats - 1]]
    above = [c for c in qualified if votes[c] > cut]
    at_cut = [c for c in qualified if votes[c] == cut]
    if len(above) + len(at_cut) <= seats:
        result.elected = above + at_cut
    else:
        result.elected = above
        result.tied = at_cut
    return result


def further_round_candidates(result: RaceResult, figures: Figures, *, equal_allowed: bool) -> list[int]:
    """Candidates of the further round for the seats left empty: those not elected, by votes, as many as the
    margin asks for (the tied ones always among them)."""
    if result.vacant <= 0:
        return []
    rest = sorted(
        (c for c in result.votes if c not in result.elected), key=lambda c: (c not in result.tied, -result.votes[c], c)
    )
    wanted = candidates_required(result.vacant, figures, equal_allowed=equal_allowed)
    return rest[: max(wanted, len(result.tied))]
