"""Every write of the knowledge contests and drills: subjects and their imported questions, the quiz and its
paper rules, attempts (drawn, answered as the person goes, submitted and scored)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, OrganizationKind, User
from members.scoping import Scope, audience_q, get_for_actor, scope_for, unit_require_manage

from .bank import parse_bank
from .compiled import CompiledQuery
from .models import Attempt, PaperQuestion, PaperRule, Participant, Question, QuestionKind, Quiz, Subject

#: Answers that reach the server this long after the deadline still count (the request was on its way).
GRACE = timedelta(seconds=30)


def organizer_require_manage(*, actor: User, organizer) -> None:
    if organizer.kind == OrganizationKind.UNIT:
        unit_require_manage(actor=actor, unit_id=organizer.pk)
    elif scope_for(actor).manage_units() is not None:  # the city's and the zones' are the city's to run
        raise PermissionDenied


# --- the bank ---------------------------------------------------------------------------------------
@transaction.atomic
def subject_create(*, actor: User, organizer, name: str, description: str = "") -> Subject:
    organizer_require_manage(actor=actor, organizer=organizer)
    subject = Subject(organizer=organizer, name=name.strip(), description=description.strip())
    subject.full_clean()
    subject.save()
    return subject


@dataclass
class ImportOutcome:
    created: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@transaction.atomic
def questions_import(*, actor: User, subject: Subject, data: bytes) -> ImportOutcome:
    """Questions from an xlsx sheet (the template's columns). All or nothing: with any error, none is
    saved and every error names its row and column."""
    subject = get_for_actor(Subject, actor, manage=True, pk=subject.pk)
    rows, errors = parse_bank(data)
    if errors:
        return ImportOutcome(0, errors)
    Question.objects.bulk_create(
        [
            Question(
                subject=subject, kind=r.kind, text=r.text, options=r.options, answer=r.answer, explanation=r.explanation
            )
            for r in rows
        ]
    )
    return ImportOutcome(len(rows), [])


# --- the quiz -------------------------------------------------------------------------------------
QUIZ_FIELDS = [
    "title",
    "organizer",
    "mode",
    "description",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "attempts_allowed",
    "show_explanations",
]


@transaction.atomic
def quiz_create(*, actor: User, data: dict, rules: list[tuple[Subject, str, int, Decimal]]) -> Quiz:
    organizer_require_manage(actor=actor, organizer=data["organizer"])
    quiz = Quiz(created_by=actor, **{k: data[k] for k in QUIZ_FIELDS if k in data})
    quiz.full_clean()
    quiz.save()
    rules_set(actor=actor, quiz=quiz, rules=rules)
    return quiz


@transaction.atomic
def rules_set(*, actor: User, quiz: Quiz, rules: list[tuple[Subject, str, int, Decimal]]) -> list[PaperRule]:
    quiz = get_for_actor(Quiz, actor, manage=True, pk=quiz.pk)
    if Attempt.objects.for_actor(actor, manage=True).filter(quiz=quiz).exists():
        raise ValidationError(_("People have taken the paper already: its rules can no longer change."))
    if not rules:
        raise ValidationError(_("A paper needs at least one rule."))
    errors = []
    for subject, kind, count, _points in rules:
        subject = get_for_actor(Subject, actor, manage=True, pk=subject.pk)
        have = subject.questions.filter(kind=kind, is_active=True).count()
        if have < count:
            errors.append(
                _("%(subject)s has %(have)d active %(kind)s questions; the rule asks for %(count)d.")
                % {"subject": subject.name, "have": have, "kind": QuestionKind(kind).label, "count": count}
            )
    if errors:
        raise ValidationError(errors)
    quiz.rules.all().delete()
    out = []
    for subject, kind, count, points in rules:
        rule = PaperRule(quiz=quiz, subject=subject, kind=kind, count=count, points=points)
        rule.full_clean()
        rule.save()
        out.append(rule)
    return out


# --- attempts -------------------------------------------------------------------------------------
def _draw(quiz: Quiz, rng: random.Random) -> list[tuple[Question, list[int], Decimal]]:
    """The paper: for each rule, so many distinct active questions of its subject and type; the questions
    shuffled across the paper and, except true/false, their options too."""
    from members.scoping import unscoped

    paper = []
    with unscoped("drawing a paper: the system reads the bank; the taker sees questions, never their keys"):
        for rule in quiz.rules.all():
            pool = list(
                Question.objects.filter(subject_id=rule.subject_id, kind=rule.kind, is_active=True).values_list(
                    "pk", flat=True
                )
            )
            if len(pool) < rule.count:
                raise ValidationError(_("The question bank no longer holds enough questions for this paper."))
            paper += [(pk, rule.points) for pk in rng.sample(pool, rule.count)]
        questions = Question.objects.in_bulk([pk for pk, _p in paper])
    rng.shuffle(paper)
    out = []
    for pk, points in paper:
        q = questions[pk]
        order = list(range(len(q.options)))
        if q.kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        out.append((q, order, points))
    return out


def _own_member(actor: User) -> Member:
    scope = scope_for(actor)
    if not scope.member_id:
        raise PermissionDenied
    return Member.objects.for_actor(actor).get(pk=scope.member_id)


@transaction.atomic
def attempt_start(*, actor: User, quiz: Quiz, rng: random.Random | None = None) -> Attempt:
    """Start an attempt (or resume the open one). The participant row is locked, so that two taps at the
    same moment start one attempt, and a person gets no more attempts than the contest allows."""
    member = _own_member(actor)
    quiz = get_for_actor(Quiz, actor, pk=quiz.pk)
    if not Quiz.objects.for_actor(actor).filter(audience_q(scope_for(actor)), pk=quiz.pk).exists():
        raise PermissionDenied
    now = timezone.now()
    if not (quiz.opens_at <= now < quiz.closes_at):
        raise ValidationError(_("This paper is not open now."))
    try:
        with transaction.atomic():
            Participant.objects.for_actor(actor).get_or_create(
                quiz=quiz, member=member, defaults={"unit_id": member.unit_id}
            )
    except IntegrityError:
        pass  # created by the other tap
    participant = Participant.objects.for_actor(actor).select_for_update().get(quiz=quiz, member=member)
    current = participant.attempts.filter(submitted_at__isnull=True).first()
    if current is not None:
        if now <= current.deadline:
            return current
        _score(current, now=now)
    if quiz.ranked and participant.attempts_used >= quiz.attempts_allowed:
        raise ValidationError(_("You have used your %(n)d attempt(s) at this contest.") % {"n": quiz.attempts_allowed})
    paper = _draw(quiz, rng or random.SystemRandom())
    attempt = Attempt.objects.create(
        quiz=quiz,
        participant=participant,
        member=member,
        unit_id=member.unit_id,
        number=participant.attempts_used + 1,
        started_at=now,
        deadline=min(now + timedelta(minutes=quiz.time_limit_minutes), quiz.closes_at),
        max_score=sum((points for _q, _o, points in paper), Decimal("0")),
    )
    PaperQuestion.objects.bulk_create(
        [
            PaperQuestion(attempt=attempt, position=i, question=q, order=order, points=points)
            for i, (q, order, points) in enumerate(paper, start=1)
        ]
    )
    participant.attempts_used = F("attempts_used") + 1
    participant.save(update_fields=["attempts_used"])
    return attempt


def _chosen(values: list[int], n_options: int, kind: str) -> str:
    picked = sorted({v for v in values if 0 <= v < n_options})
    if kind != QuestionKind.MULTIPLE:
        picked = picked[:1]
    return ",".join(str(v) for v in picked)


def _own_attempt_with_quiz(actor: User, attempt_id: int) -> Attempt:
    """The actor's own attempt with its quiz, locked (closing an attempt whose time is up); 404 for anyone else's."""
    scope = scope_for(actor)
    qs = Attempt.objects.for_actor(actor).filter(pk=attempt_id, member_id=scope.member_id)
    # FOR UPDATE OF the attempt alone: a plain FOR UPDATE would also lock the joined quiz row, and every
    # taker's hand-in and saved answer would then wait for the one before (the whole city in one queue).
    attempt = qs.select_for_update(of=("self",)).select_related("quiz").first()
    if attempt is None:
        raise Http404
    return attempt


def _own_open_attempt_query(attempt_id: int, member_id: int):
    """The person's own attempt, locked (FOR UPDATE OF the attempt alone, as in ``_own_attempt_with_quiz``), without its
    quiz: what a hand-in and a saved answer read first. Narrowed by the owner's rule alone (the scope of the
    member record ``member_id``) and by ``member_id`` again: an officer's or an organiser's wider scope would add
    only other people's attempts, which these refuse anyway, and one scope gives one SQL to compile."""
    return (
        Attempt.objects.for_actor(Scope(member_id=member_id))
        .filter(pk=attempt_id, member_id=member_id)
        .select_for_update(of=("self",))
        .order_by()
    )


