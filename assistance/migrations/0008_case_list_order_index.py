"""The hardship file list's default order, newest first, served by an index (issue #23)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    # Only the app's own previous migration: an index on the file's own columns needs nothing of members (a
    # dependency on members' latest migration changed the order in which tests/members/
    # test_access_record_migration.py walks the schema back, and assistance/0002's backward step then read a
    # column members had already dropped).
    dependencies = [
        ("assistance", "0007_remask_household_ids"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="hardshipcase",
            index=models.Index(fields=["created_at", "id"], name="hardshipcase_created_idx"),
        ),
    ]
