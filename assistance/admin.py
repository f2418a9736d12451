"""Admin for the city union's administrators: only the rule data lives here; files go through the pages
(which apply the scope, the workflow and the access log)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import NoticeRule, RecuperationRule, WorkdayAdjustment


@admin.register(RecuperationRule)
class RecuperationRuleAdmin(SimpleHistoryAdmin):
    list_display = ("min_years_between",)

    def has_add_permission(self, request):
        return not RecuperationRule.objects.exists() and super().has_add_permission(request)


@admin.register(NoticeRule)
class NoticeRuleAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "min_working_days", "updated_at")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not NoticeRule.objects.exists()


@admin.register(WorkdayAdjustment)
class WorkdayAdjustmentAdmin(admin.ModelAdmin):
    list_display = ("day", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "day"
