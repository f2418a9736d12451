"""The Simplified Chinese catalogue is complete and its committed .mo matches the .po."""

from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_chinese_translation():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_committed_mo_is_compiled_from_the_po():
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
