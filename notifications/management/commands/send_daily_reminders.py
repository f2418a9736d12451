"""Run the daily reminders without a broker (for sites that prefer cron, or while Redis is down),
e-mailing in-process: today's reminders and every e-mail still pending."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from notifications.reminders import reminder_sources, run_daily_reminders
from notifications.services import notifications_email_pending
from notifications.tasks import parse_day


class Command(BaseCommand):
    help = "Send today's reminders (Asia/Shanghai) now; running it twice sends nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day, YYYY-MM-DD (default: today in Asia/Shanghai)")
        parser.add_argument("--only", nargs="*", help=f"only these sources: {', '.join(reminder_sources())}")
        parser.add_argument(
            "--rescan", action="store_true", help="scan again the sources already done for the day (nothing twice)"
        )

    def handle(self, *args, date=None, only=None, rescan=False, **options):
        try:
            day = parse_day(date)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        unknown = set(only or []) - set(reminder_sources())
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(sorted(unknown))}")
        sent = run_daily_reminders(day, only=only, enqueue_email=False, rescan=rescan)  # e-mails go out here, below
        # Today's reminders and everything still pending (e.g. left behind while the broker was down).
        emails = notifications_email_pending(older_than=timedelta(0))
        for name, n in sent.items():
            self.stdout.write(f"{name}: {n}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{sum(sent.values())} reminders sent for {day}; {emails.sent} e-mails sent, {emails.failed} failed"
            )
        )
