"""Knowledge contests: the bank import, papers drawn by rule, answers saved as one goes, the server's clock,
scoring, attempts allowed, and the leaderboards."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quiz import bank as bank_module
from quiz import services
from quiz.models import Participant, Question
from tests.contests.factories import entrant

from .factories import QuizFactory, bank, right_answers

pytestmark = pytest.mark.django_db


def _xlsx(rows, headers=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or bank_module.headers())
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def subject(tree, city_admin):
    return services.subject_create(actor=city_admin, organizer=tree["city"], name="安全生产")


def test_the_template_imports_as_it_is(subject, city_admin):
    outcome = services.questions_import(actor=city_admin, subject=subject, data=bank_module.template_bytes())
    assert outcome.ok and outcome.created == 3
    kinds = dict(subject.questions.values_list("kind", "answer"))
    assert kinds == {"single": "0", "multiple": "0,1,3", "true_false": "1"}


def test_a_bad_row_names_its_row_and_column_and_nothing_is_saved(subject, city_admin):
    good = ["单选", "题一", "甲", "乙", "", "", "", "", "A", ""]
    rows = [
        good,
        ["单选", "题二", "甲", "乙", "", "", "", "", "C", ""],
        ["填空", "题三", "", "", "", "", "", "", "", ""],
        ["多选", "题四", "甲", "乙", "丙", "", "", "", "A", ""],
        ["判断", "题五", "", "", "", "", "", "", "也许", ""],
    ]
    outcome = services.questions_import(actor=city_admin, subject=subject, data=_xlsx(rows))
    assert not outcome.ok and subject.questions.count() == 0
    where = {(e.row, e.column) for e in outcome.errors}
    assert (3, "答案") in where and (4, "题型") in where and (5, "答案") in where and (6, "答案") in where
    assert all(e.row != 2 for e in outcome.errors)
    assert "第 3 行“答案”列" in str(next(e for e in outcome.errors if e.row == 3))


def test_a_file_that_is_no_xlsx_is_refused_with_a_message(subject, city_admin):
    outcome = services.questions_import(actor=city_admin, subject=subject, data=b"not a spreadsheet")
    assert not outcome.ok and outcome.errors[0].message


CELL_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.lists(
            st.one_of(
                st.none(),
                CELL_TEXT,
                st.sampled_from(["单选", "多选", "判断", "A", "AC", "正确"]),
                st.integers(-5, 5),
                st.floats(allow_nan=False, allow_infinity=False),
            ),
            min_size=10,
            max_size=10,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_typed_rows_import_cleanly_or_are_refused_row_by_row(subject, city_admin, rows):
    before = Question.objects.count()
    outcome = services.questions_import(actor=city_admin, subject=subject, data=_xlsx(rows))
    if outcome.ok:
        assert Question.objects.count() == before + outcome.created
        for q in Question.objects.order_by("-pk")[: outcome.created]:
            right = [int(x) for x in q.answer.split(",")]
            assert right and all(0 <= i < len(q.options) for i in right)
    else:
        assert Question.objects.count() == before
        assert all(e.message for e in outcome.errors)


@pytest.fixture
def quiz(tree, city_admin):
    subject = bank(city_admin, tree["city"])
    q = QuizFactory(organizer=tree["city"], time_limit_minutes=10, attempts_allowed=2)
    services.rules_set(
        actor=city_admin,
        quiz=q,
        rules=[
            (subject, "single", 4, Decimal(5)),
            (subject, "multiple", 2, Decimal(10)),
            (subject, "true_false", 4, Decimal(5)),
        ],
    )
    return q


def test_a_paper_is_drawn_by_rule_and_scored_and_the_best_of_two_counts(quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    kinds = sorted(attempt.paper.values_list("question__kind", flat=True))
    assert kinds.count("single") == 4 and kinds.count("multiple") == 2 and kinds.count("true_false") == 4
    assert attempt.max_score == Decimal(60)
    answers = right_answers(attempt)
    first = min(answers)
    answers[first] = [3 - answers[first][0]] if len(answers[first]) == 1 else [1]  # one wrong answer
    done = services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=answers)
    assert done.correct == 9 and done.score < Decimal(60)
    second = services.attempt_start(actor=user, quiz=quiz)
    assert second.number == 2
    services.attempt_submit(actor=user, attempt_id=second.pk, answers=right_answers(second))
    participant = Participant.objects.get(quiz=quiz)
    assert participant.best_score == Decimal(60) and participant.attempts_used == 2
    with pytest.raises(ValidationError):
        services.attempt_start(actor=user, quiz=quiz)


def test_submitting_twice_changes_nothing(quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    first = services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=right_answers(attempt))
    again = services.attempt_submit(actor=user, attempt_id=attempt.pk, answers={})
    assert again.score == first.score == Decimal(60)


def test_answers_saved_as_one_goes_survive_a_lost_connection_and_the_clock_is_the_servers(quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    answers = right_answers(attempt)
    for position, values in list(answers.items())[:5]:
        assert services.answer_save(actor=user, attempt_id=attempt.pk, position=position, values=values)
    # The phone drops out; the time runs out; the page is never handed in. What was saved counts.
    with freeze_time(attempt.deadline + timedelta(minutes=2)):
        assert not services.answer_save(actor=user, attempt_id=attempt.pk, position=6, values=answers[6])
        late = services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=answers)
    assert late.correct == 5


def test_the_sweep_scores_attempts_whose_time_ran_out(quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    row = attempt.paper.order_by("position").first()
    services.answer_save(
        actor=user, attempt_id=attempt.pk, position=row.position, values=right_answers(attempt)[row.position]
    )
    assert services.attempts_expire(now=attempt.deadline + timedelta(minutes=5)) == 1
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.correct == 1


def test_another_persons_attempt_is_404_for_saving_and_submitting(quiz, tree):
    owner, intruder = entrant(tree["a"]), entrant(tree["a"])
    attempt = services.attempt_start(actor=owner, quiz=quiz)
    c = Client()
    c.force_login(intruder)
    assert c.post(reverse("quiz:answer", args=[attempt.pk]), {"position": 1, "q1": "0"}).status_code == 404
    assert c.post(reverse("quiz:submit", args=[attempt.pk]), {"q1": "0"}).status_code == 404
    assert c.get(reverse("quiz:attempt", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not attempt.paper.exclude(chosen="").exists()
    own = Client()
    own.force_login(owner)
    assert own.post(reverse("quiz:answer", args=[attempt.pk]), {"position": 1, "q1": "0"}).status_code == 204


def test_the_paper_page_never_carries_the_answer_key(quiz, tree):
    user = entrant(tree["a"])
    attempt = services.attempt_start(actor=user, quiz=quiz)
    c = Client()
    c.force_login(user)
    page = c.get(reverse("quiz:attempt", args=[attempt.pk])).content.decode()
    assert "text-success" not in page and "解析" not in page and "单选" in page


def test_a_drill_has_no_leaderboard_and_no_attempt_limit(tree, city_admin):
    subject = bank(city_admin, tree["city"])
    drill = QuizFactory(organizer=tree["city"], mode="drill", attempts_allowed=1)
    services.rules_set(actor=city_admin, quiz=drill, rules=[(subject, "true_false", 2, Decimal(5))])
    user = entrant(tree["b"])
    for _ in range(3):
        a = services.attempt_start(actor=user, quiz=drill)
        services.attempt_submit(actor=user, attempt_id=a.pk, answers={})
    c = Client()
    c.force_login(user)
    assert c.get(reverse("quiz:leaderboard", args=[drill.pk])).status_code == 404


def _scored(quiz, unit, *, right: bool):
    user = entrant(unit)
    attempt = services.attempt_start(actor=user, quiz=quiz)
    services.attempt_submit(actor=user, attempt_id=attempt.pk, answers=right_answers(attempt) if right else {})
    return user


def test_units_compete_on_participation_rate_and_average(quiz, tree, member_a):
    from quiz.selectors import unit_board

    _scored(quiz, tree["a"], right=True)  # unit A: 3 members (the city admin, member_a, this one), 1 took part
    for _ in range(2):
        _scored(quiz, tree["b"], right=False)  # unit B: 2 members, both took part, 0
    board = {row["name"]: row for row in unit_board(actor=member_a, quiz=quiz)}
    assert board["市财政局"]["rate"] == Decimal("0.3333") and board["市财政局"]["average"] == Decimal("60.00")
    assert board["市商务局"]["rate"] == Decimal("1") and board["市商务局"]["average"] == Decimal("0.00")
    by_rate = unit_board(actor=member_a, quiz=quiz)
    by_average = unit_board(actor=member_a, quiz=quiz, order="average")
    assert by_rate[0]["name"] == "市商务局" and by_average[0]["name"] == "市财政局"


@pytest.mark.parametrize("size", [3, 9])
def test_the_leaderboards_and_their_export_read_a_fixed_number_of_queries(
    quiz, tree, member_a, size, django_assert_num_queries
):
    for i in range(size):
        _scored(quiz, tree["abc"[i % 3]], right=i % 2 == 0)
    c = Client()
    c.force_login(member_a)
    c.get(reverse("quiz:leaderboard", args=[quiz.pk]))  # warm the session
    with django_assert_num_queries(5):
        assert c.get(reverse("quiz:leaderboard", args=[quiz.pk])).status_code == 200
    with django_assert_num_queries(6):
        assert c.get(reverse("quiz:leaderboard", args=[quiz.pk]) + "?tab=units").status_code == 200
    with django_assert_num_queries(8):
        assert c.get(reverse("quiz:leaderboard_xlsx", args=[quiz.pk])).status_code == 200


def test_a_late_start_is_cut_at_the_closing_time(tree, city_admin):
    subject = bank(city_admin, tree["city"])
    q = QuizFactory(organizer=tree["city"], closes_at=timezone.now() + timedelta(minutes=3), time_limit_minutes=30)
    services.rules_set(actor=city_admin, quiz=q, rules=[(subject, "single", 2, Decimal(5))])
    attempt = services.attempt_start(actor=entrant(tree["a"]), quiz=q)
    assert attempt.deadline == q.closes_at


def test_a_hand_in_is_a_fixed_number_of_statements_whatever_the_papers_length(
    tree, city_admin, django_assert_num_queries
):
    """Session, login, the login's roles and member record; the attempt locked, the paper read, then one statement
    for all its rows, the attempt's score and the participant's best (three UPDATEs chained by WITH); the session
    written back (with the test transaction's savepoints): the same for 4 questions as for 12."""
    subject = bank(city_admin, tree["city"])
    for n in (4, 12):
        q = QuizFactory(organizer=tree["city"], time_limit_minutes=10)
        services.rules_set(
            actor=city_admin,
            quiz=q,
            rules=[(subject, "single", n // 2, Decimal(5)), (subject, "true_false", n // 2, Decimal(5))],
        )
        user = entrant(tree["a"])
        attempt = services.attempt_start(actor=user, quiz=q)
        body = {f"q{p}": [str(v) for v in vals] for p, vals in right_answers(attempt).items()}
        c = Client()
        c.force_login(user)
        # 9 before: the rows, the attempt and the participant apart (as still on SQLite, without UPDATE in WITH)
        with django_assert_num_queries(7 if connection.vendor == "postgresql" else 9):
            assert c.post(reverse("quiz:submit", args=[attempt.pk]), body).status_code == 302
        attempt.refresh_from_db()
        assert attempt.score == Decimal(5 * n)
