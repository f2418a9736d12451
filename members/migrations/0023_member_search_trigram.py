"""The member search's substring matches served by trigram indexes on PostgreSQL (issue #23: at a million members
a search by pinyin or by part of a mobile number read the whole table, 0.3 s). The pinyin key and the mobile
number get a GIN index with ``gin_trgm_ops``, which serves ``LIKE '%…%'`` of three characters or more; the name
itself gets none: a Chinese search is usually two characters, which no trigram can serve. Nothing on other
databases (SQLite has neither the extension nor GIN)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "member_name_search_trgm": "name_search",
    "member_mobile_trgm": "mobile",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON members_member USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0022_member_name_order_index"),
    ]

    operations = [
        TrigramExtension(),  # pg_trgm: a trusted extension since PostgreSQL 13 (the database's owner may create it)
        migrations.RunPython(create, drop),
    ]
