from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_schedules(sender, **kwargs):
    from notifications.schedules import sync_schedules

    from .schedules import SCHEDULES

    sync_schedules(SCHEDULES)


class ReportsConfig(AppConfig):
    """The yearly report workbook: one sheet per app (members.registry.report_sheets), built by Celery."""

    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from members.registry import NavItem, register_nav_item

        city_admins_only = lambda scope, user: scope.is_city_admin  # noqa: E731
        register_nav_item(NavItem("reports", _("Reports"), "reports:index", city_admins_only, 90))
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="reports_sync_schedules")
