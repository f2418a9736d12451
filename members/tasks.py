"""Thin Celery tasks of the members app: take ids, call a service."""

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
