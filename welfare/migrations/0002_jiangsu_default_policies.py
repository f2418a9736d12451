"""Seed the Jiangsu policies of 2025-2027 with DOMAIN.md's figures (editable afterwards)."""

from django.db import migrations


def seed(apps, schema_editor):
    from welfare.defaults import ensure_jiangsu_policy

    for year in (2025, 2026, 2027):
        ensure_jiangsu_policy(year, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("welfare", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
