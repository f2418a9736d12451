from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    name = "voice"
    verbose_name = _("Staff voice and care")

    def ready(self):
        from members.countcache import also_changed_by
        from members.models import Role
        from members.registry import (
            NavItem,
            Section,
            register_dashboard_panel,
            register_demo_seeder,
            register_member_section,
            register_nav_item,
            register_unit_section,
        )
        from members.roles import add_role_permissions
        from notifications.reminders import register_reminder_source

        from . import sections
        from .demo import seed_demo
        from .models import Talk
        from .reminders import daily_source

        register_reminder_source("voice-overdue", daily_source)
        # The members-without-a-talk list keeps its total in the member count cache (issue #23): a talk
        # recorded or deleted makes it stale, as a member's change does.
        also_changed_by(Talk)
        # Unit officers keep the talk records of their own unit; the city administrator all of them.
        add_role_permissions(Role.UNIT_OFFICER, "voice.manage_talks")
        add_role_permissions(Role.CITY_ADMIN, "voice.manage_talks")
        register_nav_item(NavItem("voice", _("Staff voice"), "voice:index", lambda scope, user: True, 40))
        register_member_section(Section("voice_last_talk", "voice/sections/last_talk.html", sections.last_talk, 60))
        register_unit_section(
            Section("voice_unit_honours", "voice/sections/unit_honours.html", sections.unit_honours, 60)
        )
        register_dashboard_panel(
            Section("voice_overdue", "voice/sections/overdue_panel.html", sections.overdue_panel, 60)
        )
        register_demo_seeder(seed_demo, 60)
        from members.registry import register_personal_data_section

        from . import personal_data

        register_personal_data_section("voice", _("Suggestions and requests"), personal_data.item_rows, 60)
        from .retention import register as register_retention

        register_retention()  # the retention periods of docs/data-map.md (members.retention)
        from django.utils.translation import pgettext_lazy

        from members.audit import register_filter_label, unit_name

        from .models import Category, ItemKind, ItemStatus

        # The access record names an export's filters in Chinese (类型=投诉, not kind=complaint).
        register_filter_label("status", _("Status"), dict(ItemStatus.choices), app="voice")
        register_filter_label("category", _("Topic"), dict(Category.choices), app="voice")
        register_filter_label("kind", pgettext_lazy("voice item", "Kind"), dict(ItemKind.choices), app="voice")
        register_filter_label("addressee", _("Addressed to"), unit_name, app="voice")
        overdue = {"7": _("Unanswered 7 days or more"), "14": _("Unanswered 14 days or more")}
        register_filter_label("overdue", _("Overdue"), overdue, app="voice")
