from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from members.pagination import paginate
from members.scoping import can_manage, get_for_actor, scope_for
from members.sheets import Col, new_workbook, write_sheet, xlsx_response
from members.web import ServiceActionView, form_errors_from

from . import selectors, services
from .charts import question_charts
from .forms import AnswerForm, QuestionForm, SurveyForm
from .models import Question, SurveyStatus


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class SurveyListView(TemplateView):
    template_name = "surveys/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor, get = self.request.user, self.request.GET
        scope = scope_for(actor)
        ctx["open"] = selectors.open_for_me(actor=actor)
        if scope.is_officer:
            qs = selectors.managed_list(actor=actor, q=get.get("q", "").strip()[:50], status=get.get("status", ""))
            ctx["page"] = paginate(self.request, qs)
            ctx["statuses"] = SurveyStatus.choices
            ctx["can_create"] = services.owners_for(actor).exists()
        return ctx


class SurveyCreateView(TemplateView):
    template_name = "surveys/form.html"

    def _owners(self):
        owners = services.owners_for(self.request.user)
        if not owners.exists():
            raise PermissionDenied
        return owners

    def get(self, request, *args, **kwargs):
        now = timezone.localtime().replace(second=0, microsecond=0)
        form = SurveyForm(
            initial={"starts_at": now, "ends_at": now + timezone.timedelta(days=14)}, owners=self._owners()
        )
        return self.render_to_response({"form": form})

    def post(self, request, *args, **kwargs):
        form = SurveyForm(request.POST, owners=self._owners())
        if form.is_valid():
            try:
                survey = services.survey_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The survey is drafted: check the questions, then publish it."))
                return redirect("surveys:detail", pk=survey.pk)
        return self.render_to_response({"form": form})


class SurveyDetailView(TemplateView):
    """The questionnaire's builder (officers who manage it) and its overview."""

    template_name = "surveys/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        survey = selectors.survey_get(actor=self.request.user, pk=kwargs["pk"])
        manage = can_manage(self.request.user, survey)
        if not manage:
            selectors.require_results(self.request.user, survey)
        ctx.update(
            survey=survey,
            manage=manage,
            questions=survey.questions.prefetch_related("options"),
            respondents=survey.respondents.count(),
            question_form=QuestionForm(),
        )
        return ctx


class QuestionAddView(ServiceActionView):
    def act(self, request, pk):
        self.pk = pk
        survey = selectors.survey_get(actor=request.user, pk=pk, manage=True)
        form = QuestionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Check the question: %(errors)s") % {"errors": form.errors.as_text()})
        return services.question_add(actor=request.user, survey=survey, **form.cleaned_data)

    def get_success_message(self, question):
        return _("Question added.")

    def get_success_url(self):
        return reverse("surveys:detail", args=[self.pk])


class QuestionRemoveView(ServiceActionView):
    success_message = ""

    def act(self, request, pk, question_pk):
        self.pk = pk
        survey = selectors.survey_get(actor=request.user, pk=pk, manage=True)
        question = get_for_actor(Question, request.user, manage=True, pk=question_pk, survey=survey)
        services.question_remove(actor=request.user, question=question)
        messages.success(request, _("Removed."))

    def get_success_url(self):
        return reverse("surveys:detail", args=[self.pk])


ACTIONS = {
    "publish": (services.survey_publish, _("The survey is published.")),
    "close": (services.survey_close, _("The survey is closed.")),
}


class SurveyActionView(ServiceActionView):
    def act(self, request, pk, action):
        self.pk = pk
        if action not in ACTIONS:
            raise Http404
        call, self.success_message = ACTIONS[action]
        survey = selectors.survey_get(actor=request.user, pk=pk, manage=True)
        return call(actor=request.user, survey=survey)

    def get_success_url(self):
        return reverse("surveys:detail", args=[self.pk])


class AnswerView(TemplateView):
    """Answer once, from a phone."""

    template_name = "surveys/answer.html"

    def _survey(self):
        survey = selectors.survey_get(actor=self.request.user, pk=self.kwargs["pk"])
        if survey.status == SurveyStatus.DRAFT:
            raise Http404
        return survey

    def _ctx(self, survey, form=None):
        questions = survey.questions.prefetch_related("options")
        return {
            "survey": survey,
            "open": survey.is_open_at(timezone.now()),
            "answered": selectors.has_answered(survey, scope_for(self.request.user).member_id),
            "form": form or AnswerForm(questions=questions),
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._ctx(self._survey()))

    def post(self, request, *args, **kwargs):
        survey = self._survey()
        form = AnswerForm(request.POST, questions=survey.questions.prefetch_related("options"))
        if form.is_valid():
            try:
                services.response_submit(actor=request.user, survey=survey, answers=form.answers())
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Thank you: your answers are in."))
                return redirect("surveys:list")
        return self.render_to_response(self._ctx(survey, form))


class ResultsView(TemplateView):
    template_name = "surveys/results.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        survey = selectors.survey_get(actor=self.request.user, pk=kwargs["pk"])
        unit_id = _int(self.request.GET.get("unit"))
        res = selectors.results(actor=self.request.user, survey=survey, unit_id=unit_id)
        ctx.update(survey=survey, results=res, items=question_charts(res), unit_id=unit_id)
        return ctx


class ExportView(View):
    """The results as xlsx: counts per question, the free-text answers, and for a named survey the responses
    with the people (an access record is written for those)."""

    def get(self, request, pk):
        survey = selectors.survey_get(actor=request.user, pk=pk)
        unit_id = _int(request.GET.get("unit"))
        res = selectors.results(actor=request.user, survey=survey, unit_id=unit_id)
        wb = new_workbook()
        rows = []
        for i, qr in enumerate(res.questions, start=1):
            for label, n in qr.counts:
                rows.append([i, qr.question.text, label, n, (n / qr.answered) if qr.answered else 0])
        write_sheet(
            wb,
            _("Survey results"),
            [
                Col(_("No."), 6, "count"),
                Col(_("question"), 40),
                Col(_("option"), 24),
                Col(_("answers"), 10, "count"),
                Col(_("share"), 10, "percent"),
            ],
            rows,
            heading=f"{survey.title}（{res.responses}）",
        )
        if not res.suppressed:
            texts = selectors.all_texts(actor=request.user, survey=survey, unit_id=unit_id)
            write_sheet(wb, _("Free-text answers"), [Col(_("question"), 40), Col(_("answer"), 80)], texts.iterator())
        if not survey.anonymous:
            questions = list(survey.questions.all())
            named = selectors.named_rows(actor=request.user, survey=survey, unit_id=unit_id, request=request)
            data = []
            for r in named:
                by_q: dict[int, list[str]] = {}
                for a in r.answers.all():
                    by_q.setdefault(a.question_id, []).append(a.option.label if a.option else str(a.value or a.text))
                data.append(
                    [r.member.name, r.unit.name if r.unit else ""] + ["、".join(by_q.get(q.pk, [])) for q in questions]
                )
            write_sheet(
                wb,
                _("Responses"),
                [Col(_("name"), 12), Col(_("unit"), 20)] + [Col(q.text[:30], 20) for q in questions],
                data,
            )
        return xlsx_response(wb, f"survey-{survey.pk}.xlsx")
