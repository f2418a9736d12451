"""The unit honour roll moved to members (members 0016 renamed the table): only the state changes here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("voice", "0002_encrypt_talk_concerns"),
        ("members", "0016_unit_honour_from_voice"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="UnitHonour")],
        ),
    ]
