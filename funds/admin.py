"""The admin: the city administrator keeps the category list, the mapping of payment kinds and the dues rule
(data, not code); budgets and the ledger are read here, written on the funds pages."""

from django.apps import apps as django_apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Budget, Category, DuesRule, KindMapping, Posting


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "direction", "parent", "is_leaf", "sort_order")
    list_filter = ("direction",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)


@admin.register(KindMapping)
class KindMappingAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "category")
    list_select_related = ("category",)


@admin.register(DuesRule)
class DuesRuleAdmin(SimpleHistoryAdmin):
    list_display = ("from_year", "rate", "quantum", "rounding", "allocation_rate", "allocation_kept_share")


@admin.register(Budget)
class BudgetAdmin(SimpleHistoryAdmin):
    list_display = ("union", "year", "status", "version", "approved_on")
    list_filter = ("status", "year")
    list_select_related = ("union",)
    readonly_fields = [f.name for f in Budget._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).for_actor(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ("date", "union", "category", "amount", "payee", "voucher_number", "source_kind")
    list_filter = ("category__direction",)
    search_fields = ("payee", "voucher_number", "summary")
    list_select_related = ("union", "category")
    # The source as the officer knows it (「帮扶发放 #12」), not the app and model names it is stored by.
    readonly_fields = [
        *(f.name for f in Posting._meta.fields if f.name not in ("source_app", "source_model", "source_pk")),
        "source",
    ]

    @admin.display(description=_("posted from"))
    def source(self, obj):
        if not obj.source_app:
            return "—"
        try:
            model = django_apps.get_model(obj.source_app, obj.source_model)
        except LookupError:
            return f"{obj.source_app}.{obj.source_model} #{obj.source_pk}"
        return f"{model._meta.verbose_name} #{obj.source_pk}"

    def get_queryset(self, request):
        return super().get_queryset(request).for_actor(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
