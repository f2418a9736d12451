"""Health, disability and housing notes, visit findings and review reasons are encrypted at rest: the database,
its dumps and the history tables hold only tokens; the pages show the text; key rotation covers them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Value

from assistance import services
from assistance.models import HardshipCase
from members.fields import TOKEN_PREFIXES, encrypt_existing
from tests.members.test_rotate_keys import _derived_default_key

from .conftest import file_case, open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_cipher")]
HEALTH = "患尿毒症，每周透析三次"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - names are ours
        return cursor.fetchone()[0]


def raw_history(table: str, column: str, pk: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_the_database_and_its_history_hold_tokens_and_the_file_page_shows_the_text(
    client, officer_a, city_admin, applicant_a
):
    case = open_case(officer_a, applicant_a, health_notes=HEALTH, disability_notes="二级肢体残疾", housing="租住")
    stored = raw("assistance_hardshipcase", "health_notes", case.pk)
    assert stored.startswith(TOKEN_PREFIXES) and "透析" not in stored
    history = raw_history("assistance_historicalhardshipcase", "health_notes", case.pk)
    assert history and all(v.startswith(TOKEN_PREFIXES) for v in history)
    assert "残疾" not in raw("assistance_hardshipcase", "disability_notes", case.pk)

    case.refresh_from_db()
    assert case.health_notes == HEALTH
    client.force_login(officer_a)
    assert HEALTH in client.get(f"/assistance/{case.pk}/").content.decode()


def test_visit_findings_and_step_reasons_are_tokens_in_the_database(officer_a, city_admin, applicant_a):
    case = file_case(officer_a, city_admin, applicant_a)
    visit = case.visits.get()
    assert visit.findings == "属实"
    assert raw("assistance_homevisit", "findings", visit.pk).startswith(TOKEN_PREFIXES)
    step = case.steps.exclude(reason="").first()
    assert step is not None and raw("assistance_casestep", "reason", step.pk).startswith(TOKEN_PREFIXES)


def test_the_migration_encrypts_plain_rows_and_reverses(officer_a, applicant_a):
    case = open_case(officer_a, applicant_a)
    HardshipCase.objects.filter(pk=case.pk).update(health_notes=Value(HEALTH))  # a row from before encryption
    assert raw("assistance_hardshipcase", "health_notes", case.pk) == HEALTH
    forwards, backwards = encrypt_existing("assistance", {"hardshipcase": ["health_notes"]})
    forwards(apps, None)
    assert raw("assistance_hardshipcase", "health_notes", case.pk).startswith(TOKEN_PREFIXES)
    assert HardshipCase.objects.get(pk=case.pk).health_notes == HEALTH
    backwards(apps, None)
    assert raw("assistance_hardshipcase", "health_notes", case.pk) == HEALTH


def test_key_rotation_re_encrypts_the_notes_too(settings, officer_a, applicant_a):
    old = settings.FIELD_ENCRYPTION_KEYS[0] if settings.FIELD_ENCRYPTION_KEYS else _derived_default_key()
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    case = open_case(officer_a, applicant_a, health_notes=HEALTH)
    services.case_update(actor=officer_a, case=case, data={"health_notes": HEALTH + "。"})
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key dropped: everything still opens
    assert HardshipCase.objects.get(pk=case.pk).health_notes == HEALTH + "。"
    assert all(h.health_notes.startswith("患") for h in HardshipCase.history.filter(id=case.pk))
