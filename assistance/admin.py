"""Admin for the city union's administrators: only the rule data lives here; files go through the pages
(which apply the scope, the workflow and the access log)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import RecuperationRule


@admin.register(RecuperationRule)
class RecuperationRuleAdmin(SimpleHistoryAdmin):
    list_display = ("min_years_between",)

    def has_add_permission(self, request):
        return not RecuperationRule.objects.exists() and super().has_add_permission(request)
