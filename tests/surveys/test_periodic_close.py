"""A survey closes when its end has passed: the periodic task (every 5 minutes) closes it by the same step as the
officer's button (an anonymous one mixed once more as a whole), once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import Response, SealedResponse, Survey, SurveyStatus
from surveys.tasks import close_ended_surveys_task
from tests.factories import MemberFactory, UserFactory

from .factories import answers_for, open_survey

pytestmark = pytest.mark.django_db


def test_the_task_closes_an_ended_survey_once(tree, officer_a, city_admin, django_capture_on_commit_callbacks):
    ended = open_survey(officer_a, tree["a"])
    running = open_survey(city_admin, tree["city"])
    people = [MemberFactory(unit=tree["a"], user=UserFactory(username=f"e{i}")) for i in range(7)]
    for i, p in enumerate(people):
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(actor=p.user, survey=ended, answers=answers_for(ended, i))
    assert SealedResponse.objects.count() == 2  # 5 written out while it ran, 2 wait for the next batch
    Survey.objects.filter(pk=ended.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert close_ended_surveys_task.apply().get() == 1
    before = set(Response.objects.filter(survey=ended).values_list("pk", flat=True))
    assert close_ended_surveys_task.apply().get() == 0  # a second run does nothing (nothing rewritten either)
    assert set(Response.objects.filter(survey=ended).values_list("pk", flat=True)) == before
    statuses = dict(Survey.objects.values_list("pk", "status"))
    assert statuses == {ended.pk: SurveyStatus.CLOSED, running.pk: SurveyStatus.PUBLISHED}
    # As the button does: every response written out, none with a person.
    assert SealedResponse.objects.count() == 0 and len(before) == 7
    assert not Response.objects.filter(member__isnull=False).exists()


def test_the_close_schedule_is_declared():
    from django_celery_beat.models import PeriodicTask

    from notifications.schedules import sync_schedules
    from surveys.schedules import SCHEDULES

    sync_schedules(SCHEDULES)
    task = PeriodicTask.objects.get(name="surveys-close-ended")
    assert task.task == "surveys.tasks.close_ended_surveys_task"
    assert (task.crontab.minute, task.crontab.hour) == ("*/5", "*")
