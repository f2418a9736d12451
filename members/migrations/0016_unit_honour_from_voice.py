"""The unit honour roll moves from the voice app into members (a contest writes a team's prize into it, and
apps meet only in members): the table is renamed, its rows and ids stay."""

import django.db.models.deletion
from django.db import migrations, models



class Migration(migrations.Migration):
    dependencies = [
        ("members", "0015_retention_runs"),
        ("voice", "0002_encrypt_talk_concerns"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE voice_unithonour RENAME TO members_unithonour",
                    "ALTER TABLE members_unithonour RENAME TO voice_unithonour",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="UnitHonour",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        (
                            "title",
                            models.CharField(
                                choices=[
                                    ("model_staff_home", "Model staff home"),
                                    ("model_staff_small_home", "Model staff small home"),
                                    ("advanced_union", "Advanced grassroots union"),
                                    ("reading_room_demo", "Staff reading room demonstration site"),
                                    ("other", "Other honour"),
                                ],
                                max_length=30,
                                verbose_name="honour",
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=100, verbose_name="name of the honour")),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("national", "National"),
                                    ("provincial", "Provincial"),
                                    ("city", "City"),
                                    ("unit", "Unit"),
                                ],
                                max_length=20,
                                verbose_name="level",
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(verbose_name="year")),
                        ("awarded_by", models.CharField(blank=True, max_length=100, verbose_name="awarded by")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                        (
                            "unit",
                            models.ForeignKey(
                                limit_choices_to={"kind": "unit"},
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="unit_honours",
                                to="members.organization",
                                verbose_name="unit",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "unit honour",
                        "verbose_name_plural": "unit honours",
                        "ordering": ["-year", "unit__sort_order", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("unit", "title", "level", "year"), name="unithonour_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("year__gte", 1949), ("year__lte", 2100)),
                                name="unithonour_year_range",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
