"""Thin Celery tasks of the surveys app."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def close_ended_surveys_task() -> int:
    """Close every published survey whose end has passed (every 5 minutes, see schedules.py); a survey already
    closed is left alone, so a duplicate beat tick or a retry closes nothing twice."""
    return len(services.surveys_close_ended())
