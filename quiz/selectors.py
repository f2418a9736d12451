"""Every read of the knowledge contests: lists, an attempt's paper, the leaderboards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from members.models import Member, Organization, OrganizationKind
from members.scoping import get_for_actor, scope_for, unscoped

from .models import Attempt, Participant, Quiz, Subject, audience_q


@dataclass(frozen=True)
class QuizFilters:
    q: str = ""
    mode: str = ""
    state: str = ""  # open | upcoming | closed

    def as_q(self, now) -> Q:
        q = Q()
        if self.q:
            q &= Q(title__icontains=self.q) | Q(organizer__name__icontains=self.q)
        if self.mode:
            q &= Q(mode=self.mode)
        if self.state == "open":
            q &= Q(opens_at__lte=now, closes_at__gt=now)
        elif self.state == "upcoming":
            q &= Q(opens_at__gt=now)
        elif self.state == "closed":
            q &= Q(closes_at__lte=now)
        return q


def quiz_list(*, actor, filters: QuizFilters | None = None) -> QuerySet[Quiz]:
    filters = filters or QuizFilters()
    return Quiz.objects.for_actor(actor).filter(filters.as_q(timezone.now())).select_related("organizer")


def quiz_get(*, actor, pk: int, manage: bool = False) -> Quiz:
    return get_for_actor(Quiz.objects.select_related("organizer"), actor, manage=manage, pk=pk)


def can_take(*, actor, quiz: Quiz) -> bool:
    return Quiz.objects.for_actor(actor).filter(audience_q(scope_for(actor)), pk=quiz.pk).exists()


def my_attempts(*, actor, quiz: Quiz) -> list[Attempt]:
    scope = scope_for(actor)
    if not scope.member_id:
        return []
    return list(Attempt.objects.for_actor(actor).filter(quiz=quiz, member_id=scope.member_id).order_by("number"))


def subject_list(*, actor) -> QuerySet[Subject]:
    return (
        Subject.objects.for_actor(actor, manage=True)
        .select_related("organizer")
        .annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
    )


def subject_get(*, actor, pk: int) -> Subject:
    return get_for_actor(Subject.objects.select_related("organizer"), actor, manage=True, pk=pk)


def attempt_get(*, actor, pk: int) -> Attempt:
    """The actor's own attempt (an organiser reads attempts through the leaderboards, not the papers)."""
    attempt = (
        Attempt.objects.for_actor(actor)
        .filter(pk=pk, member_id=scope_for(actor).member_id)
        .select_related("quiz", "member", "unit")
        .first()
    )
    if attempt is None:
        raise Http404
    return attempt


def paper(attempt: Attempt) -> list[dict]:
    """The paper as shown: each question with its options in this paper's order (value = the bank's index)."""
    out = []
    for row in attempt.paper.select_related("question").order_by("position"):
        q = row.question
        chosen = {int(x) for x in row.chosen.split(",") if x != ""}
        right = {int(x) for x in q.answer.split(",")}
        out.append(
            {
                "position": row.position,
                "kind": q.kind,
                "text": q.text,
                "points": row.points,
                "options": [
                    {
                        "value": i,
                        "label": "ABCDEF"[n],
                        "text": q.options[i],
                        "checked": i in chosen,
                        "right": i in right,
                    }
                    for n, i in enumerate(row.order)
                ],
                "is_correct": row.is_correct,
                "explanation": q.explanation,
                "answered": bool(chosen),
            }
        )
    return out


# --- leaderboards ---------------------------------------------------------------------------------
def person_board(*, actor, quiz: Quiz) -> QuerySet[Participant]:
    """Everyone with a scored attempt, best first (ties: less time, then earlier)."""
    return (
        Participant.objects.for_actor(actor)
        .filter(quiz=quiz, best_score__isnull=False)
        .select_related("member", "unit")
        .order_by("-best_score", "best_seconds", "best_at", "pk")
    )


def audience_units(quiz: Quiz) -> QuerySet[Organization]:
    units = Organization.objects.units().filter(is_active=True)
    if quiz.organizer.kind == OrganizationKind.UNIT:
        return units.filter(pk=quiz.organizer_id)
    if quiz.organizer.kind == OrganizationKind.ZONE:
        return units.filter(parent_id=quiz.organizer_id)
    return units


def unit_board(*, actor, quiz: Quiz, order: str = "rate") -> list[dict]:
    """Per unit of the audience: current members, participants, participation rate and average best score.
    Three grouped queries whatever the number of attempts (the best per person is kept on the participant
    row when an attempt is scored). The member counts are totals per unit, read city-wide by design: a
    member of one unit sees how the others compare, never who they are."""
    units = list(audience_units(quiz).order_by("sort_order", "name").values_list("pk", "name"))
    with unscoped("a leaderboard's participation rate: current members per unit, counts only"):
        members = dict(
            Member.objects.current()
            .filter(unit_id__in=[u for u, _n in units])
            .values_list("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        figures = {
            unit_id: (n, avg)
            for unit_id, n, avg in Participant.objects.filter(quiz=quiz, best_score__isnull=False)
            .values_list("unit_id")
            .annotate(n=Count("pk"), avg=Avg("best_score"))
            .values_list("unit_id", "n", "avg")
            .order_by()
        }
    rows = []
    for pk, name in units:
        n, avg = figures.get(pk, (0, None))
        total = members.get(pk, 0)
        rate = Decimal(n) / total if total else Decimal(0)
        rows.append(
            {
                "unit_id": pk,
                "name": name,
                "members": total,
                "participants": n,
                "rate": rate.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
                "average": Decimal(avg).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if avg is not None else None,
            }
        )
    if order == "average":
        rows.sort(key=lambda r: (-(r["average"] or Decimal(-1)), -r["rate"], r["name"]))
    else:
        rows.sort(key=lambda r: (-r["rate"], -(r["average"] or Decimal(-1)), r["name"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows
