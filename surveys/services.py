"""Every write of the surveys app: build, publish, answer (anonymous responses mixed like ballots), close."""

from __future__ import annotations

import json
import logging
import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.choices import CURRENT_STATUSES
from members.fields import decrypt_text, encrypt_text
from members.models import Member, Organization, User
from members.scoping import require_manage, scope_for, unscoped

from . import starters
from .models import (
    MIX_BATCH,
    Answer,
    Option,
    Question,
    QuestionKind,
    Respondent,
    Response,
    SealedResponse,
    Survey,
    SurveyStatus,
)

logger = logging.getLogger(__name__)
_random = secrets.SystemRandom()


def owners_for(actor: User):
    """The organisations the actor may build a survey for: the own units, the own zone, the city."""
    scope = scope_for(actor)
    qs = Organization.objects.filter(is_active=True)
    if scope.sees_all:
        return qs
    return qs.filter(pk__in=scope.manageable_unit_ids | scope.zone_ids)


def _save(obj):
    obj.full_clean()
    obj.save()
    return obj


def _locked(actor: User, survey: Survey) -> Survey:
    require_manage(actor, survey)
    return Survey.objects.for_actor(actor, manage=True).select_for_update().get(pk=survey.pk)


@transaction.atomic
def survey_create(
    *,
    actor: User,
    owner: Organization,
    title: str,
    intro: str = "",
    anonymous: bool,
    starts_at: datetime,
    ends_at: datetime,
    starter: str = "",
) -> Survey:
    if not owners_for(actor).filter(pk=owner.pk).exists():
        raise PermissionDenied
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The survey must end after it starts.")})
    survey = _save(
        Survey(
            owner=owner,
            title=title,
            intro=intro,
            anonymous=anonymous,
            starts_at=starts_at,
            ends_at=ends_at,
            starter=starter,
            created_by=actor,
        )
    )
    for order, (kind, text, required, options) in enumerate(starters.STARTERS.get(starter, {}).get("questions", [])):
        _add_question(survey, kind=kind, text=text, required=required, options=options, order=order + 1)
    return survey


def _add_question(survey, *, kind, text, required, options, order, scale_max=5) -> Question:
    question = _save(Question(survey=survey, kind=kind, text=text, required=required, order=order, scale_max=scale_max))
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        labels = [o.strip() for o in options if o.strip()]
        if len(labels) < 2:
            raise ValidationError({"options": _("A choice question needs at least two options, one per line.")})
        Option.objects.bulk_create(
            Option(question=question, order=i, label=label[:100]) for i, label in enumerate(labels)
        )
    return question


@transaction.atomic
def question_add(
    *, actor: User, survey: Survey, kind: str, text: str, required: bool, options: list[str], scale_max: int = 5
) -> Question:
    survey = _locked(actor, survey)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions change only while the survey is a draft."))
    return _add_question(
        survey,
        kind=kind,
        text=text,
        required=required,
        options=options,
        order=survey.questions.count() + 1,
        scale_max=scale_max,
    )


@transaction.atomic
def question_remove(*, actor: User, question: Question) -> None:
    survey = _locked(actor, question.survey)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions change only while the survey is a draft."))
    question.delete()


@transaction.atomic
def survey_publish(*, actor: User, survey: Survey) -> Survey:
    survey = _locked(actor, survey)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Only a draft is published."))
    if not survey.questions.exists():
        raise ValidationError(_("Add a question first."))
    survey.status = SurveyStatus.PUBLISHED
    survey.save(update_fields=["status"])
    return survey


@transaction.atomic
def survey_close(*, actor: User, survey: Survey) -> Survey:
    """Close the survey; an anonymous one is mixed once more as a whole (see the module doc of models)."""
    survey = _locked(actor, survey)
    if survey.status != SurveyStatus.PUBLISHED:
        raise ValidationError(_("Only a published survey is closed."))
    return _close(survey)


def _close(survey: Survey) -> Survey:
    survey.status = SurveyStatus.CLOSED
    survey.save(update_fields=["status"])
    if survey.anonymous:
        _mix(survey, final=True)
    return survey


def surveys_close_ended(*, now: datetime | None = None) -> list[int]:
    """The periodic close (surveys.tasks, every 5 minutes): every published survey whose end has passed is
    closed by the same step as the officer's button. Idempotent: a closed survey is left alone. Returns the ids
    of the surveys closed by this run."""
    now = now or timezone.now()
    with unscoped("the periodic close: every published survey whose end has passed, city-wide by design"):
        ids = list(
            Survey.objects.filter(status=SurveyStatus.PUBLISHED, ends_at__lte=now)
            .order_by("ends_at", "pk")
            .values_list("pk", flat=True)
        )
    return [pk for pk in ids if _close_ended(survey_id=pk, now=now)]


@transaction.atomic
def _close_ended(*, survey_id: int, now: datetime) -> bool:
    with unscoped("the periodic close of one ended survey: no actor, the portal closes it"):
        survey = Survey.objects.select_for_update().filter(pk=survey_id).first()
        if survey is None or survey.status != SurveyStatus.PUBLISHED or survey.ends_at > now:
            return False  # closed meanwhile (the button, or another run)
        _close(survey)
    return True


def in_audience(survey: Survey, member: Member) -> bool:
    owner = survey.owner
    if member.status not in CURRENT_STATUSES:
        return False
    return owner.kind == "city" or member.unit_id == owner.pk or member.unit.parent_id == owner.pk


