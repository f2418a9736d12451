"""Reminders to those who have not answered: once per survey and person, two days before it ends. The text
names the survey only: nothing about anyone's answers (nor who else has answered)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import CURRENT_STATUSES
from members.models import Member
from notifications.reminders import Reminder

from .models import Respondent, Survey, SurveyStatus

DAYS_BEFORE = 2


def not_answered(today: date) -> Iterator[Reminder]:
    start = timezone.make_aware(datetime.combine(today, time.min))
    window_end = start + timedelta(days=DAYS_BEFORE + 1)
    surveys = Survey.objects.filter(
        status=SurveyStatus.PUBLISHED,
        starts_at__lt=start + timedelta(days=1),
        ends_at__gt=start,
        ends_at__lt=window_end,
    ).select_related("owner")
    for survey in surveys:
        owner = survey.owner
        audience = Q() if owner.kind == "city" else Q(unit=owner) | Q(unit__parent=owner)
        users = (
            Member.objects.filter(audience, status__in=CURRENT_STATUSES, user__is_active=True)
            .exclude(pk__in=Respondent.objects.filter(survey=survey).values("member_id"))
            .values_list("user_id", flat=True)
        )
        title = _("Please answer the survey “%(title)s” by %(date)s") % {
            "title": survey.title,
            "date": f"{timezone.localtime(survey.ends_at):%Y-%m-%d %H:%M}",
        }
        url = reverse("surveys:answer", args=[survey.pk])
        end = timezone.localtime(survey.ends_at).date()
        for user_id in users.iterator():
            yield Reminder("survey_not_answered", user_id, f"survey:{survey.pk}", end, title, "", url)
