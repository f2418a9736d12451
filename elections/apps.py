from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_schedules(sender, **kwargs):
    from notifications.schedules import sync_schedules

    from .schedules import SCHEDULES

    sync_schedules(SCHEDULES)


class ElectionsConfig(AppConfig):
    name = "elections"
    verbose_name = _("Elections")

    def ready(self):
        from members.models import Role
        from members.registry import (
            NavItem,
            Section,
            register_dashboard_panel,
            register_demo_seeder,
            register_nav_item,
            register_personal_data_section,
            register_unit_section,
        )
        from members.roles import add_role_permissions
        from notifications.reminders import register_reminder_source

        from . import personal_data, reminders, sections
        from .demo import seed_demo

        add_role_permissions(
            Role.CITY_ADMIN,
            "elections.view_electionrules",
            "elections.change_electionrules",
            "elections.view_election",
        )
        register_nav_item(NavItem("elections", _("Elections"), "elections:list", lambda scope, user: True, 45))
        register_unit_section(Section("elections_unit", "elections/sections/unit.html", sections.unit_elections, 70))
        register_dashboard_panel(
            Section("elections_panel", "elections/sections/panel.html", sections.dashboard_panel, 70)
        )
        # The term-end reminder of notifications, its link turned to "start the election" (same kind and key).
        register_reminder_source("committee-terms", reminders.committee_terms)
        register_reminder_source("election-deadlines", reminders.step_deadlines)
        register_demo_seeder(seed_demo, 70)
        register_personal_data_section("elections", _("Elections"), personal_data.rows, 70)
        post_migrate.connect(_sync_schedules, sender=self, dispatch_uid="elections_sync_schedules")
