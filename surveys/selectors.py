"""Every read of the surveys app: lists, the questionnaire, and the results (a fixed number of grouped reads,
whatever the number of responses)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from members.models import Organization, User
from members.scoping import get_for_actor, scope_for

from .models import MIN_GROUP, Answer, Question, QuestionKind, Respondent, Response, Survey, SurveyStatus


def survey_get(*, actor: User, pk: int, manage: bool = False) -> Survey:
    return get_for_actor(Survey.objects.select_related("owner"), actor, manage=manage, pk=pk)


def require_results(actor: User, survey: Survey) -> None:
    """Results: the city, and those who read the owner (its officers; a zone lead for the zone and its units)."""
    scope = scope_for(actor)
    if not (scope.sees_all or survey.owner_id in scope.readable_org_ids or survey.owner_id in scope.zone_ids):
        raise PermissionDenied


def managed_list(*, actor: User, q: str = "", status: str = "") -> QuerySet:
    scope = scope_for(actor)
    qs = Survey.objects.for_actor(actor).select_related("owner")
    if not scope.sees_all:
        qs = qs.filter(owner_id__in=scope.readable_org_ids | scope.zone_ids)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(owner__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(n=Count("respondents")).order_by("-starts_at", "-pk")


def open_for_me(*, actor: User) -> list[Survey]:
    """Published surveys of the actor's audience, open now, with whether the actor has answered."""
    scope = scope_for(actor)
    if scope.member_id is None:
        return []
    now = timezone.now()
    mine = Respondent.objects.via_parent().filter(survey=OuterRef("pk"), member_id=scope.member_id)
    return list(
        Survey.objects.for_actor(actor)
        .filter(Survey.scope_q(_member_only(scope), manage=False))
        .filter(status=SurveyStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now)
        .annotate(answered=Exists(mine))
        .select_related("owner")
        .order_by("ends_at")[:30]
    )


def _member_only(scope):
    from members.scoping import Scope

    return Scope(member_id=scope.member_id, member_unit_id=scope.member_unit_id, user_id=scope.user_id)


def has_answered(survey: Survey, member_id: int | None) -> bool:
    return bool(member_id) and survey.respondents.filter(member_id=member_id).exists()


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    counts: list[tuple[str, int]] = field(default_factory=list)  # (label, count) in the options' order
    texts: list[str] = field(default_factory=list)
    text_total: int = 0


@dataclass
class Results:
    survey: Survey
    responses: int
    questions: list[QuestionResult]
    suppressed: bool = False  # an anonymous survey's unit with fewer than MIN_GROUP responses
    units: list = field(default_factory=list)


TEXTS_SHOWN = 100


def results(*, actor: User, survey: Survey, unit_id: int | None = None) -> Results:
    """Counts per option and rating, and the free-text answers: 4 + (text questions) queries, whatever the
    number of responses."""
    require_results(actor, survey)
    answers = Answer.objects.for_actor(actor).filter(survey=survey)
    responses = Response.objects.for_actor(actor).filter(survey=survey)
    if unit_id:
        answers, responses = answers.filter(unit_id=unit_id), responses.filter(unit_id=unit_id)
    total = responses.count()
    questions = list(survey.questions.prefetch_related("options"))
    out = Results(survey=survey, responses=total, questions=[])
    if survey.anonymous and unit_id and total < MIN_GROUP:
        out.suppressed, out.responses = True, 0
        return out
    option_counts: dict[int, int] = {}
    values: dict[int, dict[int, int]] = defaultdict(dict)
    answered: dict[int, int] = defaultdict(int)
    # One grouped read: per option, rating and "first row of a response for the question" (= people answering).
    rows = answers.values_list("question_id", "option_id", "value", "first").annotate(n=Count("pk")).order_by()
    for qid, oid, value, first, n in rows:
        if oid is not None:
            option_counts[oid] = option_counts.get(oid, 0) + n
        elif value is not None:
            values[qid][value] = values[qid].get(value, 0) + n
        if first:
            answered[qid] += n
    for q in questions:
        qr = QuestionResult(question=q, answered=answered.get(q.pk, 0))
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            qr.counts = [(o.label, option_counts.get(o.pk, 0)) for o in q.options.all()]
        elif q.kind == QuestionKind.RATING:
            qr.counts = [(str(v), values[q.pk].get(v, 0)) for v in range(1, q.scale_max + 1)]
        else:
            texts = answers.filter(question=q).exclude(text="")
            qr.text_total = answered.get(q.pk, 0)
            qr.texts = list(texts.order_by("pk").values_list("text", flat=True)[:TEXTS_SHOWN])
        out.questions.append(qr)
    if scope_for(actor).reads_several_units and survey.owner.kind != "unit":
        out.units = list(Organization.objects.for_actor(actor).units().order_by("sort_order", "name"))
    return out


def all_texts(*, actor: User, survey: Survey, unit_id: int | None = None):
    require_results(actor, survey)
    qs = Answer.objects.for_actor(actor).filter(survey=survey).exclude(text="")
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.order_by("question__order", "question_id", "pk").values_list("question__text", "text")


def named_rows(*, actor: User, survey: Survey, unit_id: int | None = None, request=None) -> list[Response]:
    """Named surveys only: one row per response with the person (personal data: the read is recorded)."""
    from members.audit import AccessAction, record_access

    require_results(actor, survey)
    qs = Response.objects.for_actor(actor).filter(survey=survey, member__isnull=False)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    rows = list(
        qs.select_related("member", "unit")
        .prefetch_related("answers__option")
        .order_by("unit__sort_order", "member__name")
    )
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=f"问卷答卷：{survey.title}",
        rows=len(rows),
        obj=survey,
        unit=survey.owner_id,
        request=request,
        app="surveys",
    )
    return rows


def named_responses_of(member) -> list[Response]:
    return list(
        member.survey_responses.filter(survey__anonymous=False)
        .select_related("survey")
        .prefetch_related("answers__question", "answers__option")
        .order_by("-survey__starts_at")[:10]
    )
