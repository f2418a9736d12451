"""This app's sheet of a member's own-data download (members.registry): the gifts received."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import DistributionStatus


def gift_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("Date"),
        _("Category"),
        _("Festival"),
        _("Item"),
        _("Form"),
        _("Amount (yuan)"),
        _("Received on"),
        _("Received on behalf by"),
    ]
    gifts = (
        # The member's own rows, reached from the member (the own-data download reads the own record).
        member.gifts.filter(included=True, distribution__status=DistributionStatus.CONFIRMED)
        .select_related("distribution")
        .order_by("distribution__date", "pk")
    )
    rows = [
        [
            g.distribution.date,
            g.distribution.get_category_display(),
            g.distribution.get_festival_display() if g.distribution.festival else "",
            g.distribution.item,
            g.distribution.get_form_display(),
            g.amount,
            g.received_on,
            g.received_by,
        ]
        for g in gifts
    ]
    return headers, rows
