"""Online knowledge contests and drills (知识竞赛, 岗位练兵答题): a question bank per subject, a paper drawn
by rule for each attempt, a time limit kept by the server, answers saved as the person goes, automatic
scoring, and leaderboards per person and per unit (participation rate and average score)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import Member, Organization
from members.scoping import Scope, ScopedManager, audience_q, city_reads_all, organiser_q


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Subject(models.Model):
    """A subject's question bank (题库), kept by its organiser; its answer keys are never shown to takers."""

    scope_path = "organizer"

    organizer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser"))
    name = models.CharField(_("subject"), max_length=60)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["organizer", "name"], name="subject_unique_name")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return organiser_q(scope, manage=manage)  # every row (Q()) for the city's administrators


class Question(models.Model):
    scope_path = "subject__organizer"

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="questions", verbose_name=_("subject"))
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    #: The options in the bank's order ("A" is the first); true/false questions have ["正确", "错误"].
    options = models.JSONField(_("options"), default=list)
    #: The indexes of the right options, ascending, as "0" or "0,2".
    answer = models.CharField(_("answer"), max_length=20)
    explanation = models.TextField(_("explanation"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["subject", "pk"]
        indexes = [models.Index(fields=["subject", "kind", "is_active"], name="question_draw_idx")]

    def __str__(self) -> str:
        return self.text[:40]

    @classmethod
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        return organiser_q(scope, "subject__", manage=manage)  # every row (Q()) for the city's administrators


class QuizMode(models.TextChoices):
    CONTEST = "contest", _("Knowledge contest (ranked)")
    DRILL = "drill", _("Drill (practice, not ranked)")


class Quiz(models.Model):
    scope_path = "organizer"

    title = models.CharField(_("title"), max_length=120)
    organizer = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser"),
        help_text=_("The city union (open to all units), a liaison zone (its units) or one unit (its own members)."),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=QuizMode.choices, default=QuizMode.CONTEST)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts per person"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("1: once. More: the best attempt counts. Drills allow any number."),
    )
    show_explanations = models.BooleanField(_("show answers and explanations after submission"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("knowledge contest")
        verbose_name_plural = _("knowledge contests")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="quiz_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.title

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        if manage:
            return organiser_q(scope, manage=manage)
        return organiser_q(scope, manage=False) | audience_q(scope)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("It must close after it opens.")})

    @property
    def ranked(self) -> bool:
        return self.mode == QuizMode.CONTEST

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at


class PaperRule(models.Model):
    """So many questions of one type from one subject, each worth so many points."""

    scope_exempt = "a rule of a paper: subject, question type, count and points; no person's or unit's data"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="rules", verbose_name=_("knowledge contest"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+", verbose_name=_("subject"))
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    count = models.PositiveSmallIntegerField(_("questions"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    points = models.DecimalField(
        _("points each"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    class Meta:
        verbose_name = _("paper rule")
        verbose_name_plural = _("paper rules")
        ordering = ["quiz", "pk"]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_kind_display()} × {self.count}"


class Participant(models.Model):
    """A person in a knowledge contest: attempts used and the best one (what the leaderboards read)."""

    scope_path = "unit"
    scope_owner = "member"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+", verbose_name=_("member"))
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    attempts_used = models.PositiveSmallIntegerField(default=0)
    best_score = models.DecimalField(_("best score"), max_digits=7, decimal_places=2, null=True, blank=True)
    best_seconds = models.PositiveIntegerField(_("time used (seconds)"), null=True, blank=True)
    best_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [models.UniqueConstraint(fields=["quiz", "member"], name="participant_once")]
        indexes = [
            models.Index(fields=["quiz", "unit"], name="participant_quiz_unit_idx"),
            models.Index(fields=["quiz", "-best_score", "best_seconds"], name="participant_board_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.quiz}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        from members.scoping import default_scope_q

        rows = default_scope_q(cls, scope, manage=manage) | organiser_q(scope, "quiz__", manage=manage)
        if manage:
            return rows
        # A ranked contest's leaderboard is public to its audience (names, units and best scores).
        return rows | (Q(quiz__mode=QuizMode.CONTEST) & audience_q(scope, "quiz__"))


class Attempt(models.Model):
    scope_path = "unit"
    scope_owner = "member"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=7, decimal_places=2)
    correct = models.PositiveSmallIntegerField(_("right answers"), null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "number"], name="attempt_number_once"),
            models.UniqueConstraint(
                fields=["participant"], condition=Q(submitted_at__isnull=True), name="attempt_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.quiz} #{self.number}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        from members.scoping import default_scope_q

        return default_scope_q(cls, scope, manage=manage) | organiser_q(scope, "quiz__", manage=manage)

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def seconds_left(self) -> int:
        return max(0, int((self.deadline - timezone.now()).total_seconds()))


class PaperQuestion(models.Model):
    """One question of an attempt's paper: its place, the order its options are shown in, the answer."""

    scope_path = "attempt__unit"
    scope_owner = "attempt__member"

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="paper")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    #: The bank's option indexes in the order this paper shows them.
    order = models.JSONField(default=list)
    points = models.DecimalField(max_digits=5, decimal_places=2)
    #: The chosen options as the bank's indexes, ascending ("0,2"); empty: not answered.
    chosen = models.CharField(max_length=20, blank=True)
    is_correct = models.BooleanField(null=True)
    saved_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("paper question")
        verbose_name_plural = _("paper questions")
        ordering = ["attempt", "position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="paper_position_once")]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.position}"

    @city_reads_all
    def scope_q(cls, scope: Scope, *, manage: bool) -> Q:
        from members.scoping import default_scope_q

        return default_scope_q(cls, scope, manage=manage) | organiser_q(scope, "attempt__quiz__", manage=manage)
