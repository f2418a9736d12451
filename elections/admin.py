"""The rule figures in the admin (city administrators). Ballots, the roll and the has-voted list are not in
the admin at all: nobody browses them row by row."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from members.admin import ScopedAdminMixin

from .models import Election, ElectionRules


@admin.register(ElectionRules)
class ElectionRulesAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "in_force",
        "margin_percent",
        "quorum_numerator",
        "quorum_denominator",
        "majority_numerator",
        "majority_denominator",
        "term_years",
        "max_rounds",
    )


@admin.register(Election)
class ElectionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Read-only: elections change through their steps on the portal's pages."""

    list_display = ("title", "unit", "kind", "status", "vote_date")
    list_filter = ("status", "kind")
    search_fields = ("title", "unit__name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
