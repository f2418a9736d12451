"""Survey results for 50,000 responses: the city's anonymous satisfaction survey, answered by 50,000 people
(about 5.5 answers each). The results (counts per option and rating, free texts) read in a fixed number of
grouped queries; the page and the unit filter timed as the city administrator sees them."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from bench.common import Context, Figure, measure_page, median_p95, timed, vacuum_analyze
from members.models import Member, Organization, OrganizationKind
from surveys import selectors, services
from surveys.models import Answer, QuestionKind, Respondent, Response, Survey

RESPONSES = 50_000
TITLE = "BENCH 工会工作满意度调查"


def _seed(admin) -> Survey:
    survey = Survey.objects.filter(title=TITLE).first()
    if survey and Response.objects.filter(survey=survey).count() >= RESPONSES:
        return survey
    if survey:
        survey.delete()
    now = timezone.now()
    city = Organization.objects.get(kind=OrganizationKind.CITY)
    survey = services.survey_create(
        actor=admin,
        owner=city,
        title=TITLE,
        anonymous=True,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=30),
        starter="satisfaction",
    )
    services.survey_publish(actor=admin, survey=survey)
    rng = random.Random(21)
    questions = list(survey.questions.prefetch_related("options"))
    people = list(Member.objects.order_by("pk").values_list("pk", "unit_id")[:RESPONSES])
    while len(people) < RESPONSES:
        people += people[: RESPONSES - len(people)]
    Respondent.objects.bulk_create(
        [Respondent(survey=survey, member_id=pk) for pk, _ in dict(people).items()], batch_size=5000
    )
    for start in range(0, RESPONSES, 5000):
        responses, answers = [], []
        for _pk, unit_id in people[start : start + 5000]:
            r = Response(survey=survey, unit_id=unit_id)
            responses.append(r)
            for q in questions:
                options = [o.pk for o in q.options.all()]
                base = {"response": r, "survey": survey, "unit_id": unit_id, "question": q}
                if q.kind == QuestionKind.SINGLE:
                    answers.append(Answer(option_id=rng.choice(options), **base))
                elif q.kind == QuestionKind.MULTIPLE:
                    picks = rng.sample(options, rng.randint(1, 2))
                    answers.extend(Answer(option_id=o, first=i == 0, **base) for i, o in enumerate(picks))
                elif q.kind == QuestionKind.RATING:
                    answers.append(Answer(value=rng.choice([2, 3, 4, 4, 5, 5]), **base))
                elif rng.random() < 0.1:
                    answers.append(Answer(text=rng.choice(["多组织活动", "改善食堂", "加强培训"]), **base))
        Response.objects.bulk_create(responses, batch_size=5000)
        Answer.objects.bulk_create(answers, batch_size=5000)
    vacuum_analyze()
    return survey


def run(ctx: Context) -> list[Figure]:
    admin = get_user_model().objects.get(username="admin")
    t = time.monotonic()
    survey = _seed(admin)
    seeded = time.monotonic() - t
    n = Response.objects.filter(survey=survey).count()
    median, p95 = median_p95(timed(lambda: selectors.results(actor=admin, survey=survey), 10))
    unit = Organization.objects.filter(kind="unit").order_by("sort_order").first()
    u_median, _ = median_p95(timed(lambda: selectors.results(actor=admin, survey=survey, unit_id=unit.pk), 10))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    page_median, page_p95, queries = measure_page(client, f"/surveys/{survey.pk}/results/", repeat=10)
    return [
        Figure(f"surveys: seed {n:,} responses", round(seeded, 1), "s"),
        Figure(f"survey results, {n:,} responses: median", median, "ms", "< 300"),
        Figure("  p95", p95, "ms"),
        Figure("  one unit's results (filter): median", u_median, "ms", "< 300"),
        Figure("  results page (charts + tables): median", page_median, "ms", "< 300"),
        Figure("  results page: queries", queries, "queries"),
    ]
