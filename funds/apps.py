from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "funds"
    verbose_name = _("Union funds and dues")

    def ready(self):
        from members.ledger import register_ledger
        from members.models import Role
        from members.registry import (
            NavItem,
            ReportSheet,
            Section,
            register_demo_seeder,
            register_member_section,
            register_nav_item,
            register_personal_data_section,
            register_report_sheet,
        )
        from members.roles import add_role_permissions

        from . import sections, services
        from .demo import seed_demo
        from .reports import funds_sheet

        # Other apps post their payments through members.ledger; this app keeps the ledger.
        register_ledger(post=services.handle_post, post_many=services.handle_post_many, reverse=services.handle_reverse)
        add_role_permissions(
            Role.CITY_ADMIN,
            "funds.view_category",
            "funds.change_category",
            "funds.view_kindmapping",
            "funds.change_kindmapping",
            "funds.view_duesrule",
            "funds.add_duesrule",
            "funds.change_duesrule",
            "funds.view_budget",
            "funds.view_posting",
        )
        register_nav_item(NavItem("funds", _("Funds"), "funds:index", sections.nav_visible, 48))
        register_member_section(Section("funds_dues", "funds/sections/member_dues.html", sections.member_dues, 80))
        register_report_sheet(ReportSheet("funds", _("Union funds"), funds_sheet, 80))
        register_personal_data_section("funds", _("Dues paid"), sections.personal_rows, 80)
        register_demo_seeder(seed_demo, 80)
