"""Every write of the reports app: ask for a workbook, build it (from the task), purge expired files."""

from __future__ import annotations

import logging
import tempfile
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.audit import AccessAction, record_access
from members.models import Organization
from members.scoping import get_for_actor, require_city_admin, scope_enforced, scope_for, unscoped

from .models import ReportRequest, ReportStatus
from .workbook import build_workbook, download_name

log = logging.getLogger(__name__)
#: A request still queued or being built for the same year and scope is reused this long.
REUSE_PENDING = timedelta(minutes=15)


#: The build task and the purge job keep the requests' own bookkeeping (status, progress, file).
BOOKKEEPING = "the report task records status and progress on the request it was handed"


def _enqueue(request_id: int) -> None:
    from .tasks import build_yearly_report

    try:
        build_yearly_report.delay(request_id)
    except Exception:  # noqa: BLE001 - broker unreachable: the person must see it, not wait forever
        log.exception("could not queue the yearly report %s", request_id)
        with unscoped(BOOKKEEPING):
            _mark_unqueued(request_id)


def _mark_unqueued(request_id: int) -> None:
    ReportRequest.objects.filter(pk=request_id, status=ReportStatus.QUEUED).update(
        status=ReportStatus.FAILED,
        error=_("The task queue could not be reached; try again in a few minutes."),
        finished_at=timezone.now(),
    )


@transaction.atomic
def report_request_create(*, actor, year: int, organization: Organization | None) -> tuple[ReportRequest, bool]:
    """Ask for the workbook; the build starts once the request is committed. Returns (request, created):
    the same person's request for the same year and scope still being built is reused."""
    require_city_admin(actor)
    pending = (
        ReportRequest.objects.for_actor(actor)
        .filter(
            year=year,
            organization=organization,
            status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
            created_at__gte=timezone.now() - REUSE_PENDING,
        )
        .order_by("-created_at")
        .first()
    )
    if pending:
        return pending, False
    request = ReportRequest(requested_by=actor, year=year, organization=organization)
    request.full_clean()
    request.save()
    transaction.on_commit(lambda pk=request.pk: _enqueue(pk))
    return request, True


@unscoped(BOOKKEEPING)
def report_build(*, request_id: int) -> str:
    """Build the workbook of a request sheet by sheet, recording the progress; returns the final status.

    Safe to run again (a redelivered task): a request that is done, failed or expired is left alone."""
    request = ReportRequest.objects.select_related("requested_by", "organization").filter(pk=request_id).first()
    if request is None or not request.is_pending:
        return request.status if request else "missing"
    ReportRequest.objects.filter(pk=request.pk).update(
        status=ReportStatus.RUNNING, progress=1, started_at=timezone.now()
    )
    actor = request.requested_by
    try:
        if not actor.is_active or not scope_for(actor).is_city_admin:
            raise PermissionDenied

        def on_sheet(done: int, total: int) -> None:
            # Each sheet is a step; the last few per cent are the saving of the file.
            with unscoped(BOOKKEEPING):
                ReportRequest.objects.filter(pk=request.pk).update(progress=max(1, 95 * done // total))

        with tempfile.TemporaryFile(suffix=".xlsx") as tmp, scope_enforced():
            rows = build_workbook(
                actor=actor, year=request.year, organization=request.organization, out=tmp, on_sheet=on_sheet
            )
            tmp.seek(0)
            request.file.save(f"{uuid.uuid4().hex}.xlsx", File(tmp), save=False)
    except PermissionDenied:
        return _fail(request, _("You are no longer a city administrator: the report was not built."))
    except Exception:  # noqa: BLE001 - recorded on the request and in the log; the page shows it
        log.exception("yearly report %s failed", request.pk)
        return _fail(
            request, _("The report could not be built because of an error; the administrators can see it in the log.")
        )
    now = timezone.now()
    request.status = ReportStatus.DONE
    request.progress = 100
    request.error = ""
    request.filename = download_name(year=request.year, organization=request.organization)
    request.rows = rows
    request.finished_at = now
    request.expires_at = now + timedelta(hours=settings.REPORT_TTL_HOURS)
    request.save(update_fields=["status", "progress", "error", "file", "filename", "rows", "finished_at", "expires_at"])
    return request.status


def _fail(request: ReportRequest, message: str) -> str:
    ReportRequest.objects.filter(pk=request.pk).update(
        status=ReportStatus.FAILED, error=message[:300], finished_at=timezone.now()
    )
    return ReportStatus.FAILED


def report_expire(*, request: ReportRequest) -> None:
    """Delete the file of an expired request; the row stays (who asked for what, and when)."""
    if request.file:
        request.file.delete(save=False)
    request.status = ReportStatus.EXPIRED
    request.save(update_fields=["status", "file"])


@unscoped("the hourly purge deletes every person's expired report files")
def reports_purge_expired(*, now=None) -> int:
    """Expire every finished request past its time, and requests stuck in the queue for a day; the
    number of files deleted."""
    now = now or timezone.now()
    deleted = 0
    for request in ReportRequest.objects.filter(status=ReportStatus.DONE, expires_at__lte=now):
        deleted += bool(request.file)
        report_expire(request=request)
    ReportRequest.objects.filter(
        status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING], created_at__lte=now - timedelta(days=1)
    ).update(status=ReportStatus.FAILED, error=_("The report was not built within a day; ask for it again."))
    return deleted


def report_file_open(*, actor, report: ReportRequest, request=None):
    """The workbook's file, opened for the person who asked; the download is in the access record."""
    require_city_admin(actor)
    report = get_for_actor(ReportRequest, actor, pk=report.pk)
    handle = report.file.open("rb")
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=_("Yearly report workbook %(year)s") % {"year": report.year},
        rows=report.rows,
        obj=report,
        unit=report.organization_id,
        request=request,
    )
    return handle
