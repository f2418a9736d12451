from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_schedules(sender, **kwargs):
    from .schedules import sync_schedules

    sync_schedules()


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import sources
        from .reminders import register_reminder_source

        register_reminder_source("birthdays-upcoming", sources.upcoming_birthdays)
        register_reminder_source("birthdays-greeting", sources.birthday_greetings)
        register_reminder_source("birthdays-month", sources.birthday_month)
        register_reminder_source("committee-terms", sources.committee_terms)
        from members.registry import register_account_notifier

        from .services import account_notice

        register_account_notifier(account_notice)
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="notifications_sync_schedules")
