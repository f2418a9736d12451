"""The Django admin, for the city union's administrators only."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class UnionAdminSite(admin.AdminSite):
    site_header = _("Nantong City Organ Union administration")
    site_title = _("Union portal administration")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        from members.scoping import scope_for

        user = request.user
        return bool(user.is_active and user.is_staff and scope_for(user).is_city_admin)


class UnionAdminConfig(AdminConfig):
    default_site = "nantong_union.admin.UnionAdminSite"
