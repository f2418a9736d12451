"""The yearly report in real Chromium: the administrator asks, watches the progress bar, downloads."""

import threading
from io import BytesIO

import pytest
from openpyxl import load_workbook

from reports import services
from tests.e2e.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_asks_for_the_yearly_workbook_and_downloads_it(page, live_server, tree, city_admin, media, monkeypatch):
    # The worker: the build starts a moment after the request, in another thread (as a Celery worker would).
    started = []

    def enqueue(request_id):
        timer = threading.Timer(2.0, services.report_build, kwargs={"request_id": request_id})
        started.append(timer)
        timer.start()

    monkeypatch.setattr(services, "_enqueue", enqueue)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login(page, live_server, "cityadmin")
    page.get_by_role("link", name="报表").click()
    page.wait_for_url("**/reports/")
    page.select_option("#id_organization", label="└ 市财政局")
    page.get_by_role("button", name="生成报表").click()
    page.get_by_text("正在生成报表").wait_for()
    assert page.locator(".progress-bar").count() == 1  # the bar while it is queued and built
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reports-progress.png"), full_page=True)

    link = page.get_by_test_id("report-download")
    link.wait_for(timeout=30_000)  # the polling script replaces the bar with the link
    assert page.locator(".progress-bar").count() == 0
    page.screenshot(path=str(ARTIFACTS / "reports-ready.png"), full_page=True)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith("-市财政局.xlsx")
    with open(download.path(), "rb") as fh:  # the saved download has no .xlsx suffix: give openpyxl the bytes
        wb = load_workbook(BytesIO(fh.read()))
    assert len(wb.sheetnames) == 6 and "市财政局" in wb.worksheets[0]["A1"].value
    assert violations == []
    for timer in started:
        timer.join()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
