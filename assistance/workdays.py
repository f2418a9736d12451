"""Working days on the official calendar (法定工作日): the public notice period is counted in them.

The official calendar — public holidays and the weekend days made working days (调休) — comes from
``chinesecalendar`` (the State Council's yearly notices); the days an administrator adds in the admin
(WorkdayAdjustment) come first, for a year the library does not know yet; beyond both, Monday to Friday.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from .models import WorkdayAdjustment


def _adjustments(start: date, end: date) -> dict[date, bool]:
    return dict(WorkdayAdjustment.objects.filter(day__range=(start, end)).values_list("day", "is_workday"))


def _is_workday(day: date, adjustments: dict[date, bool]) -> bool:
    if day in adjustments:
        return adjustments[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the library does not know: weekdays
        return day.weekday() < 5


def is_workday(day: date) -> bool:
    return _is_workday(day, _adjustments(day, day))


def working_days(start: date, end: date) -> int:
    """Working days from ``start`` to ``end``, both included."""
    if end < start:
        return 0
    adjustments = _adjustments(start, end)
    return sum(_is_workday(start + timedelta(days=i), adjustments) for i in range((end - start).days + 1))


def end_after(start: date, days: int) -> date:
    """The last day of a period of ``days`` working days that begins on ``start``."""
    adjustments = _adjustments(start, start + timedelta(days=days * 3 + 30))
    day, counted = start, 0
    while True:
        if _is_workday(day, adjustments):
            counted += 1
            if counted >= days:
                return day
        day += timedelta(days=1)
