"""Every export path writes text that a spreadsheet would run as a formula as plain text."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from members.excel import formula_safe
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory
from tests.voice.factories import VoiceItemFactory

pytestmark = pytest.mark.django_db
HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_one_rule(value):
    assert formula_safe(value) == "'" + value
    assert formula_safe("张三") == "张三" and formula_safe(12) == 12


def test_activity_participants_sheet_escapes_names(client, tree, officer_a):
    from activities import services

    activity = ActivityFactory(organizer=tree["a"], title="=cmd|' /C calc'!A0")
    member = MemberFactory(unit=tree["a"], name="张三")
    member.name = "@SUM(1)"  # as if an import had let it through
    member.save(update_fields=["name"])
    services.registrations_create_for(actor=officer_a, activity_id=activity.pk, member_ids=[member.pk])
    client.force_login(officer_a)
    response = client.get(f"/activities/{activity.pk}/participants.xlsx")
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "@SUM(1)"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)  # shown, and kept, as text
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_voice_inbox_export_keeps_subjects_as_text(client, tree, officer_a):
    VoiceItemFactory(sender=MemberFactory(unit=tree["a"]), subject="=1+1 加班费")
    client.force_login(officer_a)
    response = client.get("/voice/inbox/export/")
    ws = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=1+1 加班费"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
