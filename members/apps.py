from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_groups(sender, **kwargs):
    from .roles import sync_role_groups

    sync_role_groups()


def _sync_retention_schedule(sender, **kwargs):
    from .schedules import sync_retention_schedule

    sync_retention_schedule()


def _name_the_second_factor_models() -> None:
    """django-otp names its apps and models in plain English (no gettext): the admin's permission
    pickers and history show them, so they get the portal's translated names."""
    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    apps.get_app_config("otp_totp").verbose_name = _("Second factor: authenticator app")
    apps.get_app_config("otp_static").verbose_name = _("Second factor: recovery codes")
    for model, one, many in (
        (TOTPDevice, _("authenticator app"), _("authenticator apps")),
        (StaticDevice, _("recovery code set"), _("recovery code sets")),
        (StaticToken, _("recovery code"), _("recovery codes")),
    ):
        model._meta.verbose_name, model._meta.verbose_name_plural = one, many


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
                lambda scope, user: scope.is_city_admin or scope.is_auditor,
                90,
            )
        )

        # Accounts and access (issue 16): transfers for officers (the records: the access record's tabs).
        register_nav_item(
            NavItem("transfers", _("Transfers"), "members:transfers", lambda scope, user: scope.is_officer, 12)
        )
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import security

        user_logged_in.connect(security.on_logged_in, dispatch_uid="members_login_log_in")
        user_login_failed.connect(security.on_login_failed, dispatch_uid="members_login_log_failed")
        user_logged_out.connect(security.on_logged_out, dispatch_uid="members_login_log_out")
        user_locked_out.connect(security.on_locked_out, dispatch_uid="members_login_log_locked")
        _name_the_second_factor_models()

        from . import privacy
        from .registry import register_personal_data_section

        register_personal_data_section("record", _("My record"), privacy.record_rows, 10)
        register_personal_data_section("history", _("Membership history"), privacy.history_rows, 11)
        register_personal_data_section("honours", _("Honours"), privacy.honour_rows, 12)
        register_personal_data_section("corrections", _("Correction requests"), privacy.correction_rows, 13)
