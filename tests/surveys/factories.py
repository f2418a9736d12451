from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from surveys import services


def open_survey(actor, owner, *, anonymous=True, starter="satisfaction", title="满意度调查"):
    now = timezone.now()
    survey = services.survey_create(
        actor=actor,
        owner=owner,
        title=title,
        anonymous=anonymous,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=3),
        starter=starter,
    )
    services.survey_publish(actor=actor, survey=survey)
    survey.refresh_from_db()
    return survey


def answers_for(survey, pick=0, text="建议多组织活动"):
    out = {}
    for q in survey.questions.prefetch_related("options"):
        options = [o.pk for o in q.options.all()]
        if q.kind == "single":
            out[q.pk] = options[pick % len(options)]
        elif q.kind == "multiple":
            out[q.pk] = options[: 1 + pick % 2]
        elif q.kind == "rating":
            out[q.pk] = 1 + pick % q.scale_max
        else:
            out[q.pk] = text
    return out
