"""Thin Celery tasks of the members app: take ids, call a service."""

from __future__ import annotations

from celery import shared_task

from . import services
from .security import records_purge


@shared_task
def member_import_check(import_id: int) -> str:
    """Check a big uploaded roster (progress recorded on the import)."""
    return services.member_import_check_task(import_id=import_id)


@shared_task
def member_import_save(import_id: int) -> str:
    """Save a confirmed big roster in one transaction (progress told through the cache)."""
    return services.member_import_save_task(import_id=import_id)


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def records_purge_task(self) -> list[int]:
    """The named retention job: the login log and the access record lose what is older than their
    retention period (LOGIN_LOG_RETENTION_DAYS, ACCESS_RECORD_RETENTION_DAYS); each run is recorded."""
    return [run.rows for run in records_purge()]
