"""This app's sheet of a member's own-data download (members.registry)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Attempt


def attempt_rows(member) -> tuple[list, list[list]]:
    headers = [
        _("Knowledge contest"),
        _("Attempt"),
        _("Started at"),
        _("Submitted at"),
        _("Score"),
        _("Out of"),
        _("Right answers"),
    ]
    attempts = (
        Attempt.objects.via_parent().filter(member=member).select_related("quiz").order_by("started_at")
    )  # the own record
    return headers, [
        [a.quiz.title, a.number, a.started_at, a.submitted_at, a.score, a.max_score, a.correct] for a in attempts
    ]
