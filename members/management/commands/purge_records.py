"""``manage.py purge_records``: the named retention job by hand (the beat runs it daily at 03:30)."""

from django.core.management.base import BaseCommand

from members.security import records_purge


class Command(BaseCommand):
    help = "Delete login-log lines and access records older than their retention period (the run is recorded)."

    def handle(self, *args, **options):
        for run in records_purge():
            self.stdout.write(f"{run.table_name}: {run.rows} rows before {run.cutoff:%Y-%m-%d %H:%M}")
