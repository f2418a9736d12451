"""The festival gift the staff chose (慰问品征求意见), offered to a welfare batch through members.registry: the
winning option of every closed gift-choice survey whose results the actor may read."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from members.registry import GiftSuggestion
from members.scoping import scope_for

from .models import Answer, Option, QuestionKind, Survey, SurveyStatus

#: The starter of the gift-choice questionnaire (surveys.starters).
GIFT_STARTER = "gift"


def gift_suggestions(actor, unit=None) -> list[GiftSuggestion]:
    """Per closed gift survey (newest first, at most 20): the most chosen option of its first choice question
    (every option tied for the most, on a tie). Three queries, whatever the number of surveys or answers."""
    scope = scope_for(actor)
    surveys = Survey.objects.for_actor(actor).filter(status=SurveyStatus.CLOSED, starter=GIFT_STARTER)
    if not scope.sees_all:  # the results are read by those who read the owner (surveys.selectors.require_results)
        surveys = surveys.filter(owner_id__in=scope.readable_org_ids | scope.zone_ids)
    if unit is not None:  # the unit's own, its zone's and the city's surveys
        surveys = surveys.filter(Q(owner_id__in=[unit.pk, unit.parent_id or unit.pk]) | Q(owner__kind="city"))
    surveys = {s.pk: s for s in surveys.order_by("-ends_at", "-pk")[:20]}
    if not surveys:
        return []
    options = list(
        Option.objects.via_parent()
        .filter(question__survey_id__in=surveys, question__kind__in=[QuestionKind.SINGLE, QuestionKind.MULTIPLE])
        .select_related("question")
        .order_by("question__survey_id", "question__order", "question_id", "order", "pk")
    )
    first_question = {}
    for o in options:
        first_question.setdefault(o.question.survey_id, o.question_id)
    counts = dict(
        Answer.objects.for_actor(actor)
        .filter(question_id__in=first_question.values(), option__isnull=False)
        .values_list("option_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = []
    for survey_id, survey in surveys.items():
        own = [o for o in options if o.question_id == first_question.get(survey_id)]
        best = max((counts.get(o.pk, 0) for o in own), default=0)
        if best == 0:
            continue  # nobody chose: nothing to suggest
        total = sum(counts.get(o.pk, 0) for o in own)
        for o in own:
            if counts.get(o.pk, 0) == best:
                label = _("%(item)s — %(n)s of %(total)s votes in “%(survey)s”") % {
                    "item": o.label,
                    "n": best,
                    "total": total,
                    "survey": survey.title,
                }
                out.append(GiftSuggestion(label=label, item=o.label, source=survey.title))
    return out
