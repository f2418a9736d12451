"""The festivals of the national rule and their dates for a year: the ground floor, so that welfare
and assistance (冬送温暖 before the Spring Festival) both read it without importing each other.

春节, 端午 and 中秋 follow the lunar calendar and 清明 is a solar term: all four are computed by
borax (MIT licence), never typed in. ``festival_dates(year)`` is the small API the reminders use.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from borax.calendars.lunardate import LunarDate, TermUtils
from django.db import models
from django.utils.translation import gettext_lazy as _


class Festival(models.TextChoices):
    NEW_YEAR = "new_year", _("New Year's Day")
    SPRING = "spring", _("Spring Festival")
    QINGMING = "qingming", _("Qingming Festival")
    LABOUR = "labour", _("Labour Day")
    DRAGON_BOAT = "dragon_boat", _("Dragon Boat Festival")
    MID_AUTUMN = "mid_autumn", _("Mid-Autumn Festival")
    NATIONAL = "national", _("National Day")


@lru_cache(maxsize=64)
def _dates(year: int) -> tuple[tuple[str, date], ...]:
    return (
        (Festival.NEW_YEAR.value, date(year, 1, 1)),
        (Festival.SPRING.value, LunarDate(year, 1, 1).to_solar_date()),
        (Festival.QINGMING.value, TermUtils.nth_term_day(year, term_name="清明")),
        (Festival.LABOUR.value, date(year, 5, 1)),
        (Festival.DRAGON_BOAT.value, LunarDate(year, 5, 5).to_solar_date()),
        (Festival.MID_AUTUMN.value, LunarDate(year, 8, 15).to_solar_date()),
        (Festival.NATIONAL.value, date(year, 10, 1)),
    )


def festival_dates(year: int) -> dict[str, date]:
    """{festival code: its date in ``year``}, in calendar order (borax covers 1900-2100)."""
    if not 1901 <= year <= 2099:
        raise ValueError(f"year {year} is outside the lunar calendar's range (1901-2099)")
    return dict(sorted(_dates(year), key=lambda pair: pair[1]))


def festival_calendar(year: int, today: date) -> list[dict]:
    """The year's festivals with their dates and how many days away they are (negative: past)."""
    labels = dict(Festival.choices)
    return [
        {"code": code, "label": labels[code], "date": on, "days_away": (on - today).days}
        for code, on in festival_dates(year).items()
    ]
