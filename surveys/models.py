"""Questionnaires (问卷调查): built by an officer for the own unit, a zone lead for the zone, the city union for
everyone; answered once per person; anonymous or named.

An anonymous response is stored like a ballot (docs/elections.md): the "has answered" list (``Respondent``) and
the responses are separate; the response first goes sealed into ``SealedResponse`` and is written out by a
mixing step, in shuffled batches of at least ``MIX_BATCH`` while the survey runs and once more for the whole
survey when it closes, so that neither ids, times, row order nor transaction ids join a response to a person.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Member, Organization
from members.scoping import ScopedManager, city_reads_all, ids_q

#: Anonymous responses are written out in shuffled batches of at least this many.
MIX_BATCH = 5
#: An anonymous survey's figures for one unit are shown only from this many responses.
MIN_GROUP = 5


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    scope_path = "owner"

    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("for"))
    title = models.CharField(_("title"), max_length=100)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(_("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    starter = models.CharField(_("template"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="survey_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @city_reads_all
    def scope_q(cls, scope, *, manage: bool) -> models.Q:
        """Managed by the owner's officers (a zone lead for the zone's surveys); read by those who read the
        owner and by its audience (the members of the unit, of the zone's units, or everyone for the city)."""
        if manage:
            return ids_q("owner_id", scope.manage_orgs())
        q = ids_q("owner_id", scope.read_orgs())
        if scope.member_unit_id:
            zone = Organization.objects.filter(pk=scope.member_unit_id).values("parent_id")
            q |= models.Q(owner_id=scope.member_unit_id) | models.Q(owner_id__in=zone) | models.Q(owner__kind="city")
        return q

    def is_open_at(self, now) -> bool:
        return self.status == SurveyStatus.PUBLISHED and self.starts_at <= now < self.ends_at


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    RATING = "rating", _("Rating scale")
    TEXT = "text", _("Free text")


class Question(models.Model):
    scope_path = "survey__owner"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    required = models.BooleanField(_("required"), default=True)
    scale_max = models.PositiveSmallIntegerField(
        _("scale up to"), default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class Option(models.Model):
    scope_path = "question__survey__owner"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(_("option"), max_length=100)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.label


class Respondent(models.Model):
    """The "has answered" list: one row per person and survey (the unique pair is what makes it once).
    No time, no response."""

    scope_path = "survey__owner"
    scope_owner = "member"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="respondents")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("respondent")
        verbose_name_plural = _("respondents")
        constraints = [models.UniqueConstraint(fields=["survey", "member"], name="respondent_once")]

    def __str__(self) -> str:
        return str(self.pk)


class SealedResponse(models.Model):
    """An anonymous response waiting for the mixing step: encrypted, no time of its own."""

    scope_path = "survey__owner"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    sealed = models.TextField()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("sealed response")
        verbose_name_plural = _("sealed responses")

    def __str__(self) -> str:
        return str(self.pk)


class Response(models.Model):
    """A response: anonymous (no member, written by the mixing step) or named (the member, written at once).
    The unit is the respondent's, for the city union's filter by unit."""

    scope_path = "survey__owner"
    scope_owner = "member"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", null=True)
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="survey_responses", null=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "unit"], name="response_survey_unit_idx")]

    def __str__(self) -> str:
        return str(self.pk)


class Answer(models.Model):
    """One answer: an option chosen, a rating, or a text. The survey and unit are repeated from the response
    so that the results are one grouped read of this table."""

    scope_path = "survey__owner"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", null=True)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+", null=True)
    value = models.PositiveSmallIntegerField(null=True)
    text = models.TextField(blank=True, max_length=2000)
    #: The response's first row for this question (a multiple choice has several): counting these counts the
    #: people who answered it, within the one grouped read of the results.
    first = models.BooleanField(default=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [
            models.Index(fields=["survey", "question", "option", "value", "first"], name="answer_results_idx"),
            models.Index(fields=["survey", "unit", "question"], name="answer_unit_idx"),
        ]

    def __str__(self) -> str:
        return str(self.pk)
