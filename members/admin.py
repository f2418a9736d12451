from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member, Organization, RoleAssignment, User


class ScopedAdminMixin:
    """Admin querysets go through the same scope rule as the pages."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.visible_to(request.user) if hasattr(qs, "visible_to") else qs


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ("username", "first_name", "is_active", "is_staff", "must_change_password", "last_login")
    fieldsets = (*UserAdmin.fieldsets, (None, {"fields": ("must_change_password",)}))


@admin.register(Organization)
class OrganizationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "parent", "sort_order", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name")


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "unit", "card_number", "id_number_masked", "employment_type", "status")
    list_filter = ("status", "employment_type", "unit__parent")
    search_fields = ("name", "card_number", "mobile")
    list_select_related = ("unit",)
    readonly_fields = ("id_number_masked",)
    raw_id_fields = ("user",)
    autocomplete_fields = ("unit",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organization", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__name")
    list_select_related = ("user", "organization")
