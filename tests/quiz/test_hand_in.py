"""The hand-in's own path (issue #19): its look-ups compiled once per process (``quiz.compiled``) still refuse
everyone's attempt but the owner's, take each call's keys and see rows as they are now; it locks the attempt alone;
its one writing statement keeps the participant's best as the rule says."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from members.scoping import ScopeError, scope_enforced, scope_for, unscoped
from quiz import services
from quiz.compiled import CompiledQuery
from quiz.models import Attempt, PaperQuestion, Participant
from tests.contests.factories import entrant
from tests.factories import UserFactory

from .factories import QuizFactory, bank, right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(tree, city_admin):
    subject = bank(city_admin, tree["city"])
    q = QuizFactory(organizer=tree["city"], time_limit_minutes=10, attempts_allowed=3)
    services.rules_set(
        actor=city_admin, quiz=q, rules=[(subject, "single", 2, Decimal(5)), (subject, "true_false", 2, Decimal(5))]
    )
    return q


@pytest.mark.parametrize("intruder", ["colleague", "officer_a", "zone_lead", "city_admin", "login_without_member"])
def test_no_one_but_the_owner_hands_in_or_saves_an_attempt_whatever_else_they_may_read(quiz, tree, intruder, request):
    """The unit's officer, the zone's lead and the city's administrator read the owner's attempt (each has a
    member record of their own); a colleague and a login without a member record do not. None hands it in."""
    owner = entrant(tree["a"])
    attempt = services.attempt_start(actor=owner, quiz=quiz)
    if intruder == "colleague":
        actor = entrant(tree["a"])
    elif intruder == "login_without_member":
        actor = UserFactory()
    else:
        actor = request.getfixturevalue(intruder)
    with scope_enforced():
        with pytest.raises(Http404):
            services.answer_save(actor=actor, attempt_id=attempt.pk, position=1, values=[0])
        with pytest.raises(Http404):
            services.attempt_submit(actor=actor, attempt_id=attempt.pk, answers=right_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.paper.exclude(chosen="").exists()
    with scope_enforced():
        done = services.attempt_submit(actor=owner, attempt_id=attempt.pk, answers=right_answers(attempt))
    assert done.score == Decimal(20)


def test_the_compiled_look_ups_take_each_calls_keys_and_see_the_rows_as_they_are_now(quiz, tree):
    one, two = entrant(tree["a"]), entrant(tree["b"])
    first, second = (services.attempt_start(actor=u, quiz=quiz) for u in (one, two))
    m1, m2 = scope_for(one).member_id, scope_for(two).member_id
    with scope_enforced():
        assert services._OWN_OPEN_ATTEMPT.first(first.pk, m1).pk == first.pk
        assert services._OWN_OPEN_ATTEMPT.first(second.pk, m2).pk == second.pk
        assert services._OWN_OPEN_ATTEMPT.first(first.pk, m2) is None
        assert services._OWN_OPEN_ATTEMPT.first(second.pk, m1) is None
        services.answer_save(actor=one, attempt_id=first.pk, position=1, values=[1])
        sheet = {row.pk: row for row in services._MARKING_SHEET.rows(first.pk)}
        other = services._MARKING_SHEET.rows(second.pk)
    assert {row.attempt_id for row in other} == {second.pk}
    # The same values as the ORM reads (the JSON options decoded, the points a Decimal), the saved answer included.
    orm = list(first.paper.select_related("question"))
    assert sorted(sheet) == sorted(row.pk for row in orm)
    for row in orm:
        got = sheet[row.pk]
        assert (got.position, got.points, got.chosen) == (row.position, row.points, row.chosen)
        assert got.saved_at == row.saved_at
        assert (got.question.kind, got.question.options, got.question.answer) == (
            row.question.kind,
            row.question.options,
            row.question.answer,
        )
    assert sheet[orm[0].pk].chosen == next(r.chosen for r in orm if r.position == 1) != ""
    locked = services._own_attempt_locked(one, first.pk)
    assert (locked.deadline, locked.max_score, locked.participant_id) == (
        first.deadline,
        first.max_score,
        first.participant_id,
    )


def test_a_compiled_query_is_scoped_and_takes_its_keys_as_parameters():
    with scope_enforced():
        with pytest.raises(ScopeError):
            CompiledQuery(lambda pk: Attempt.objects.filter(pk=pk), keys=1).rows(1)
        with pytest.raises(ValueError, match="each key"):
            CompiledQuery(lambda pk: Attempt.objects.via_parent().filter(pk=5), keys=1).rows(1)
        with pytest.raises(TypeError):
            CompiledQuery(lambda pk: Attempt.objects.via_parent().filter(pk=pk), keys=1).rows("1 OR 1=1")


def test_a_hand_in_locks_its_attempt_alone_and_writes_in_one_statement(require_postgres, quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    answers = right_answers(attempt)
    with CaptureQueriesContext(connection) as ctx, scope_enforced():
        services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=answers)
    sql = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(sql) == 3, sql
    assert sql[0].endswith('FOR UPDATE OF "quiz_attempt"') and "quiz_quiz" not in sql[0]
    assert "FOR UPDATE" not in sql[1]
    assert sql[2].startswith("WITH v ") and '"quiz_attempt"' in sql[2] and '"quiz_participant"' in sql[2]


def test_the_best_stands_unless_beaten_or_equalled_in_less_time(quiz, tree):
    user = entrant(tree["a"])
    start = quiz.opens_at + timedelta(minutes=5)

    def take(offset_minutes: int, minutes: int, *, right: bool):
        with freeze_time(start + timedelta(minutes=offset_minutes)):
            attempt = services.attempt_start(actor=user, quiz=quiz)
        answers = right_answers(attempt) if right else {}
        with freeze_time(start + timedelta(minutes=offset_minutes + minutes)):
            return services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=answers)

    def best():
        p = Participant.objects.get(quiz=quiz)
        return p.best_score, p.best_seconds

    with unscoped("the test reads the participant's row"):
        take(0, 5, right=True)
        assert best() == (Decimal(20), 300)
        take(10, 7, right=True)  # the same score, slower: the best stands
        assert best() == (Decimal(20), 300)
        third = take(20, 2, right=True)  # the same score, faster: the new best
        assert best() == (Decimal(20), 120)
        p = Participant.objects.get(quiz=quiz)
    assert p.best_at == third.submitted_at and p.attempts_used == 3


def test_a_worse_attempt_leaves_the_best_and_a_paper_without_rows_is_still_scored(quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=right_answers(attempt))
    second = services.attempt_start(actor=user, quiz=quiz)
    with unscoped("the test empties the paper (the statement then has no VALUES list)"):
        PaperQuestion.objects.filter(attempt=second).delete()
    done = services.attempt_submit(actor=user, attempt_id=second.pk, answers={})
    assert done.submitted_at is not None and done.score == 0 and done.correct == 0
    with unscoped("the test reads the rows back"):
        second = Attempt.objects.get(pk=second.pk)
        participant = Participant.objects.get(quiz=quiz)
    assert (second.score, second.correct) == (0, 0)
    assert participant.best_score == Decimal(20)
