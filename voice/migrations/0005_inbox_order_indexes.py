"""The inbox at a third of its cost (issue #23). Its default order, newest first, is served by an index instead of
sorting every item for a page of 20 (the city administrator's inbox of 20,000 items: 56 ms → 2 ms), also within
one addressee (a unit officer's inbox). The search (``icontains`` on the subject and the text, which PostgreSQL
runs as ``UPPER(…) LIKE UPPER('%…%')``) gets trigram GIN indexes on those expressions, as the member search did in
``members/0023``: a search of three characters or more (Chinese ones too) reads the matching items only (the
count and the page: 25 + 27 ms → 1–2 ms each at 20,000 items); a two-character search is still a scan. Nothing
of the trigram part on other databases."""

from django.conf import settings
from django.db import migrations, models

TRIGRAM = {
    "voiceitem_subject_trgm": "UPPER(subject::text)",
    "voiceitem_text_trgm": "UPPER(text::text)",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, expression in TRIGRAM.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON voice_voiceitem USING gin ({expression} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0024_fewer_member_indexes"),  # after members/0023, which creates pg_trgm
        ("voice", "0004_anonymous_items_keep_no_sender"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="voiceitem",
            index=models.Index(fields=["created_at", "id"], name="voiceitem_sent_idx"),
        ),
        migrations.AddIndex(
            model_name="voiceitem",
            index=models.Index(fields=["addressee", "created_at", "id"], name="voiceitem_addressee_sent_idx"),
        ),
        migrations.RunPython(create, drop),
    ]
