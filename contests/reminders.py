"""Daily reminder: judges with score sheets left in a contest being judged (once a day per judge and contest)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.reminders import Reminder

from .models import ContestStatus, Judge


def judges_pending(today: date) -> Iterator[Reminder]:
    rows = (
        Judge.objects.filter(contest__status=ContestStatus.JUDGING, user__is_active=True)
        .annotate(left=Count("assignments", filter=Q(assignments__completed_at__isnull=True)))
        .filter(left__gt=0)
        .values_list("user_id", "contest_id", "contest__title", "left")
    )
    url = reverse("contests:judging")
    for user_id, contest_id, title, left in rows:
        yield Reminder(
            "contest_judge",
            user_id,
            f"contest:{contest_id}",
            today,
            _("Score sheets waiting: %(title)s") % {"title": title},
            ngettext("%(n)d sheet left to score.", "%(n)d sheets left to score.", left) % {"n": left},
            url,
        )
