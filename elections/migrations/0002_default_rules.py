"""The rule figures in force, seeded with the commonly cited values (*unconfirmed*: the administrator edits
them in the admin)."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    rules = apps.get_model("elections", "ElectionRules")
    if not rules.objects.filter(in_force=True).exists():
        rules.objects.create(
            name="工会基层组织选举工作条例（默认）",
            in_force=True,
            margin_percent=Decimal("5"),
            quorum_numerator=2,
            quorum_denominator=3,
            majority_numerator=1,
            majority_denominator=2,
            term_years="3,5",
            max_rounds=2,
        )


class Migration(migrations.Migration):
    dependencies = [("elections", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
