"""URL-matrix objects of the knowledge contests: unit A's subject and its ranked knowledge contest, with
member_a's attempt in progress."""

from __future__ import annotations

from quiz import services
from tests.quiz.factories import QuizFactory, bank


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    subject = bank(officer_a, tree["a"])
    quiz = QuizFactory(organizer=tree["a"])
    services.rules_set(actor=officer_a, quiz=quiz, rules=[(subject, "single", 2, 5), (subject, "true_false", 2, 5)])
    attempt = services.attempt_start(actor=member_a, quiz=quiz)
    ids.update(quiz_subject=subject.pk, quiz=quiz.pk, attempt=attempt.pk)
