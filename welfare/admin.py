from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CategoryCap, Distribution, FestivalCap, Recipient, WelfarePolicy


class CategoryCapInline(admin.TabularInline):
    model = CategoryCap
    extra = 0


class FestivalCapInline(admin.TabularInline):
    model = FestivalCap
    extra = 0


@admin.register(WelfarePolicy)
class WelfarePolicyAdmin(SimpleHistoryAdmin):
    list_display = ("year", "province", "document", "include_retained", "include_non_establishment")
    list_filter = ("province",)
    inlines = [CategoryCapInline, FestivalCapInline]


class RecipientInline(admin.TabularInline):
    model = Recipient
    extra = 0
    can_delete = False
    fields = ("member", "amount", "included", "reason", "received_on", "received_by")
    readonly_fields = fields

    def get_queryset(self, request):
        return Recipient.objects.for_actor(request.user)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Distribution)
class DistributionAdmin(SimpleHistoryAdmin):
    """Read-only: batches change only through the portal's services (cap check, locks)."""

    list_display = ("date", "organization", "category", "festival", "item", "amount", "status")
    list_filter = ("status", "category", "festival")
    search_fields = ("item", "organization__name")
    list_select_related = ("organization",)
    inlines = [RecipientInline]

    def get_queryset(self, request):
        return Distribution.objects.for_actor(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
