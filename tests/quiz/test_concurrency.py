"""1,000 people hand in their papers within the same second, against gunicorn on PostgreSQL: none is lost,
every one is scored exactly as its answers earn (the issue's "Concurrency"; the benchmark's burst)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from bench.cases.h_quiz import answers_for, make_quiz, prepare_attempts
from bench.loadtest import burst_post
from quiz.models import Attempt, Participant
from tests.activities.test_concurrency import ROOT, Server, _session_for
from tests.factories import MemberFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
PEOPLE = 1000


def test_1000_papers_handed_in_at_once_lose_nothing_and_score_right(require_postgres, tree):
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"quizconc{i}", password="!") for i in range(PEOPLE)])
    units = [tree["a"], tree["b"], tree["c"]]
    members = [MemberFactory(unit=units[i % 3], user=u) for i, u in enumerate(users)]
    quiz = make_quiz("并发交卷测试", tree["city"])
    prepared = prepare_attempts(quiz, members)
    requests, expected = [], {}
    for i, ((attempt, right), user) in enumerate(zip(prepared, users, strict=True)):
        body, k = answers_for(right, i % (len(right) + 1))
        expected[attempt.pk] = Decimal(10 * k)
        requests.append(
            (f"/quiz/attempts/{attempt.pk}/submit/", f"{settings.SESSION_COOKIE_NAME}={_session_for(user)}", body)
        )
    with Server() as server:
        burst = burst_post(f"http://127.0.0.1:{server.port}", requests)
    assert sorted(set(burst.statuses)) == [302], {s: burst.statuses.count(s) for s in set(burst.statuses)}
    got = dict(Attempt.objects.filter(quiz=quiz).values_list("pk", "score"))
    assert got == expected
    assert Participant.objects.filter(quiz=quiz, best_score__isnull=True).count() == 0
    rate = PEOPLE / burst.seconds
    line = f"{PEOPLE} papers handed in at once: none lost, all scored right; {burst.seconds:.2f} s, {rate:.0f} papers/s"
    print("\n" + line)
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    with open(ROOT / "test-artifacts" / "quiz-concurrency.txt", "a", encoding="utf-8") as f:
        f.write(line + "\n")
