"""Thin Celery tasks of the members app."""

from __future__ import annotations

from celery import shared_task

from .security import records_purge


@shared_task(bind=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def records_purge_task(self) -> list[int]:
    """The named retention job: the login log and the access record lose what is older than their
    retention period (LOGIN_LOG_RETENTION_DAYS, ACCESS_RECORD_RETENTION_DAYS); each run is recorded."""
    return [run.rows for run in records_purge()]
