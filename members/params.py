"""Query parameters of every page, parsed once (issue #17: no 500 from any address).

A page reads its filters from the address (``?start=2026-01-01&unit=12&month=2026-03``), which anyone may
type. Out-of-range dates (``9999-12-31``: the day after does not exist), a month in year 9999, a 23-digit
id (beyond the database's integers), a NUL byte (PostgreSQL refuses it inside a string) or an unknown
choice must give the page with a message, never a 500. Every view parses such values through these helpers
or through forms built from ``DateParam``; what cannot be parsed is left out (the default
applies) and the view says so with ``messages_from``/a form error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

#: Dates a page accepts in its address: anything outside is a typing error (and 9999-12-31 + 1 day overflows).
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
#: The largest id a page accepts (PostgreSQL's bigint; SQLite's integer is the same size).
MAX_ID = 2**63 - 1
#: Longest search text a page uses.
MAX_TEXT = 100


def clean_text(value: str | None, *, max_length: int = MAX_TEXT) -> str:
    """A search text: trimmed, shortened, without NUL and other control characters (PostgreSQL refuses NUL)."""
    value = "".join(ch for ch in (value or "") if ch >= " " or ch in "\t")
    return value.strip()[:max_length]


def parse_int(value: str | None, *, min_value: int = 1, max_value: int = MAX_ID) -> int | None:
    """An integer within bounds, or None (empty, not a number, out of range)."""
    value = (value or "").strip()
    if not value or len(value) > 20 or not value.lstrip("-").isascii() or not value.lstrip("-").isdigit():
        return None
    number = int(value)
    return number if min_value <= number <= max_value else None


def parse_date(value: str | None) -> date | None:
    """An ISO date (YYYY-MM-DD) between MIN_DATE and MAX_DATE, or None."""
    try:
        parsed = date.fromisoformat((value or "").strip()) if value and len(value) == 10 else None
    except ValueError:
        return None
    return parsed if parsed and MIN_DATE <= parsed <= MAX_DATE else None


def parse_month(value: str | None) -> date | None:
    """The first day of a month given as YYYY-MM (or YYYY-M), within the accepted years, or None."""
    value = (value or "").strip()
    year, _, month = value.partition("-")
    # YYYY-MM, or YYYY-M as people type it; ASCII digits only
    if not value.isascii() or len(year) != 4 or not (year.isdigit() and month.isdigit()) or len(month) not in (1, 2):
        return None
    try:
        first = date(int(year), int(month), 1)
    except ValueError:
        return None
    return first if MIN_DATE <= first <= MAX_DATE else None


def parse_choice(value: str | None, choices: Iterable[str], default: str = "") -> str:
    """``value`` when it is one of ``choices``, else ``default``."""
    allowed = set(choices)
    return value if value in allowed else default


class DateParam(forms.DateField):
    """A date in a filter form: refuses years outside MIN_DATE..MAX_DATE with a message naming the field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators += [
            MinValueValidator(MIN_DATE, _("Enter a date from %(min)s to %(max)s.") % _bounds()),
            MaxValueValidator(MAX_DATE, _("Enter a date from %(min)s to %(max)s.") % _bounds()),
        ]


def _bounds() -> dict[str, str]:
    return {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()}
