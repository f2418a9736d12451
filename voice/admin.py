"""The admin: suggestions, with the sender hidden from everyone but superusers (the unit honours' admin moved
to members with their model).

Talk records are confidential and have no admin page at all.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import VoiceItem


@admin.register(VoiceItem)
class VoiceItemAdmin(admin.ModelAdmin):
    list_display = ("subject", "kind", "category", "addressee", "status", "anonymous", "created_at")
    list_filter = ("status", "kind", "category", "anonymous")
    search_fields = ("subject",)
    list_select_related = ("addressee",)
    exclude = ("sender", "answered_by", "attachment_name")
    readonly_fields = ("sender_unit", "addressee", "attachment", "first_answered_at")

    def get_queryset(self, request):
        return super().get_queryset(request).for_actor(request.user)

    def get_readonly_fields(self, request, obj=None):
        # The sender, and the original file name (which could name an anonymous sender): superusers only.
        if request.user.is_superuser:
            return ("sender_name", "original_attachment_name", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description=_("sender"))
    def sender_name(self, obj):
        return obj.sender.name if obj and obj.sender_id else "—"

    @admin.display(description=_("attachment name"))
    def original_attachment_name(self, obj):
        return obj.attachment_name if obj else ""

    def has_add_permission(self, request):
        return False
