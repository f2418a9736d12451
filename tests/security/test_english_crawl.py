"""Chinese everywhere: every page each role reaches, in Chromium at desktop and phone width, shows no English
words but a short allow-list (Excel, QR, iCal …).

The pages are those of the URL matrix (tests/security/test_url_matrix.py) that answer the role 200 with an
HTML page, filled with the matrix's world (one object of every kind in unit A); the city administrator's
include the Django admin (its index, every model's list and add page, and the change page of the world's
objects). What is checked is ``document.body.innerText``: what a person sees (hidden elements are not text),
less web addresses, e-mail addresses, file names and codes with digits (NT0000123).

``ENGLISH_CRAWL_ONLY=members pytest tests/security/test_english_crawl.py`` limits the crawl to the URL names
that contain a word, to check one page quickly.
"""

from __future__ import annotations

import os
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.e2e.conftest import CHROMIUM_ARGS

from .matrix import ACTORS, build_url
from .test_url_matrix import full_table

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: Words that stay as they are in a Chinese interface.
ALLOWED = {
    "excel", "qr", "ical", "pdf", "xlsx", "csv", "ics", "id", "wps", "word", "outlook", "english", "ok", "app",
    "url", "http", "https", "ip", "sm", "sms", "email", "e-mail", "jpeg", "jpg", "png", "docx", "xls",
    # key names in Django's own Chinese help text ("按住 Control 键或 Mac 上的 Command 键")
    "control", "command", "mac", "ldap", "kb", "mb",
}  # fmt: skip
_URL = re.compile(r"(https?://|webcal://|www\.)\S+|\S+@\S+|\S+\.(pdf|xlsx|xls|png|jpe?g|ics|csv|docx?|zip)\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|\b[A-Za-z]\b")
_CODE = re.compile(
    r"\S*\d\S*"  # anything with a digit: card numbers, dates, cron fields
    r"|\b[A-Z][A-Za-z]+/[A-Z][A-Za-z_]+\b"  # a time zone's code (Asia/Shanghai)
    r"|\b[a-z_]+(?:[.-][a-z_]+)+\b"  # identifiers of tasks and schedules (daily-reminders, app.tasks.send)
    r"|\b[A-HJ-NP-Z]{6}\b"  # a contest entry's blind code (contests.models.new_code)
    r"|\b[A-Z]\b"  # an answer option's letter (A B C D), true/false marks
)

#: the roles of the crawl and the actor of the matrix whose column they follow
ROLES = {"member": "member", "officer": "officer_a", "zone_lead": "officer_b", "city_admin": "city_admin"}
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


#: codes, not words: lists of time zones (Asia/Shanghai) and registered task names, a password hash's salt
HIDE_CODES = (
    "document.querySelectorAll('select[name$=timezone], select[name=regtask], .field-password bdi')"
    ".forEach(function (s) { s.style.display = 'none'; });"
    # a JSON field's editor (keys are the data's own names, e.g. an election rule's)
    "document.querySelectorAll('textarea').forEach(function (t) {"
    " if (/^\\s*[[{]/.test(t.value)) { t.style.display = 'none'; } });"
)


_JSON = re.compile(r"\{[^{}]*\"[A-Za-z_]+\"\s*:[^{}]*\}")  # a JSON value shown as it is stored (its keys are names)


def english_words(text: str) -> list[str]:
    text = _JSON.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _CODE.sub(" ", text)
    return sorted({w for w in _WORD.findall(text) if w.lower().strip("'’-") not in ALLOWED})


def test_english_words_finds_words_but_not_codes_addresses_or_the_allow_list():
    assert english_words("导出 Excel · 扫描 QR 码 · NT0000123 · https://x.example/a.ics · menu.pdf") == []
    assert english_words("工会 Not Found 页面") == ["Found", "Not"]
    assert english_words('规则：{"quorum": [2, 3], "max_rounds": 3}') == []
    assert english_words("作品编号 TKQWHM · 选项 A B C D · 最大 5 MB") == []


def _pages(actor: str, user, world, city_admin) -> list[str]:
    """The URLs that answer this actor 200 with an HTML page."""
    column = ACTORS.index(actor)
    only = os.environ.get("ENGLISH_CRAWL_ONLY", "")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    urls = []
    for name, row in full_table(city_admin).items():
        if only and only not in name:
            continue
        if not row.get or row.get[column] != 200:
            continue
        if name.startswith("admin:") and not re.search(r"(index|_changelist|_add|_change)$", name):
            continue
        try:
            url = build_url(name, row, world)
        except KeyError:
            continue
        response = client.get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            urls.append(url)
    return sorted(set(urls))


@pytest.fixture
def zone_lead_of_b(tree, officer_b):
    """The matrix's officer B, made also the lead of unit A's zone: reads unit A's objects, manages none."""
    from members.models import Role
    from members.services import role_assign

    role_assign(user=officer_b, organization=tree["zone1"], role=Role.ZONE_LEAD)
    return officer_b


@pytest.fixture
def _seeded(transactional_db):
    """What the migrations seed and a transactional test flushes: the year's welfare policy."""
    from django.utils import timezone

    from welfare.defaults import ensure_jiangsu_policy

    ensure_jiangsu_policy(timezone.localdate().year)


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_is_in_chinese(
    role, _seeded, live_server, world, member_a, officer_a, zone_lead_of_b, city_admin, require_chromium
):
    from playwright.sync_api import sync_playwright

    users = {"member": member_a, "officer_a": officer_a, "officer_b": zone_lead_of_b, "city_admin": city_admin}
    for i, user in enumerate(users.values()):  # the navbar shows a person's name, not a login name
        get_user_model().objects.filter(pk=user.pk).update(first_name="用户" + "甲乙丙丁"[i])
    if role == "city_admin":  # as the demo's administrator: a superuser, who sees every admin page
        get_user_model().objects.filter(pk=city_admin.pk).update(is_superuser=True)
        users["city_admin"] = city_admin = get_user_model().objects.get(pk=city_admin.pk)
    logins = sorted((u.username for u in get_user_model().objects.all()), key=len, reverse=True)
    actor = ROLES[role]
    user = users[actor]
    urls = _pages(actor, user, world, city_admin)
    assert len(urls) > 5 or os.environ.get("ENGLISH_CRAWL_ONLY"), urls
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    found: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=require_chromium, headless=True, args=CHROMIUM_ARGS)
        for width, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, locale="zh-CN", is_mobile=width == "phone")
            context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
            page = context.new_page()
            page.set_default_timeout(15_000)
            for url in urls:
                page.goto(live_server.url + url, wait_until="load")
                text = page.evaluate(HIDE_CODES + "document.title + '\\n' + document.body.innerText")
                for login in logins:  # login names are data (the access record and the admin show them)
                    text = text.replace(login, " ")
                words = english_words(text)
                if words:
                    found[f"{width} {url}"] = words
            context.close()
        browser.close()
    assert not found, "English words on pages:\n" + "\n".join(f"{k}: {' '.join(v)}" for k, v in found.items())