def _clean_answers(survey: Survey, data: dict[int, object]) -> list[dict]:
    """Check the answers against the questions; returns the rows to store (without the response)."""
    rows = []
    for q in survey.questions.prefetch_related("options"):
        value = data.get(q.pk)
        options = {o.pk for o in q.options.all()}
        empty = value in (None, "", [])
        if empty:
            if q.required:
                raise ValidationError({f"q_{q.pk}": _("“%(q)s” needs an answer.") % {"q": q.text}})
            continue
        if q.kind == QuestionKind.SINGLE:
            if value not in options:
                raise ValidationError({f"q_{q.pk}": _("Choose one of the options.")})
            rows.append({"q": q.pk, "o": value})
        elif q.kind == QuestionKind.MULTIPLE:
            if not set(value) <= options:
                raise ValidationError({f"q_{q.pk}": _("Choose among the options.")})
            rows.extend({"q": q.pk, "o": o} for o in sorted(set(value)))
        elif q.kind == QuestionKind.RATING:
            if not (isinstance(value, int) and 1 <= value <= q.scale_max):
                raise ValidationError({f"q_{q.pk}": _("Choose a rating from 1 to %(n)s.") % {"n": q.scale_max}})
            rows.append({"q": q.pk, "v": value})
        else:
            rows.append({"q": q.pk, "t": str(value)[:2000]})
    return rows


def _write(survey_id: int, unit_id: int | None, member_id: int | None, rows: list[dict]) -> tuple[Response, list]:
    response = Response(survey_id=survey_id, unit_id=unit_id, member_id=member_id)
    seen: set[int] = set()
    answers = []
    for r in rows:
        answers.append(
            Answer(
                response=response,
                survey_id=survey_id,
                unit_id=unit_id,
                question_id=r["q"],
                option_id=r.get("o"),
                value=r.get("v"),
                text=r.get("t", ""),
                first=r["q"] not in seen,
            )
        )
        seen.add(r["q"])
    return response, answers


@transaction.atomic
def response_submit(*, actor: User, survey: Survey, answers: dict[int, object]) -> None:
    """The actor answers once. Named: stored with the person. Anonymous: sealed, then mixed (no link)."""
    scope = scope_for(actor)
    member = Member.objects.for_actor(actor).filter(pk=scope.member_id or 0).select_related("unit").first()
    if member is None or not in_audience(survey, member):
        raise PermissionDenied
    if not survey.is_open_at(timezone.now()):
        raise ValidationError(_("This survey is not open."))
    rows = _clean_answers(survey, answers)
    try:
        with transaction.atomic():
            Respondent.objects.create(survey=survey, member=member)
    except IntegrityError:
        raise ValidationError(_("You have already answered this survey.")) from None
    if survey.anonymous:
        SealedResponse.objects.create(survey=survey, sealed=encrypt_text(json.dumps({"u": member.unit_id, "a": rows})))
        transaction.on_commit(lambda: mix_pending(survey_id=survey.pk))
    else:
        response, answer_rows = _write(survey.pk, member.unit_id, member.pk, rows)
        response.save()
        Answer.objects.bulk_create(answer_rows)


@transaction.atomic
def mix_pending(*, survey_id: int) -> int:
    """Write out the sealed responses once there are at least MIX_BATCH (in their own transaction, after the
    respondent's has committed)."""
    with unscoped("the mixing step of an anonymous survey: system work on sealed responses, no one reads them"):
        survey = Survey.objects.select_for_update().get(pk=survey_id)
        return _mix(survey, final=False)


def _mix(survey: Survey, *, final: bool) -> int:
    with unscoped("the mixing step of an anonymous survey: system work on sealed responses, no one reads them"):
        sealed = list(SealedResponse.objects.filter(survey=survey).values_list("pk", "sealed"))
        if not final and len(sealed) < MIX_BATCH:
            return 0
        contents = [json.loads(decrypt_text(s)) for _, s in sealed]
        if final:
            # The whole survey once more: every response rewritten by this one transaction, in a new order.
            old = list(Response.objects.filter(survey=survey).prefetch_related("answers"))
            for r in old:
                rows = []
                for a in r.answers.all():
                    row = {"q": a.question_id}
                    if a.option_id:
                        row["o"] = a.option_id
                    if a.value is not None:
                        row["v"] = a.value
                    if a.text:
                        row["t"] = a.text
                    rows.append(row)
                contents.append({"u": r.unit_id, "a": rows})
            Response.objects.filter(survey=survey).delete()
        _random.shuffle(contents)
        responses, answers = [], []
        for c in contents:
            response, rows = _write(survey.pk, c["u"], None, c["a"])
            responses.append(response)
            answers.extend(rows)
        Response.objects.bulk_create(responses, batch_size=2000)
        _random.shuffle(answers)
        Answer.objects.bulk_create(answers, batch_size=5000)
        SealedResponse.objects.filter(pk__in=[pk for pk, _ in sealed]).delete()
    # The deleted rows stay on the disk pages, each with the transaction id (xmin) that wrote it, until VACUUM:
    # a sealed response carries its respondent's, a batch written while the survey ran carries the batch's,
    # which lies among its ≤ 5 respondents' ids. Reclaim them at once after this transaction commits.
    models = [SealedResponse, Response, Answer] if final else [SealedResponse]
    transaction.on_commit(lambda: _vacuum(models))
    return len(contents)


def _vacuum(models) -> None:
    """VACUUM the tables (PostgreSQL; outside any transaction block), so that no dead row is left to read."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f'VACUUM "{model._meta.db_table}"')
    except Exception:  # noqa: BLE001 - best effort: autovacuum does it later
        logger.warning("VACUUM of the survey responses failed; autovacuum will reclaim them", exc_info=True)
