"""The admin: the city union names its counselling coordinator and keeps the counsellors.

Bookings, legal-help requests and applications have no admin page: they are confidential and handled in the portal.
"""

from django.contrib import admin

from .models import CounsellingCoordinator, Counsellor


@admin.register(CounsellingCoordinator)
class CounsellingCoordinatorAdmin(admin.ModelAdmin):
    list_display = ("user", "named_on")
    raw_id_fields = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).for_actor(request.user)


@admin.register(Counsellor)
class CounsellorAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "qualification", "user", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    raw_id_fields = ("user",)
    exclude = ("organization",)

    def get_queryset(self, request):
        return super().get_queryset(request).for_actor(request.user)

    def save_model(self, request, obj, form, change):
        from members.models import Organization, OrganizationKind

        if not obj.organization_id:
            obj.organization = Organization.objects.filter(kind=OrganizationKind.CITY).first()
        super().save_model(request, obj, form, change)
