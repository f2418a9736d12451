"""Backup and restore: a dump restored into an empty database holds every record."""

import os
import subprocess
import uuid

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from tests.factories import MemberFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

# Tables whose every row must come back; other apps add theirs as they land.
COUNTED = [
    "members_member",
    "members_organization",
    "members_user",
    "members_historicalmember",
    "notifications_notification",
]


def _url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _counts(dsn: str) -> dict[str, int]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        out = {}
        for table in COUNTED:
            cur.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - fixed table names
            out[table] = cur.fetchone()[0]
        return out


def test_a_dump_restores_into_an_empty_database_with_every_record(require_postgres, tree, officer_a, tmp_path):
    MemberFactory.create_batch(25, unit=tree["a"])
    source = _url(connection.settings_dict["NAME"])
    before = _counts(source)
    assert before["members_member"] == 26

    dump = tmp_path / "portal.dump"
    env = {**os.environ, "DATABASE_URL": source}
    subprocess.run(
        ["bash", "scripts/backup.sh", str(dump)],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert dump.stat().st_size > 0

    target = f"restore_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(_url("postgres"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{target}"')
    try:
        env["DATABASE_URL"] = _url(target)
        subprocess.run(
            ["bash", "scripts/restore.sh", str(dump)],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        assert _counts(_url(target)) == before
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
