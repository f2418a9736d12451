from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _sees_files(scope, user) -> bool:
    # No permission query on every page: officers see the entry; the section itself checks the permission.
    return scope.is_officer


def _member_aid(request, member):
    from .selectors import member_grants

    grants = member_grants(actor=request.user, member=member)
    if grants is None:
        return None
    return {"grants": list(grants[:20]), "member": member}


def _dashboard(request, scope):
    from django.utils import timezone

    from .selectors import can_see_files, case_due_counts

    if not scope.is_officer or not can_see_files(request.user):
        return None
    return case_due_counts(actor=request.user, today=timezone.localdate())


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistance")

    def ready(self):
        from members.models import Role
        from members.registry import (
            NavItem,
            ReportSheet,
            Section,
            register_dashboard_panel,
            register_demo_seeder,
            register_member_section,
            register_nav_item,
            register_report_sheet,
        )
        from members.roles import add_role_permissions

        from . import dashboard
        from .demo import seed

        view = "assistance.view_hardshipcase"
        manage = "assistance.manage_case"
        add_role_permissions(Role.CITY_ADMIN, view, manage)
        add_role_permissions(Role.UNIT_OFFICER, view, manage)
        add_role_permissions(Role.ZONE_LEAD, view)
        register_nav_item(NavItem("assistance", _("Assistance"), "assistance:case_list", _sees_files, 30))
        register_member_section(Section("assistance", "assistance/_member_section.html", _member_aid, 30))
        register_dashboard_panel(Section("assistance", "assistance/_dashboard_panel.html", _dashboard, 30))
        charts = "dashboard/charts_panel.html"
        register_dashboard_panel(Section("assistance_charts", charts, dashboard.dashboard_panel, 12))
        register_demo_seeder(seed, 30)
        from members.registry import register_personal_data_section

        from . import personal_data

        register_personal_data_section("hardship_files", _("Hardship files"), personal_data.file_rows, 30)
        register_personal_data_section("aid", _("Aid received"), personal_data.grant_rows, 31)

        from notifications.reminders import register_reminder_source

        from . import reminders

        register_reminder_source("hardship-reviews", reminders.overdue_reviews)
        register_reminder_source("campaign-student-aid", reminders.student_aid_opens)
        register_reminder_source("campaign-winter", reminders.winter_warmth_starts)

        from . import reports

        register_report_sheet(ReportSheet("assistance", _("Hardship files and grants"), reports.assistance_sheet, 30))
        from .retention import register as register_retention

        register_retention()  # the retention periods of docs/data-map.md (members.retention)
        from members.audit import named, register_filter_label

        from .models import Campaign, Source, Status

        # The access record names an export's filters in Chinese (帮扶活动=2026年金秋助学, not campaign=3).
        register_filter_label("campaign", _("Campaign"), named(Campaign), app="assistance")
        register_filter_label("source", _("Source"), dict(Source.choices), app="assistance")
        register_filter_label("campaign_year", _("Campaign year"), app="assistance")
        register_filter_label("status", _("Status"), dict(Status.choices), app="assistance")