_OWN_OPEN_ATTEMPT = CompiledQuery(_own_open_attempt_query, keys=2)


def _own_attempt_locked(actor: User, attempt_id: int) -> Attempt:
    """The actor's own attempt, locked; 404 for anyone else's (and for a login without a member record)."""
    member_id = scope_for(actor).member_id
    attempt = _OWN_OPEN_ATTEMPT.first(attempt_id, member_id) if member_id else None
    if attempt is None:
        raise Http404
    return attempt


@transaction.atomic
def answer_save(*, actor: User, attempt_id: int, position: int, values: list[int]) -> bool:
    """Save one answer as the person goes (a dropped connection then loses at most the answer in flight,
    which the page keeps and sends again). False when the attempt is over: nothing is saved."""
    attempt = _own_attempt_locked(actor, attempt_id)
    now = timezone.now()
    if attempt.submitted_at is not None or now > attempt.deadline + GRACE:
        return False
    row = attempt.paper.select_related("question").filter(position=position).first()
    if row is None:
        raise ValidationError({"position": _("No such question on this paper.")})
    row.chosen = _chosen(values, len(row.question.options), row.question.kind)
    row.saved_at = now
    row.save(update_fields=["chosen", "saved_at"])
    return True


@transaction.atomic
def attempt_submit(*, actor: User, attempt_id: int, answers: dict[int, list[int]]) -> Attempt:
    """Hand in the paper with every answer on the page, and score it. Safe to send twice: a submitted
    attempt is returned as it is. Past the deadline (and its grace) only the answers saved in time count."""
    attempt = _own_attempt_locked(actor, attempt_id)
    if attempt.submitted_at is not None:
        return attempt
    now = timezone.now()
    in_time = now <= attempt.deadline + GRACE
    paper = _marking_sheet(attempt)
    changed = []
    if in_time:
        for row in paper:
            if row.position in answers:
                chosen = _chosen(answers[row.position], len(row.question.options), row.question.kind)
                if chosen != row.chosen:
                    row.chosen, row.saved_at = chosen, now
                    changed.append(row)
    _score(attempt, now=now, paper=paper, changed=changed)
    return attempt


