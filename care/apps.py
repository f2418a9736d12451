from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CareConfig(AppConfig):
    name = "care"
    verbose_name = _("Care and self-service")

    def ready(self):
        from members.registry import NavItem, register_demo_seeder, register_nav_item
        from notifications.reminders import register_reminder_source

        from .demo import seed_demo
        from .reminders import counselling_source

        register_reminder_source("care-counselling", counselling_source)
        register_nav_item(NavItem("care", _("Care"), "care:counselling", lambda scope, user: True, 45))
        register_demo_seeder(seed_demo, 90)
