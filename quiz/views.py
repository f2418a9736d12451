"""Pages of the knowledge contests and drills (/quiz/): thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from members.audit import AccessAction, record_access
from members.models import Organization
from members.pagination import PAGE_SIZES, paginate
from members.scoping import can_manage, scope_for
from members.sheets import Col, new_workbook, write_sheet, xlsx_response
from members.web import form_errors_from, messages_from

from . import bank, selectors, services
from .forms import ImportForm, QuizFilterForm, QuizForm, RuleFormSet, SubjectForm
from .models import Question, Subject


def organizer_choices(actor):
    scope = scope_for(actor)
    if scope.sees_all:
        return Organization.objects.filter(is_active=True).order_by("kind", "sort_order", "name")
    return Organization.objects.filter(pk__in=scope.manageable_unit_ids).order_by("sort_order", "name")


def parse_answers(data) -> dict[int, list[int]]:
    """``q<position>`` → the chosen option indexes; anything malformed is left out (never a 500)."""
    answers: dict[int, list[int]] = {}
    for key in data:
        if not key.startswith("q") or not key[1:].isdigit() or len(key) > 5:
            continue
        values = []
        for raw in data.getlist(key)[:6]:
            if raw.isdigit() and len(raw) < 3:
                values.append(int(raw))
        answers[int(key[1:])] = values
    return answers


class QuizListView(TemplateView):
    template_name = "quiz/quiz_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = QuizFilterForm(self.request.GET or None)
        filters = selectors.QuizFilters()
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.QuizFilters(q=d["q"].strip(), mode=d["mode"], state=d["state"])
        qs = selectors.quiz_list(actor=self.request.user, filters=filters).order_by("-opens_at", "-pk")
        ctx.update(
            form=form, page=paginate(self.request, qs), page_sizes=PAGE_SIZES, scope=scope_for(self.request.user)
        )
        return ctx


class QuizCreateView(TemplateView):
    template_name = "quiz/quiz_form.html"

    def forms(self):
        organizers = organizer_choices(self.request.user)
        if not organizers.exists():
            raise PermissionDenied
        subjects = Subject.objects.for_actor(self.request.user, manage=True).order_by("name")
        data = self.request.POST or None
        return QuizForm(data, organizers=organizers), RuleFormSet(data, form_kwargs={"subjects": subjects})

    def get(self, request, *args, **kwargs):
        form, rules = self.forms()
        return self.render_to_response({"form": form, "rules": rules})

    def post(self, request, *args, **kwargs):
        form, rules = self.forms()
        if form.is_valid() and rules.is_valid():
            rows = [
                (f.cleaned_data["subject"], f.cleaned_data["kind"], f.cleaned_data["count"], f.cleaned_data["points"])
                for f in rules
                if f.cleaned_data
            ]
            try:
                quiz = services.quiz_create(actor=request.user, data=form.cleaned_data, rules=rows)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form_errors_from(form, exc)
                else:
                    rules._non_form_errors = rules.error_class(exc.messages)
            else:
                messages.success(request, _("Knowledge contest created."))
                return redirect("quiz:detail", quiz.pk)
        return self.render_to_response({"form": form, "rules": rules})


class QuizDetailView(TemplateView):
    template_name = "quiz/quiz_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        quiz = selectors.quiz_get(actor=actor, pk=self.kwargs["pk"])
        attempts = selectors.my_attempts(actor=actor, quiz=quiz)
        used = len(attempts)
        ctx.update(
            quiz=quiz,
            rules=list(quiz.rules.select_related("subject")),
            attempts=attempts,
            can_take=selectors.can_take(actor=actor, quiz=quiz),
            open_attempt=next((a for a in attempts if a.is_open), None),
            left=None if not quiz.ranked else max(quiz.attempts_allowed - used, 0),
            manage=can_manage(actor, quiz),
        )
        return ctx


class AttemptStartView(View):
    def post(self, request, pk):
        quiz = selectors.quiz_get(actor=request.user, pk=pk)
        try:
            attempt = services.attempt_start(actor=request.user, quiz=quiz)
        except ValidationError as exc:
            messages_from(request, exc)
            return redirect("quiz:detail", pk)
        return redirect("quiz:attempt", attempt.pk)


class AttemptView(TemplateView):
    """The paper while it runs (answers saved as one goes), the score and explanations after."""

    template_name = "quiz/attempt.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        attempt = selectors.attempt_get(actor=self.request.user, pk=self.kwargs["pk"])
        if attempt.is_open and attempt.seconds_left == 0:
            attempt = services.expired_attempt_close(actor=self.request.user, attempt=attempt)
        ctx.update(attempt=attempt, quiz=attempt.quiz, questions=selectors.paper(attempt))
        return ctx


class AnswerView(View):
    """One answer, saved at once (the page calls it on every change): 204, or 409 when time is up."""

    def post(self, request, pk):
        selectors.attempt_get(actor=request.user, pk=pk)  # 404 for anyone's but the own
        try:
            position = int(request.POST.get("position", ""))
        except ValueError:
            return JsonResponse({"error": "position"}, status=400)
        values = parse_answers(request.POST).get(position, [])
        try:
            saved = services.answer_save(actor=request.user, attempt_id=pk, position=position, values=values)
        except ValidationError:
            return JsonResponse({"error": "position"}, status=400)
        return HttpResponse(status=204 if saved else 409)


class SubmitView(View):
    def post(self, request, pk):
        attempt = services.attempt_submit(actor=request.user, attempt_id=pk, answers=parse_answers(request.POST))
        messages.success(
            request, _("Handed in: %(score)s of %(max)s points.") % {"score": attempt.score, "max": attempt.max_score}
        )
        return redirect("quiz:attempt", pk)


class LeaderboardView(TemplateView):
    template_name = "quiz/leaderboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        quiz = selectors.quiz_get(actor=actor, pk=self.kwargs["pk"])
        if not quiz.ranked and not can_manage(actor, quiz):
            raise Http404  # a drill is practice: no ranking
        tab = "units" if self.request.GET.get("tab") == "units" else "people"
        ctx.update(quiz=quiz, tab=tab)
        if tab == "units":
            order = "average" if self.request.GET.get("order") == "average" else "rate"
            ctx.update(units=selectors.unit_board(actor=actor, quiz=quiz, order=order), order=order)
        else:
            people = selectors.person_board(actor=actor, quiz=quiz)
            q = self.request.GET.get("q", "").strip()[:30]
            if q:
                people = people.filter(member__name__icontains=q)
            page = paginate(self.request, people, default_size=50)
            ctx.update(
                page=page, page_sizes=PAGE_SIZES, q=q, offset=page.start_index() - 1 if page.paginator.count else 0
            )
        return ctx


class LeaderboardXlsxView(View):
    def get(self, request, pk):
        quiz = selectors.quiz_get(actor=request.user, pk=pk)
        if not quiz.ranked and not can_manage(request.user, quiz):
            raise Http404
        wb = new_workbook()
        people = selectors.person_board(actor=request.user, quiz=quiz)
        cols = [
            Col(_("Rank"), 6, "count"),
            Col(_("Name"), 12),
            Col(_("Unit"), 24),
            Col(_("Best score"), 10, number_format="0.00"),
            Col(_("Time used (seconds)"), 12, "count"),
        ]
        n = write_sheet(
            wb,
            _("People"),
            cols,
            (
                [i, p.member.name, p.unit.name, p.best_score, p.best_seconds]
                for i, p in enumerate(people.iterator(), start=1)
            ),
            heading=f"{quiz.title} 个人排行",
        )
        units = selectors.unit_board(actor=request.user, quiz=quiz)
        ucols = [
            Col(_("Rank"), 6, "count"),
            Col(_("Unit"), 24),
            Col(_("Current members"), 10, "count"),
            Col(_("Participants"), 10, "count"),
            Col(_("Participation rate"), 10, "percent"),
            Col(_("Average score"), 10, number_format="0.00"),
        ]
        write_sheet(
            wb,
            _("Units"),
            ucols,
            ([u["rank"], u["name"], u["members"], u["participants"], u["rate"], u["average"]] for u in units),
            heading=f"{quiz.title} 单位排行",
        )
        record_access(
            actor=request.user,
            action=AccessAction.EXPORT,
            what=f"{quiz.title} · 排行榜",
            rows=n,
            obj=quiz,
            unit=quiz.organizer_id,
            request=request,
            app="quiz",
        )
        return xlsx_response(wb, f"quiz-{quiz.pk}-leaderboard.xlsx")


# --- the bank -------------------------------------------------------------------------------------
class SubjectListView(TemplateView):
    template_name = "quiz/subject_list.html"

    def form(self):
        organizers = organizer_choices(self.request.user)
        if not organizers.exists():
            raise PermissionDenied
        return SubjectForm(self.request.POST or None, organizers=organizers)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", self.form())
        ctx["subjects"] = selectors.subject_list(actor=self.request.user).order_by("name")
        return ctx

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            try:
                subject = services.subject_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Subject created: now import its questions."))
                return redirect("quiz:subject", subject.pk)
        return self.render_to_response(self.get_context_data(form=form))


class SubjectView(TemplateView):
    template_name = "quiz/subject_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        subject = selectors.subject_get(actor=self.request.user, pk=self.kwargs["pk"])
        questions = subject.questions.order_by("pk")
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            questions = questions.filter(text__icontains=q)
        kind = self.request.GET.get("kind", "")
        if kind in dict(Question._meta.get_field("kind").choices):
            questions = questions.filter(kind=kind)
        ctx.update(subject=subject, page=paginate(self.request, questions), page_sizes=PAGE_SIZES, q=q, kind=kind)
        ctx.setdefault("form", ImportForm())
        return ctx

    def post(self, request, *args, **kwargs):
        subject = selectors.subject_get(actor=request.user, pk=kwargs["pk"])
        form = ImportForm(request.POST, request.FILES)
        outcome = None
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            outcome = services.questions_import(actor=request.user, subject=subject, data=data)
            if outcome.ok:
                messages.success(request, _("%(n)d questions imported.") % {"n": outcome.created})
                return redirect("quiz:subject", subject.pk)
        return self.render_to_response(self.get_context_data(form=form, outcome=outcome))


class TemplateXlsxView(View):
    def get(self, request):
        if not organizer_choices(request.user).exists():
            raise PermissionDenied
        return xlsx_response(bank.template_workbook(), "question-bank-template.xlsx")
