"""Demo data of the surveys app (idempotent): an anonymous satisfaction survey of the city union and a named
gift-choice survey of 市财政局, both with responses."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from members.fields import encrypt_text
from members.models import Member, Organization, OrganizationKind

from . import services
from .models import Answer, QuestionKind, Respondent, SealedResponse, Survey


def _answers(survey, rng) -> list[dict]:
    rows = []
    for q in survey.questions.prefetch_related("options"):
        options = [o.pk for o in q.options.all()]
        if q.kind == QuestionKind.SINGLE:
            rows.append({"q": q.pk, "o": rng.choice(options)})
        elif q.kind == QuestionKind.MULTIPLE:
            rows.extend({"q": q.pk, "o": o} for o in rng.sample(options, rng.randint(1, 3)))
        elif q.kind == QuestionKind.RATING:
            rows.append({"q": q.pk, "v": rng.choice([3, 4, 4, 5, 5])})
        elif rng.random() < 0.3:
            rows.append(
                {"q": q.pk, "t": rng.choice(["希望多组织健步走活动", "建议增加心理健康讲座", "食堂可以再改进"])}
            )
    return rows


def seed_demo(*, stdout, rng) -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None or Survey.objects.filter(title__endswith="（演示）").exists():
        return
    now = timezone.now()
    city = Organization.objects.filter(kind=OrganizationKind.CITY).first()
    finance = Organization.objects.filter(name="市财政局").first() or Organization.objects.filter(kind="unit").first()
    anonymous = services.survey_create(
        actor=admin,
        owner=city,
        title="2026年度工会工作满意度调查（演示）",
        anonymous=True,
        starts_at=now - timedelta(days=5),
        ends_at=now + timedelta(days=10),
        starter="satisfaction",
    )
    named = services.survey_create(
        actor=admin,
        owner=finance,
        title="端午节慰问品征求意见（演示）",
        anonymous=False,
        starts_at=now - timedelta(days=3),
        ends_at=now + timedelta(days=1),
        starter="gift",
    )
    for survey in (anonymous, named):
        services.survey_publish(actor=admin, survey=survey)
    people = list(Member.objects.filter(status="active").order_by("card_number")[:60])
    for m in people:
        Respondent.objects.create(survey=anonymous, member=m)
        SealedResponse.objects.create(
            survey=anonymous, sealed=encrypt_text(json.dumps({"u": m.unit_id, "a": _answers(anonymous, rng)}))
        )
    services.mix_pending(survey_id=anonymous.pk)
    for m in Member.objects.filter(unit=finance, status="active").order_by("card_number")[:15]:
        Respondent.objects.create(survey=named, member=m)
        response, answers = services._write(named.pk, m.unit_id, m.pk, _answers(named, rng))
        response.save()
        Answer.objects.bulk_create(answers)
    stdout.write(f"Surveys: {anonymous.title}, {named.title}.")
