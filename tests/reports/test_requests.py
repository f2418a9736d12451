"""The reports page: who may ask, the Celery build with its progress, the download kept for the asker only."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from members.models import AccessAction, AccessRecord, Role
from members.scoping import unscoped
from members.services import role_assign
from reports import services
from reports.models import ReportRequest, ReportStatus
from reports.tasks import build_yearly_report, purge_expired_reports
from tests.factories import MemberFactory, UserFactory

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_admin(tree):
    user = UserFactory(username="cityadmin2")
    MemberFactory(unit=tree["b"], user=user)
    role_assign(user=user, organization=tree["city"], role=Role.CITY_ADMIN)
    return user


def ask(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post("/reports/", {"year": YEAR, "organization": "", **data})


def test_admin_asks_and_the_task_builds_the_workbook(
    client, city_admin, tree, year_data, media, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(city_admin)
    page = client.get("/reports/")
    assert page.status_code == 200
    assert "经济联系片" in page.content.decode() and "市财政局" in page.content.decode()
    response = ask(client, django_capture_on_commit_callbacks, organization=tree["zone1"].pk)
    assert response.status_code == 302
    report = ReportRequest.objects.get(requested_by=city_admin)
    assert (report.status, report.progress, report.organization) == (ReportStatus.DONE, 100, tree["zone1"])
    assert report.expires_at - report.finished_at == timedelta(hours=24)
    assert Path(report.file.path).is_relative_to(Path(media) / "reports")

    status = client.get(f"/reports/{report.pk}/status/").json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_url"] == f"/reports/{report.pk}/download/"
    page = client.get("/reports/").content.decode()
    assert f"/reports/{report.pk}/download/" in page and "正在生成报表" in page

    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"] and "2025" in download["Content-Disposition"]
    assert {"private", "no-store"} <= {v.strip() for v in download["Cache-Control"].split(",")}
    wb = load_workbook(BytesIO(b"".join(download.streaming_content)))
    assert len(wb.sheetnames) == 6
    assert "经济联系片" in wb.worksheets[0]["A1"].value

    # The download is in the access record: who, which workbook, its data rows (headers and totals not counted).
    record = AccessRecord.objects.get(action=AccessAction.EXPORT, app="reports")
    assert (record.actor, record.unit_id, record.target_id) == (city_admin, tree["zone1"].pk, report.pk)
    assert record.what == f"{YEAR}年度工会报表"
    data_rows = sum(  # the lines under the header drawn in the data style (not the totals, not the notes)
        1
        for ws in wb.worksheets
        for (cell,) in ws.iter_rows(min_row=3, max_col=1)
        if cell.style.startswith("rpt_") and not cell.style.startswith(("rpt_total", "rpt_note"))
    )
    assert record.rows == report.rows == data_rows > 0


def test_progress_is_recorded_sheet_by_sheet(city_admin, year_data, media, monkeypatch):
    """The page polls the request row: each sheet moves the progress on (6 sheets: 15, 31 ... 95), then 100."""
    from reports import services as s

    seen: list[int] = []
    build = s.build_workbook

    def watching(**kwargs):
        # What the page would read from the request row after each sheet.
        report_sheet = kwargs.pop("on_sheet")

        def on_sheet(done, total):
            report_sheet(done, total)
            seen.append(progress())

        seen.append(progress())
        return build(on_sheet=on_sheet, **kwargs)

    def progress() -> int:
        with unscoped("test: read the row as the page's poll would"):
            return ReportRequest.objects.get(pk=report.pk).progress

    monkeypatch.setattr(s, "build_workbook", watching)
    report = ReportRequest.objects.create(requested_by=city_admin, year=YEAR)
    assert build_yearly_report.apply(args=[report.pk]).get() == ReportStatus.DONE
    assert seen == [1, 15, 31, 47, 63, 79, 95]
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.progress == 100

    def __getattr__(self, name):
        return getattr(self.qs, name)


def test_asking_twice_while_it_is_built_reuses_the_request(client, city_admin, year_data, media):
    client.force_login(city_admin)
    client.post("/reports/", {"year": YEAR})  # the on-commit enqueue does not run: it stays queued
    response = client.post("/reports/", {"year": YEAR}, follow=True)
    assert ReportRequest.objects.count() == 1
    assert "该报表正在生成中" in response.content.decode()


def test_another_person_cannot_download_or_see_the_status(client, city_admin, other_admin, year_data, media):
    report = ReportRequest.objects.create(requested_by=city_admin, year=YEAR)
    services.report_build(request_id=report.pk)
    client.force_login(other_admin)
    assert client.get(f"/reports/{report.pk}/download/").status_code == 404
    assert client.get(f"/reports/{report.pk}/status/").status_code == 404
    assert f"/reports/{report.pk}/" not in client.get("/reports/").content.decode()


@pytest.mark.parametrize("who", ["zone_lead", "officer_a", "member_a"])
def test_only_city_administrators(client, who, request, city_admin, year_data, media):
    report = ReportRequest.objects.create(requested_by=city_admin, year=YEAR)
    services.report_build(request_id=report.pk)
    client.force_login(request.getfixturevalue(who))
    assert client.get("/reports/").status_code == 403
    assert client.post("/reports/", {"year": YEAR}).status_code == 403
    assert client.get(f"/reports/{report.pk}/download/").status_code == 403
    assert 'href="/reports/"' not in client.get("/").content.decode()  # no navbar entry
    assert ReportRequest.objects.count() == 1


def test_navbar_entry_for_city_administrators(client, city_admin):
    client.force_login(city_admin)
    assert 'href="/reports/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [({"year": "1999"}, "year"), ({"year": "abc"}, "year"), ({"year": "2999"}, "year"), ({"year": ""}, "year")],
)
def test_a_bad_year_is_a_form_error(client, city_admin, data, field):
    client.force_login(city_admin)
    response = client.post("/reports/", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not ReportRequest.objects.exists()


def test_an_organisation_outside_the_tree_is_a_form_error(client, city_admin, tree):
    client.force_login(city_admin)
    response = client.post("/reports/", {"year": YEAR, "organization": "999999"})
    assert response.status_code == 400
    assert response.context["form"].errors["organization"]
    assert not ReportRequest.objects.exists()


def test_an_expired_file_is_refused_and_deleted(client, city_admin, year_data, media):
    report = ReportRequest.objects.create(requested_by=city_admin, year=YEAR)
    services.report_build(request_id=report.pk)
    report.refresh_from_db()
    path = Path(report.file.path)
    assert path.exists()
    ReportRequest.objects.filter(pk=report.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(city_admin)
    response = client.get(f"/reports/{report.pk}/download/")
    assert response.status_code == 410
    assert "该报表已过期" in response.content.decode()
    assert not path.exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.EXPIRED and not report.file
    assert client.get(f"/reports/{report.pk}/status/").json()["status"] == "expired"


def test_the_hourly_purge_deletes_expired_files_only(city_admin, year_data, media, eager_celery):
    old, fresh = (ReportRequest.objects.create(requested_by=city_admin, year=YEAR) for _ in range(2))
    for r in (old, fresh):
        services.report_build(request_id=r.pk)
        r.refresh_from_db()
    ReportRequest.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    stuck = ReportRequest.objects.create(requested_by=city_admin, year=YEAR - 1)
    ReportRequest.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(days=2))
    assert purge_expired_reports.delay().get() == 1
    assert not Path(old.file.path).exists() and Path(fresh.file.path).exists()
    statuses = dict(ReportRequest.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "expired", fresh.pk: "done", stuck.pk: "failed"}


def test_the_purge_schedule_is_declared():
    from django_celery_beat.models import PeriodicTask

    from notifications.schedules import sync_schedules
    from reports.schedules import SCHEDULES

    sync_schedules(SCHEDULES)
    task = PeriodicTask.objects.get(name="reports-purge-expired")
    assert task.task == "reports.tasks.purge_expired_reports"
    assert (task.crontab.minute, task.crontab.hour) == ("20", "*")


def test_a_failing_sheet_marks_the_request_failed(city_admin, year_data, media, monkeypatch):
    from members import registry

    def broken(writer, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry._report_sheets, "broken", registry.ReportSheet("broken", "坏", broken, 999))
    report = ReportRequest.objects.create(requested_by=city_admin, year=YEAR)
    assert services.report_build(request_id=report.pk) == ReportStatus.FAILED
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "出错" in report.error and not report.file


def test_an_unreachable_broker_fails_the_request_visibly(
    client, city_admin, media, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(build_yearly_report, "delay", down)
    client.force_login(city_admin)
    ask(client, django_capture_on_commit_callbacks)
    report = ReportRequest.objects.get()
    assert report.status == ReportStatus.FAILED and "任务队列" in report.error
