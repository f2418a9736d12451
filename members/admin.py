from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    AccessRecord,
    ChoiceSynonym,
    LoginEvent,
    Member,
    MembershipChange,
    Organization,
    RetentionRun,
    RoleAssignment,
    TransferRequest,
    UnitHonour,
    User,
)


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


@admin.register(Member)
class MemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Members for administrators. Rosters are imported on the portal's import page (/members/import/),
    the one import with its checks, preview and confirmation."""

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


class SectionFilter(admin.SimpleListFilter):
    """The record's section by its name (会员, 活动 …), not the app's internal label."""

    title = _("section")
    parameter_name = "app"

    def lookups(self, request, model_admin):
        from django.apps import apps

        labels = {c.label: c.verbose_name for c in apps.get_app_configs()}
        return [(label, labels.get(label, label)) for label in sorted(labels) if label in SECTION_APPS]

    def queryset(self, request, queryset):
        return queryset.filter(app=self.value()) if self.value() else queryset


#: the apps that write access records
SECTION_APPS = {"members", "activities", "assistance", "welfare", "voice", "reports", "notifications"}


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "section", "what", "target_ref", "unit", "rows", "ip_address")
    list_filter = ("action", SectionFilter)

    @admin.display(description=_("section"), ordering="app")
    def section(self, obj):
        from django.apps import apps

        try:
            return apps.get_app_config(obj.app).verbose_name
        except LookupError:
            return obj.app

    search_fields = ("actor__username", "what", "target_ref")
    list_select_related = ("actor", "unit")
    date_hierarchy = "at"


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdmin):
    list_display = ("on", "member", "kind", "from_unit", "to_unit", "reason", "recorded_by")
    list_filter = ("kind",)
    search_fields = ("member__name", "member__card_number")
    list_select_related = ("member", "from_unit", "to_unit", "recorded_by")


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """Every run of the retention job (dry runs and real ones), with its report: read only."""

    list_display = ("started_at", "dry_run", "total", "started_by", "finished_at")
    list_filter = ("dry_run",)
    readonly_fields = ("started_at", "finished_at", "dry_run", "started_by", "report", "total", "cutoffs")


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "username", "kind", "by", "ip_address")
    list_filter = ("kind",)
    search_fields = ("username", "ip_address")
    list_select_related = ("by",)
    date_hierarchy = "at"


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


@admin.register(ChoiceSynonym)
class ChoiceSynonymAdmin(admin.ModelAdmin):
    """The spellings the roster import reads as a choice (男性 → 男, 党员 → 中共党员 …): the city
    administrator adds the ones officers use."""

    list_display = ("field", "text", "value_label")
    list_filter = ("field",)
    search_fields = ("text",)

    @admin.display(description=_("read as"))
    def value_label(self, obj):
        from .models import SYNONYM_CHOICES

        choices = SYNONYM_CHOICES.get(obj.field)
        return dict(choices.choices).get(obj.value, obj.value) if choices else obj.value

    def _city(self, request) -> bool:
        from .scoping import scope_for

        return scope_for(request.user).is_city_admin

    def has_module_permission(self, request):
        return self._city(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._city(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._city(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._city(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._city(request) and super().has_delete_permission(request, obj)


@admin.register(UnitHonour)
class UnitHonourAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """The unit honour roll (集体荣誉): the city administrators keep it (the voice app's pages do the same)."""

    list_display = ("unit", "title", "name", "level", "year")
    list_filter = ("title", "level", "year")
    search_fields = ("unit__name", "name")
    list_select_related = ("unit",)
