"""A real Celery worker builds a yearly workbook from a Redis queue, the progress reaching 100."""

import time
import uuid
from io import BytesIO

import pytest
from celery.contrib.testing.worker import start_worker
from openpyxl import load_workbook

from nantong_union.celery import app as celery_app
from reports.models import ReportRequest, ReportStatus
from reports.tasks import build_yearly_report

from .conftest import YEAR

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_worker_builds_the_workbook_from_redis(require_redis, city_admin, tree, media):
    assert celery_app.conf.broker_url.startswith("redis://")
    report = ReportRequest.objects.create(requested_by=city_admin, year=YEAR, organization=tree["zone2"])
    queue = f"test-{uuid.uuid4().hex[:8]}"  # private queue: parallel test workers cannot steal it
    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
        build_yearly_report.apply_async(args=[report.pk], queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if not report.is_pending:
                break
            time.sleep(0.2)
    assert (report.status, report.progress) == (ReportStatus.DONE, 100)
    with report.file.open("rb") as fh:
        wb = load_workbook(BytesIO(fh.read()))
    assert len(wb.sheetnames) == 6 and "政法联系片" in wb.worksheets[0]["A1"].value
