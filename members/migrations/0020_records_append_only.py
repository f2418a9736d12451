"""The access record and the login log are append-only, in PostgreSQL itself: a trigger refuses every
UPDATE and DELETE of their rows — through the portal, the Django admin or a shell alike — except a DELETE
of rows older than the cutoff of a real retention run that is in progress in the same transaction
(``members.retention.retention_run``, the named, recorded job: its run is a row of members_retentionrun with
``finished_at`` empty and the record's cutoff in ``cutoffs``; other transactions cannot see it before it
commits, and it commits finished).

The daily-view rule of the access record (one "view" per person, object and day) is a unique constraint on
INSERT (``accessrecord_one_view_per_day``): a repeated view is not written, no row is ever updated, so the two
rules hold together.

SQLite (development and the default test run) gets no trigger: Django's test flush empties tables with
DELETE there, which a trigger would refuse; the models refuse the change instead (members.models.AppendOnly*).
TRUNCATE, which needs the table's owner and which the portal never issues, is left to the database's grants.
"""

from django.db import migrations

TABLES = ("members_accessrecord", "members_loginevent")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION members_records_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF EXISTS (
            SELECT 1 FROM members_retentionrun r
            WHERE r.finished_at IS NULL AND NOT r.dry_run
              AND r.cutoffs ? TG_TABLE_NAME
              AND OLD."at" < (r.cutoffs ->> TG_TABLE_NAME)::timestamptz
        ) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql;
"""


def _pg(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION members_records_append_only();",
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor != "postgresql":
        return
    for sql in [PG_FUNCTION] + [s for t in TABLES for s in _pg(t)]:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS members_records_append_only();")


class Migration(migrations.Migration):
    dependencies = [("members", "0019_accounts_transfers_login_log")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
