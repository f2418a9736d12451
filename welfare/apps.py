from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = _("Welfare")

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

        from . import dashboard, demo, sections

        register_nav_item(NavItem("welfare", _("Welfare"), "welfare:home", lambda scope, user: True, 40))
        register_member_section(Section("welfare", "welfare/_member_section.html", sections.member_section, 40))
        register_dashboard_panel(Section("welfare", "welfare/_dashboard_panel.html", sections.dashboard_panel, 40))
        charts = "dashboard/charts_panel.html"
        register_dashboard_panel(Section("welfare_charts", charts, dashboard.dashboard_panel, 13))
        register_demo_seeder(demo.seed, order=40)
        from members.registry import register_personal_data_section

        from . import personal_data

        register_personal_data_section("gifts", _("Gifts received"), personal_data.gift_rows, 40)

        from notifications.reminders import register_reminder_source

        from .reminders import festival_reminders

        register_reminder_source("festivals", festival_reminders)
        add_role_permissions(
            Role.CITY_ADMIN,
            "welfare.view_welfarepolicy",
            "welfare.change_welfarepolicy",
            "welfare.add_welfarepolicy",
            "welfare.view_categorycap",
            "welfare.change_categorycap",
            "welfare.view_festivalcap",
            "welfare.change_festivalcap",
            "welfare.add_festivalcap",
            "welfare.view_distribution",
        )

        from . import reports

        register_report_sheet(ReportSheet("welfare", _("Welfare spending against caps"), reports.welfare_sheet, 40))
        from members.audit import register_filter_label

        from .models import Category, DistributionStatus

        # The access record names an export's filters in Chinese (类别=生日慰问, not category=birthday).
        register_filter_label("category", _("Category"), dict(Category.choices), app="welfare")
        register_filter_label("status", _("Status"), dict(DistributionStatus.choices), app="welfare")
