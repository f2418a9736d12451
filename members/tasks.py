"""Thin Celery tasks of the members app: take ids, call a service. The retention job's weekly run is switched
off until a city administrator switches the ``retention`` schedule on."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def member_import_check(import_id: int) -> str:
    """Check a big uploaded roster (progress recorded on the import)."""
    return services.member_import_check_task(import_id=import_id)


@shared_task
def member_import_save(import_id: int) -> str:
    """Save a confirmed big roster in one transaction (progress told through the cache)."""
    return services.member_import_save_task(import_id=import_id)


@shared_task
def retention_task() -> int:
    """The weekly retention run (members.retention.scheduled_run): a dry run, or a real one after a dry run."""
    from .retention import scheduled_run

    return scheduled_run().pk
