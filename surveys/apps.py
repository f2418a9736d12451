from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_schedules(sender, **kwargs):
    from notifications.schedules import sync_schedules

    from .schedules import SCHEDULES

    sync_schedules(SCHEDULES)


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from members.registry import (
            NavItem,
            Section,
            register_dashboard_panel,
            register_demo_seeder,
            register_gift_suggestion_source,
            register_member_section,
            register_nav_item,
            register_personal_data_section,
        )
        from notifications.reminders import register_reminder_source

        from . import gifts, sections
        from .demo import seed_demo
        from .reminders import not_answered

        register_nav_item(NavItem("surveys", _("Surveys"), "surveys:list", lambda scope, user: True, 46))
        register_member_section(Section("surveys_named", "surveys/sections/named.html", sections.named_answers, 70))
        register_dashboard_panel(Section("surveys_panel", "surveys/sections/panel.html", sections.dashboard_panel, 71))
        register_reminder_source("surveys-not-answered", not_answered)
        register_demo_seeder(seed_demo, 71)
        register_personal_data_section("surveys", _("Named survey answers"), sections.personal_rows, 71)
        # The winner of a closed gift-choice survey, offered to a welfare batch as its item.
        register_gift_suggestion_source(gifts.gift_suggestions)
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="surveys_sync_schedules")
