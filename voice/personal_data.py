"""This app's sheet of a member's own-data download (members.registry): the suggestions and requests
the member sent, with the answers. Heart-to-heart talk records are the officers' confidential notes
and are not included."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy


def item_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("Sent at"),
        pgettext_lazy("voice item", "Kind"),
        _("Topic"),
        _("Subject"),
        _("Text"),
        _("Addressed to"),
        _("Anonymous"),
        _("Status"),
        _("Answer"),
        _("Answered at"),
    ]
    # The member's own items, reached from the member record (which the download read through its scope).
    items = member.voice_items.select_related("addressee").order_by("created_at", "pk")
    rows = [
        [
            i.created_at,
            i.get_kind_display(),
            i.get_category_display(),
            i.subject,
            i.text,
            i.addressee.name,
            i.anonymous,
            i.get_status_display(),
            i.answer,
            i.answered_at,
        ]
        for i in items
    ]
    return headers, rows
