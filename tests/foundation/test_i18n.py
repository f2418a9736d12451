"""The Simplified Chinese catalogues (the project's and any app's own) are complete and each committed .mo
matches its .po."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
#: The project's catalogue and those of apps that keep their own (<app>/locale/zh_Hans/...).
CATALOGUES = [PO] + sorted(
    p for p in BASE.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if not p.is_relative_to(BASE / "locale")
)


def test_the_catalogues_are_found():
    assert PO in CATALOGUES and all(p.exists() for p in CATALOGUES)


@pytest.mark.parametrize("PO", CATALOGUES, ids=lambda p: str(p.relative_to(BASE)))
def test_every_string_has_a_chinese_translation(PO):  # noqa: N803
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


@pytest.mark.parametrize("PO", CATALOGUES, ids=lambda p: str(p.relative_to(BASE)))
def test_committed_mo_is_compiled_from_the_po(PO):  # noqa: N803
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0, "") for e in mo}
    for entry in po.translated_entries():
        expected = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert compiled.get((entry.msgctxt, entry.msgid)) == expected, (
            f"stale .mo for {entry.msgid!r}: run make messages"
        )


@pytest.mark.django_db
def test_pages_speak_chinese_by_default_and_english_on_request(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/").content.decode()
    assert "工作台" in page or "本单位工会概况" in page
    assert "首页" in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    english = client.get("/").content.decode()
    assert "Your unit at a glance" in english and "首页" not in english


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_english_is_chosen(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "首页" in page
