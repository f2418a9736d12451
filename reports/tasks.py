"""Thin Celery tasks: take ids, call a service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def build_yearly_report(request_id: int) -> str:
    """Build one requested yearly workbook (progress recorded on the request)."""
    return services.report_build(request_id=request_id)


@shared_task
def purge_expired_reports() -> int:
    """Delete the workbooks whose download time has passed (hourly, see schedules.py)."""
    return services.reports_purge_expired()
