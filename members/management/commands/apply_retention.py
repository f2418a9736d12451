"""Apply the retention periods (docs/data-map.md, "Retention"): a dry run by default, ``--apply`` to delete and
anonymise. Every run is recorded (``members.RetentionRun``, in the admin) and the city administrators are told.
``--apply`` needs a dry run of the last 7 days: read its report first."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from members.retention import retention_run


class Command(BaseCommand):
    help = "Report (default) or apply (--apply) what has passed its retention period; every run is recorded."

    def add_arguments(self, parser):
        parser.add_argument("--apply", action="store_true", help="delete and anonymise (after a dry run)")

    def handle(self, *args, apply: bool = False, **options):
        try:
            run = retention_run(dry_run=not apply)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(("Dry run" if run.dry_run else "Applied") + f" (run #{run.pk}):")
        for key, row in run.report.items():
            self.stdout.write(f"  {key}: {row['count']}  — {row['label']} ({row['period']})")
        self.stdout.write(f"  total: {run.total}")
