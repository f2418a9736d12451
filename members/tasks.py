"""Thin Celery tasks of members: the retention job's weekly run (switched off until a city administrator
switches the ``retention`` schedule on)."""

from __future__ import annotations

from celery import shared_task


@shared_task
def retention_task() -> int:
    """The weekly retention run (members.retention.scheduled_run): a dry run, or a real one after a dry run."""
    from .retention import scheduled_run

    return scheduled_run().pk
