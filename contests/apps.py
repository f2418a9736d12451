from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Works contests")

    def ready(self):
        from members.registry import (
            NavItem,
            Section,
            register_demo_seeder,
            register_member_section,
            register_nav_confinement,
            register_nav_item,
            register_personal_data_section,
            register_unit_section,
        )
        from notifications.reminders import register_reminder_source

        from . import demo, middleware, reminders, sections

        register_nav_item(
            NavItem(
                "contests", _("Contests"), "contests:list", lambda scope, user: bool(scope.member_id or scope.roles), 25
            )
        )
        # An outside expert's one menu item (a login without a member record or a role).
        register_nav_item(
            NavItem(
                "judging",
                _("Score sheets"),
                "contests:judging",
                lambda scope, user: not (scope.member_id or scope.roles),
                26,
            )
        )
        register_nav_confinement(middleware.nav_confinement)
        # The navbar is kept with the scope (members.scopecache): an expert's row added or removed changes it.
        from members import scopecache

        from .models import Expert

        scopecache.also_changed_by(Expert)
        register_member_section(Section("contests", "contests/_member_section.html", sections.member_section, 25))
        register_unit_section(Section("contests", "contests/_unit_section.html", sections.unit_section, 25))
        register_personal_data_section("contest_entries", _("Contest entries"), sections.personal_rows, 25)
        register_reminder_source("contests-judges", reminders.judges_pending)
        register_demo_seeder(demo.seed, order=25)
