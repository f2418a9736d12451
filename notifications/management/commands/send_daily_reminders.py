"""Run the daily reminders without a broker (for sites that prefer cron), e-mailing in-process."""

from django.core.management.base import BaseCommand, CommandError

from notifications.models import Notification
from notifications.reminders import reminder_sources, run_daily_reminders
from notifications.services import EmailDeliveryError, notification_email
from notifications.tasks import parse_day


class Command(BaseCommand):
    help = "Send today's reminders (Asia/Shanghai) now; running it twice sends nothing twice."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day, YYYY-MM-DD (default: today in Asia/Shanghai)")
        parser.add_argument("--only", nargs="*", help=f"only these sources: {', '.join(reminder_sources())}")

    def handle(self, *args, date=None, only=None, **options):
        try:
            day = parse_day(date)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        unknown = set(only or []) - set(reminder_sources())
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(sorted(unknown))}")
        sent = run_daily_reminders(day, only=only, enqueue_email=False)  # e-mails go out here, below
        failed = 0
        pending = Notification.objects.filter(
            emailed_at__isnull=True, recipient__notification_preference__by_email=True, key__endswith=day.isoformat()
        ).values_list("pk", flat=True)
        for pk in pending:
            try:
                notification_email(notification_id=pk)
            except EmailDeliveryError as exc:
                failed += 1
                self.stderr.write(f"e-mail of notification {pk} failed: {exc}")
        for name, n in sent.items():
            self.stdout.write(f"{name}: {n}")
        self.stdout.write(self.style.SUCCESS(f"{sum(sent.values())} reminders sent for {day}; {failed} e-mails failed"))
