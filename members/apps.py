from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, **kwargs):
    from .roles import sync_role_groups

    sync_role_groups()


def _sync_retention_schedule(sender, **kwargs):
    from .schedules import sync_retention_schedule

    sync_retention_schedule()


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # After every migrate (each app's permissions exist by then), the role groups exist
        # with their default permissions.
        post_migrate.connect(_sync_groups, dispatch_uid="members_sync_role_groups")
        # The retention job's weekly schedule, created switched off (members.schedules).
        post_migrate.connect(_sync_retention_schedule, sender=self, dispatch_uid="members_sync_retention_schedule")
        from . import countcache, scopecache

        scopecache.connect()  # kept scopes go stale when roles, units or members' logins change
        countcache.connect()  # kept member counts go stale when members or units change
        from .retention import register_members_rules

        register_members_rules()
        from . import dashboard, reports
        from .registry import (
            NavItem,
            ReportSheet,
            Section,
            register_dashboard_panel,
            register_nav_item,
            register_report_sheet,
        )

        register_dashboard_panel(Section("members", "dashboard/charts_panel.html", dashboard.dashboard_panel, 10))

        register_nav_item(NavItem("members", _("Members"), "members:list", lambda scope, user: scope.is_officer, 10))
        register_nav_item(NavItem("units", _("Units"), "members:unit_list", lambda scope, user: scope.is_officer, 11))

        register_report_sheet(ReportSheet("roster", _("Roster summary by unit"), reports.roster_sheet, 10))
        register_report_sheet(ReportSheet("committees", _("Committees and terms"), reports.committees_sheet, 50))
        # The access record: city administrators only (the page checks the permission too).
        register_nav_item(
            NavItem(
                "access_records",
                _("Access record"),
                "members:access_records",
                lambda scope, user: scope.is_city_admin,
                90,
            )
        )

        from . import privacy
        from .registry import register_personal_data_section

        register_personal_data_section("record", _("My record"), privacy.record_rows, 10)
        register_personal_data_section("history", _("Membership history"), privacy.history_rows, 11)
        register_personal_data_section("honours", _("Honours"), privacy.honour_rows, 12)
