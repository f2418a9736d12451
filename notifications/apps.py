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
        from django.db.models.signals import post_save

        from members.registry import register_notifier

        from . import sources, unread
        from .models import Notification
        from .reminders import register_reminder_source
        from .services import members_notice

        register_notifier(members_notice)
        from members.retention import RetentionRule, register_retention_rule

        register_retention_rule(
            RetentionRule(
                "notifications",
                _("Notifications"),
                _("1 year"),
                sources.notifications_past_retention,
                unread.purge,
            )
        )  # members' own notices (a duplicate in another unit, corrections)

        unread.register()
        post_save.connect(unread._on_save, sender=Notification, dispatch_uid="notifications-unread-save")

        register_reminder_source("birthdays-upcoming", sources.upcoming_birthdays)
        register_reminder_source("birthdays-greeting", sources.birthday_greetings)
        register_reminder_source("birthdays-month", sources.birthday_month)
        register_reminder_source("committee-terms", sources.committee_terms)
        register_reminder_source("corrections-due", sources.corrections_due)
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="notifications_sync_schedules")
