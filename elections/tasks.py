"""Thin Celery tasks of the elections app."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def count_closed_rounds_task() -> int:
    """Count every online round whose voting window has closed (every 5 minutes, see schedules.py); a round
    already counted is left alone, so a duplicate beat tick or a retry counts nothing twice."""
    return len(services.rounds_count_closed())