def _marking_sheet_query(attempt_id: int):
    """The paper's rows with what marking needs of each question (its kind, options and key; not its text), in
    no particular order (marking adds them up)."""
    return (
        PaperQuestion.objects.via_parent()  # the rows of the attempt the caller holds
        .filter(attempt_id=attempt_id)
        .select_related("question")
        .only(
            "attempt_id",
            "position",
            "points",
            "chosen",
            "is_correct",
            "saved_at",
            "question__kind",
            "question__options",
            "question__answer",
        )
        .order_by()
    )


_MARKING_SHEET = CompiledQuery(_marking_sheet_query, keys=1)


def _marking_sheet(attempt: Attempt) -> list[PaperQuestion]:
    return _MARKING_SHEET.rows(attempt.pk)


def _write_result(attempt: Attempt, paper: list[PaperQuestion], changed, now, seconds: int) -> None:
    """The paper's answers and marks, the attempt's score and the participant's best: on PostgreSQL in one
    statement (three UPDATEs chained by WITH: one round trip instead of three, and no ORM query built for any of
    them); elsewhere (SQLite has no UPDATE inside WITH) the same three UPDATEs one after the other.

    The answers and marks come from a VALUES list: Django's ``bulk_update`` built a ``CASE`` per field and row
    through the ORM's expressions, a third of a hand-in's CPU (issue #19); the answer's time is set only where the
    answer changed. The participant's best is one conditional UPDATE: a higher score, or the same score in less
    time; the UPDATE locks the row and PostgreSQL checks the condition again after waiting for another attempt's
    write. Every row is the attempt's own or its participant's, read under the attempt's lock by the caller."""
    quote = connection.ops.quote_name
    marks, attempts, participants = (quote(m._meta.db_table) for m in (PaperQuestion, Attempt, Participant))
    statements: list[tuple[str, str, list]] = []  # (a name for WITH, the UPDATE, its parameters)
    if paper:  # (a VALUES list needs a row)
        changed_ids = {row.pk for row in changed}
        values_params: list = []
        for row in paper:
            values_params += [row.pk, row.chosen, row.pk in changed_ids, bool(row.is_correct)]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(paper))
        statements.append(
            (
                "marks",
                f"UPDATE {marks} SET chosen = v.chosen, is_correct = v.is_correct, "  # noqa: S608 (placeholders only)
                f"saved_at = CASE WHEN v.changed THEN %s ELSE {marks}.saved_at END FROM v WHERE {marks}.id = v.id",
                [now],
            )
        )
        head = (f"v (id, chosen, changed, is_correct) AS (VALUES {values})", values_params)
    else:
        head = None
    statements.append(
        (
            "handed_in",
            f"UPDATE {attempts} SET submitted_at = %s, score = %s, correct = %s WHERE id = %s",  # noqa: S608
            [attempt.submitted_at, attempt.score, attempt.correct, attempt.pk],
        )
    )
    statements.append(
        (
            "best",
            f"UPDATE {participants} SET best_score = %s, best_seconds = %s, best_at = %s "  # noqa: S608
            "WHERE id = %s AND (best_score IS NULL OR best_score < %s OR (best_score = %s AND best_seconds > %s))",
            [attempt.score, seconds, attempt.submitted_at]  # SET
            + [attempt.participant_id, attempt.score, attempt.score, seconds],  # WHERE
        )
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            steps = [head[0]] if head else []
            params = list(head[1]) if head else []
            for name, sql, sql_params in statements[:-1]:
                steps.append(f"{name} AS ({sql})")
                params += sql_params
            cursor.execute(f"WITH {', '.join(steps)} {statements[-1][1]}", [*params, *statements[-1][2]])
            return
        for name, sql, sql_params in statements:
            if name == "marks":
                cursor.execute(f"WITH {head[0]} {sql}", [*head[1], *sql_params])
            else:
                cursor.execute(sql, sql_params)


def _score(attempt: Attempt, *, now, paper: list[PaperQuestion] | None = None, changed=None) -> None:
    """Mark every question, total the points and update the participant's best (inside the caller's lock)."""
    paper = paper if paper is not None else _marking_sheet(attempt)
    total, correct = Decimal("0"), 0
    for row in paper:
        row.is_correct = bool(row.chosen) and row.chosen == row.question.answer
        if row.is_correct:
            total += row.points
            correct += 1
    attempt.submitted_at = min(now, attempt.deadline + GRACE)
    attempt.score, attempt.correct = total, correct
    seconds = int((attempt.submitted_at - attempt.started_at).total_seconds())
    _write_result(attempt, paper, changed or (), now, seconds)


def attempts_expire(*, now=None) -> int:
    """Score the attempts whose time ran out without a submission (the server keeps the time: what was
    saved before the deadline counts). Run by the worker every few minutes; city-wide by design."""
    from members.scoping import unscoped

    now = now or timezone.now()
    done = 0
    with unscoped("closing timed-out attempts: every quiz's, by design"):
        for pk in Attempt.objects.filter(submitted_at__isnull=True, deadline__lt=now - GRACE).values_list(
            "pk", flat=True
        )[:5000]:
            with transaction.atomic():
                attempt = Attempt.objects.select_for_update().filter(pk=pk, submitted_at__isnull=True).first()
                if attempt is not None:
                    _score(attempt, now=now)
                    done += 1
    return done


def expired_attempt_close(*, actor: User, attempt: Attempt) -> Attempt:
    """An open attempt whose time is up is scored when its owner next looks at it."""
    with transaction.atomic():
        attempt = _own_attempt_with_quiz(actor, attempt.pk)
        now = timezone.now()
        if attempt.submitted_at is None and now > attempt.deadline + GRACE:
            _score(attempt, now=now)
    return attempt
