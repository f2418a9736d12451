"""The shared query-parameter helpers (members.params): whatever is typed, a value within bounds or None."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from members.params import MAX_DATE, MIN_DATE, clean_text, parse_date, parse_int, parse_month


@given(st.text(max_size=40))
def test_parsers_never_raise_and_stay_within_bounds(text):
    number = parse_int(text)
    assert number is None or 1 <= number <= 2**63 - 1
    day = parse_date(text)
    assert day is None or MIN_DATE <= day <= MAX_DATE
    month = parse_month(text)
    assert month is None or (month.day == 1 and MIN_DATE <= month <= MAX_DATE)
    assert "\x00" not in clean_text(text)


def test_the_issue_values():
    assert parse_int("99999999999999999999999") is None
    assert parse_month("9999-12") is None and parse_month("2026-03") == date(2026, 3, 1)
    assert parse_date("9999-12-31") is None and parse_date("2026-02-28") == date(2026, 2, 28)
