"""Factories and helpers for the knowledge contest tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from quiz import services
from quiz.models import Question, Quiz


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz

    title = factory.Sequence(lambda n: f"知识竞赛{n}")
    mode = "contest"
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    time_limit_minutes = 20
    attempts_allowed = 1


def bank(actor, organizer, *, singles=6, multiples=3, true_false=6, name="工会知识"):
    """A subject with questions whose right answers are: single → option 0, multiple → 0 and 2, true/false → 正确."""
    subject = services.subject_create(actor=actor, organizer=organizer, name=name)
    rows = [
        Question(subject=subject, kind="single", text=f"单选{i}", options=["对", "错1", "错2", "错3"], answer="0")
        for i in range(singles)
    ]
    rows += [
        Question(subject=subject, kind="multiple", text=f"多选{i}", options=["对", "错", "对", "错"], answer="0,2")
        for i in range(multiples)
    ]
    rows += [
        Question(subject=subject, kind="true_false", text=f"判断{i}", options=["正确", "错误"], answer="0")
        for i in range(true_false)
    ]
    Question.objects.bulk_create(rows)
    return subject


def right_answers(attempt) -> dict[int, list[int]]:
    """position → the right options of the attempt's paper."""
    return {
        row.position: [int(x) for x in row.question.answer.split(",")]
        for row in attempt.paper.select_related("question")
    }
