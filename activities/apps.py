from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _dashboard_upcoming(request, scope):
    from .selectors import upcoming_for

    return {"activities": upcoming_for(actor=request.user)}


def _member_section(request, member):
    from .selectors import member_mentoring, member_registrations

    regs = list(member_registrations(actor=request.user, member=member)[:20])
    pairs = list(member_mentoring(actor=request.user, member=member))
    results = list(member.activity_results.select_related("activity").order_by("-activity__starts_at")[:20])
    return {"registrations": regs, "mentoring": pairs, "results": results, "member": member}


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
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

        from . import dashboard
        from .demo import seed_activities

        register_nav_item(NavItem("activities", _("Activities"), "activities:calendar", lambda scope, user: True, 20))
        register_nav_item(
            NavItem(
                "my_registrations",
                _("My registrations"),
                "activities:mine",
                lambda scope, user: bool(scope.member_id),
                21,
            )
        )
        charts = "dashboard/charts_panel.html"
        register_dashboard_panel(Section("activities_charts", charts, dashboard.dashboard_panel, 11))
        register_dashboard_panel(
            Section("activities_upcoming", "activities/panel_upcoming.html", _dashboard_upcoming, 20)
        )
        register_member_section(Section("activities", "activities/member_section.html", _member_section, 20))
        register_demo_seeder(seed_activities, order=20)
        from members.registry import register_personal_data_section

        from . import personal_data

        register_personal_data_section("registrations", _("Registrations"), personal_data.registration_rows, 20)
        register_personal_data_section("results", _("Contest results"), personal_data.result_rows, 21)

        from notifications.reminders import register_reminder_source

        from . import reminders

        register_reminder_source("activities-closing", reminders.registration_closing)
        register_reminder_source("activities-tomorrow", reminders.starting_tomorrow)

        from . import reports

        register_report_sheet(
            ReportSheet("activities", _("Activities and participation"), reports.activities_sheet, 20)
        )
        from members.registry import register_training_source

        from .retention import register as register_retention
        from .training import attended_trainings

        register_training_source(attended_trainings)  # care's training hours count check-ins at training classes
        register_retention()  # the retention periods of docs/data-map.md (members.retention)
        from members.audit import register_filter_label

        from .models import ActivityKind, EntryStatus

        # The access record names an export's filters in Chinese (状态=候补, not status=waitlisted).
        register_filter_label("status", _("Status"), dict(EntryStatus.choices), app="activities")
        register_filter_label("kind", _("Kind"), dict(ActivityKind.choices), app="activities")
        register_filter_label(
            "when", _("When"), {"upcoming": _("Upcoming"), "past": _("Past"), "all": _("All")}, app="activities"
        )
