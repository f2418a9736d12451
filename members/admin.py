from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from import_export.admin import ImportMixin
from import_export.formats.base_formats import XLSX
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AccessRecord,
    LoginEvent,
    Member,
    MembershipChange,
    Organization,
    RetentionPurge,
    RoleAssignment,
    TransferRequest,
    User,
)
from .resources import MemberResource


class ScopedAdminMixin:
    """Admin querysets go through the same scope rule as the pages (every app's admin uses this)."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.for_actor(request.user) if hasattr(qs, "for_actor") else qs


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


class SafeXLSX(XLSX):
    """xlsx only, refused before parsing when hostile (size, not a zip, zip bomb, XML entities)."""

    def create_dataset(self, in_stream):
        from .excel import check_xlsx, read_dataset

        data = in_stream if isinstance(in_stream, bytes) else bytes(in_stream)
        check_xlsx(data)
        return read_dataset(data)


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, ImportMixin, SimpleHistoryAdmin):
    """The same import as the portal's page (same resource, same checks), for administrators."""

    resource_classes = [MemberResource]
    import_formats = [SafeXLSX]

    def add_data_read_fail_error_to_form(self, form, e):
        from .excel import HostileFile

        if isinstance(e, HostileFile):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"actor": request.user, "mode": "update"}

    def has_import_permission(self, request):
        return request.user.has_perm("members.import_member")

    list_display = ("name", "unit", "card_number", "id_number_masked", "employment_type", "status")
    list_filter = ("status", "employment_type", "unit__parent")
    search_fields = ("name", "card_number", "mobile")
    list_select_related = ("unit",)
    readonly_fields = ("id_number_masked",)
    raw_id_fields = ("user",)
    autocomplete_fields = ("unit",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "organization", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organization__name")
    list_select_related = ("user", "organization")


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Records nobody edits: what was viewed, exported or changed, and by whom."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "app", "what", "target_ref", "unit", "rows", "ip_address")
    list_filter = ("action", "app")
    search_fields = ("actor__username", "what", "target_ref")
    list_select_related = ("actor", "unit")
    date_hierarchy = "at"


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdmin):
    list_display = ("on", "member", "kind", "from_unit", "to_unit", "reason", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("member__name", "member__card_number")
    list_select_related = ("member", "from_unit", "to_unit", "recorded_by")


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "kind", "by", "ip_address")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    list_select_related = ("by",)
    date_hierarchy = "at"


@admin.register(RetentionPurge)
class RetentionPurgeAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "table_name", "cutoff", "rows", "finished_at")


@admin.register(TransferRequest)
class TransferRequestAdmin(ReadOnlyAdmin):
    """Transfers are started and decided on the portal's pages (two steps, two units)."""

    list_display = ("started_at", "member", "from_unit", "to_unit", "state", "decided_at")
    list_filter = ("state",)
    search_fields = ("member__name", "member__card_number")
    list_select_related = ("member", "from_unit", "to_unit")


def _unregister_otp_devices() -> None:
    """Second factors are enrolled by their owner and reset by a city administrator on the portal
    (recorded there): the admin must not plant or change one (django-otp registers its device admins)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (TOTPDevice, StaticDevice):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_otp_devices()
