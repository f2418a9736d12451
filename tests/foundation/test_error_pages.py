"""400, 403, 404 and 500 in Chinese in the portal's layout, with the menu and a way back; a 403 is one log line."""

import logging

import pytest
from django.test import RequestFactory

from nantong_union import views
from nantong_union.logfilters import RefusalsWithoutTraceback

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_chinese_with_the_menu_and_the_way_back(client, officer_a, settings):
    settings.DEBUG = False
    client.force_login(officer_a)
    response = client.get("/members/99999999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "返回首页" in page and "返回上一页" in page
    assert 'id="mainNav"' in page and "Not Found" not in page


def test_a_refusal_is_chinese(client, officer_a, settings):
    settings.DEBUG = False
    client.force_login(officer_a)
    response = client.get("/voice/honours/new/")  # the city union's page
    assert response.status_code == 403
    assert "您没有此项操作的权限" in response.content.decode() and "Forbidden" not in response.content.decode()


def test_an_expired_form_says_so(client, officer_a, settings):
    from django.test import Client

    settings.DEBUG = False
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(officer_a)
    response = strict.post("/notifications/preferences/", {})
    assert response.status_code == 403 and "表单已过期" in response.content.decode()


def test_the_500_and_400_pages(officer_a):
    request = RequestFactory().get("/")
    request.user = officer_a
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = views.server_error(request)
    assert response.status_code == 500 and "平台出现错误" in response.content.decode()
    assert 'id="mainNav"' in response.content.decode()
    response = views.bad_request(request)
    assert response.status_code == 400 and "请求无法识别" in response.content.decode()


def test_the_500_page_survives_a_broken_layout(monkeypatch):
    request = RequestFactory().get("/")

    def broken(*args, **kwargs):
        raise RuntimeError("the layout failed")

    monkeypatch.setattr(views, "error_page", broken)
    response = views.server_error(request)
    assert response.status_code == 500 and "平台出现错误" in response.content.decode()


def test_a_403_is_logged_without_a_traceback():
    import sys

    try:
        raise PermissionError("no")
    except PermissionError:
        record = logging.LogRecord("django.request", logging.WARNING, "", 0, "Forbidden: /x", None, sys.exc_info())
    record.status_code = 403
    RefusalsWithoutTraceback().filter(record)
    assert "Traceback" not in logging.Formatter().format(record)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        other = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", None, sys.exc_info())
    other.status_code = 500
    RefusalsWithoutTraceback().filter(other)
    assert "Traceback" in logging.Formatter().format(other)  # a real error keeps its traceback
