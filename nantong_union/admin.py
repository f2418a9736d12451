"""The Django admin, for the city union's administrators only."""

import functools

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class UnionAdminSite(admin.AdminSite):
    site_header = _("Nantong City Organ Union administration")
    site_title = _("Union portal administration")
    index_title = _("Administration")

    def has_permission(self, request) -> bool:
        from members.scoping import scope_for
        from members.security import second_factor_required

        user = request.user
        if not (user.is_active and user.is_staff and scope_for(user).is_city_admin):
            return False
        # The admin is behind the same second factor as the portal's pages.
        return not second_factor_required(user) or getattr(user, "is_verified", lambda: False)()

    def admin_view(self, view, cacheable=False):
        """The admin's own machinery (foreign-key widgets, list filters, inlines, history) reads the
        default managers; it serves city administrators only, who read every unit anyway. The
        change lists still go through ``for_actor`` (members.admin.ScopedAdminMixin)."""
        from members.scoping import unscoped

        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def for_city_admins(request, *args, **kwargs):
            if not self.has_permission(request):
                return inner(request, *args, **kwargs)
            with unscoped("the Django admin serves city administrators only, who read every unit"):
                return inner(request, *args, **kwargs)

        return for_city_admins


class UnionAdminConfig(AdminConfig):
    default_site = "nantong_union.admin.UnionAdminSite"

    def ready(self):
        super().ready()
        from .admin_zh import install

        install()
