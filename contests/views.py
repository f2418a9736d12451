"""Pages of the works contests (/contests/): thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from members.models import Member
from members.pagination import PAGE_SIZES, paginate
from members.scoping import can_manage, require_officer, scope_for
from members.sheets import xlsx_response
from members.web import ServiceActionView, form_errors_from, messages_from

from . import exports, selectors, services
from .forms import (
    ContestFilterForm,
    ContestForm,
    CriterionFormSet,
    EntryForm,
    ExpertForm,
    JudgeMemberForm,
    ScoreForm,
    organizer_choices,
)
from .models import ContestStatus

SORTS = {
    "deadline": ("submissions_close_at", "pk"),
    "-deadline": ("-submissions_close_at", "-pk"),
    "title": ("title", "pk"),
}


class ContestListView(TemplateView):
    template_name = "contests/contest_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ContestFilterForm(self.request.GET or None)
        filters = selectors.ContestFilters()
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.ContestFilters(q=d["q"].strip(), kind=d["kind"], status=d["status"])
        sort = self.request.GET.get("sort", "-deadline")
        qs = selectors.contest_list(actor=self.request.user, filters=filters).order_by(
            *SORTS.get(sort, SORTS["-deadline"])
        )
        scope = scope_for(self.request.user)
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES, scope=scope)
        return ctx


class ContestFormView(TemplateView):
    template_name = "contests/contest_form.html"
    contest = None

    def form(self):
        scope = scope_for(self.request.user)
        choices = organizer_choices(scope)
        if not choices.exists():
            raise PermissionDenied
        return ContestForm(self.request.POST or None, instance=self.contest, organizers=choices)

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": self.form(), "contest": self.contest})

    def post(self, request, *args, **kwargs):
        form = self.form()
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.cleaned_data}
            try:
                if self.contest is None:
                    contest = services.contest_create(actor=request.user, data=data)
                    messages.success(request, _("Contest created: now set its rubric."))
                    return redirect("contests:rubric", contest.pk)
                contest = services.contest_update(actor=request.user, contest=self.contest, data=data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Contest saved."))
                return redirect("contests:detail", contest.pk)
        return self.render_to_response({"form": form, "contest": self.contest})


class ContestCreateView(ContestFormView):
    pass


class ContestUpdateView(ContestFormView):
    def dispatch(self, request, *args, **kwargs):
        self.contest = selectors.contest_get(actor=request.user, pk=kwargs["pk"], manage=True)
        return super().dispatch(request, *args, **kwargs)


class ContestDetailView(TemplateView):
    template_name = "contests/contest_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        contest = selectors.contest_get(actor=actor, pk=self.kwargs["pk"])
        manage = can_manage(actor, contest)
        activity_url = reverse("activities:detail", args=[contest.activity_id]) if contest.activity_id else ""
        ctx.update(
            contest=contest,
            manage=manage,
            criteria=list(contest.criteria.all()),
            entries=selectors.my_entries(actor=actor, contest=contest),
            can_enter=selectors.can_enter(actor=actor, contest=contest),
            activity_url=activity_url,
        )
        if manage:
            ctx["judges"] = list(selectors.judge_progress(actor=actor, contest=contest))
            ctx["entry_count"] = contest.entries.count()
        return ctx


class RubricView(TemplateView):
    template_name = "contests/rubric.html"

    def dispatch(self, request, *args, **kwargs):
        self.contest = selectors.contest_get(actor=request.user, pk=kwargs["pk"], manage=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        initial = [{"name": c.name, "weight": c.weight, "max_score": c.max_score} for c in self.contest.criteria.all()]
        if not initial:
            initial = [
                {"name": n, "weight": w, "max_score": w}
                for n, w in (("内容", 40), ("表达", 30), ("创意", 20), ("规范", 10))
            ]
        formset = CriterionFormSet(initial=initial)
        return self.render_to_response({"contest": self.contest, "formset": formset})

    def post(self, request, *args, **kwargs):
        formset = CriterionFormSet(request.POST)
        if formset.is_valid():
            rows = [
                (f.cleaned_data["name"], f.cleaned_data["weight"], f.cleaned_data["max_score"])
                for f in formset
                if f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.criteria_set(actor=request.user, contest=self.contest, rows=rows)
            except ValidationError as exc:
                messages_from(request, exc)
            else:
                messages.success(request, _("Rubric saved."))
                return redirect("contests:judges", self.contest.pk)
        return self.render_to_response({"contest": self.contest, "formset": formset})


class JudgesView(TemplateView):
    template_name = "contests/judges.html"

    def dispatch(self, request, *args, **kwargs):
        self.contest = selectors.contest_get(actor=request.user, pk=kwargs["pk"], manage=True)
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        ctx = {
            "contest": self.contest,
            "judges": selectors.judge_progress(actor=self.request.user, contest=self.contest),
            "member_form": JudgeMemberForm(),
            "expert_form": ExpertForm(),
        }
        ctx.update(extra)
        return ctx

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context())

    def post(self, request, *args, **kwargs):
        """Add a member judge (by card, mobile or name) or an outside expert (whose login is shown once)."""
        if "name" in request.POST:
            form = ExpertForm(request.POST)
            if form.is_valid():
                try:
                    _judge, issued = services.expert_add(actor=request.user, contest=self.contest, **form.cleaned_data)
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(
                        request, _("Expert added to the panel. Hand over the login below; it is shown once.")
                    )
                    return self.render_to_response(self.context(issued=issued))
            return self.render_to_response(self.context(expert_form=form))
        form = JudgeMemberForm(request.POST)
        if form.is_valid():
            who = form.cleaned_data["who"].strip()
            found = list(
                Member.objects.for_actor(request.user)
                .current()
                .filter(Q(card_number=who) | Q(mobile=who) | Q(name=who))[:2]
            )
            if len(found) != 1:
                form.add_error("who", _("No single member matches “%(who)s”: use the card number.") % {"who": who})
            else:
                try:
                    services.judge_add_member(actor=request.user, contest=self.contest, member=found[0])
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(request, _("%(name)s joins the panel.") % {"name": found[0].name})
                    return redirect("contests:judges", self.contest.pk)
        return self.render_to_response(self.context(member_form=form))


class ContestActionView(ServiceActionView):
    def get_success_url(self) -> str:
        return reverse("contests:detail", args=[self.kwargs["pk"]])

    def contest(self, request):
        return selectors.contest_get(actor=request.user, pk=self.kwargs["pk"])


class JudgeRemoveView(ContestActionView):
    success_message = _("Judge removed from the panel.")

    def act(self, request, **kwargs):
        contest = selectors.contest_get(actor=request.user, pk=kwargs["pk"], manage=True)
        judge = contest.judges.filter(pk=kwargs["jid"]).first()
        if judge is None:
            raise Http404
        services.judge_remove(actor=request.user, judge=judge)

    def get_success_url(self) -> str:
        return reverse("contests:judges", args=[self.kwargs["pk"]])


class JudgingStartView(ContestActionView):
    def act(self, request, **kwargs):
        return services.judging_start(actor=request.user, contest=self.contest(request))

    def get_success_message(self, result) -> str:
        return _("Judging is open: %(n)d score sheets handed out.") % {"n": result}


class RemindView(ContestActionView):
    def act(self, request, **kwargs):
        return services.judges_remind(actor=request.user, contest=self.contest(request))

    def get_success_message(self, result) -> str:
        return _("%(n)d judges reminded.") % {"n": result}


class CloseView(ContestActionView):
    def act(self, request, **kwargs):
        return services.judging_close(actor=request.user, contest=self.contest(request))

    def get_success_message(self, result) -> str:
        return _("Judging closed and the scores locked: %(n)d entries ranked.") % {"n": result}

    def get_success_url(self) -> str:
        return reverse("contests:results", args=[self.kwargs["pk"]])


class PublishView(ContestActionView):
    success_message = _("The results are on public notice.")

    def act(self, request, **kwargs):
        return services.results_publish(actor=request.user, contest=self.contest(request))

    def get_success_url(self) -> str:
        return reverse("contests:results", args=[self.kwargs["pk"]])


class FinaliseView(ContestActionView):
    def act(self, request, **kwargs):
        return services.results_finalise(actor=request.user, contest=self.contest(request))

    def get_success_message(self, result) -> str:
        text = _("The results are final: %(n)d honours written to the members' records.") % {"n": result.honours}
        if result.skipped:
            text += " " + _("Not written (moved to another unit): %(names)s.") % {"names": "、".join(result.skipped)}
        return text

    def get_success_url(self) -> str:
        return reverse("contests:results", args=[self.kwargs["pk"]])


class SubmissionsView(TemplateView):
    """Who has and has not submitted, per unit; a unit's roster with ?unit=."""

    template_name = "contests/submissions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        contest = selectors.contest_get(actor=actor, pk=self.kwargs["pk"], manage=True)
        ctx.update(contest=contest, units=selectors.submissions_by_unit(actor=actor, contest=contest))
        try:
            unit_id = int(self.request.GET.get("unit", ""))
        except ValueError:
            unit_id = None
        if unit_id:
            missing = self.request.GET.get("missing") == "1"
            roster = selectors.unit_roster(actor=actor, contest=contest, unit_id=unit_id, missing_only=missing)
            ctx.update(unit_id=unit_id, missing=missing, page=paginate(self.request, roster), page_sizes=PAGE_SIZES)
        return ctx


class ResultsView(TemplateView):
    template_name = "contests/results.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        contest = selectors.contest_get(actor=actor, pk=self.kwargs["pk"])
        results = selectors.results(actor=actor, contest=contest)
        ctx.update(contest=contest, page=paginate(self.request, results, default_size=50), page_sizes=PAGE_SIZES)
        ctx["manage"] = can_manage(actor, contest)
        if ctx["manage"] and contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED):
            ctx["sheets"] = selectors.sheets_by_entry(actor=actor, contest=contest)
        return ctx


class XlsxView(View):
    builder = None
    name = ""

    def get(self, request, pk):
        contest = selectors.contest_get(actor=request.user, pk=pk, manage=True)
        wb = type(self).builder(actor=request.user, contest=contest, request=request)
        return xlsx_response(wb, f"contest-{contest.pk}-{self.name}.xlsx")


class EntriesXlsxView(XlsxView):
    builder = staticmethod(exports.entries_workbook)
    name = "entries"


class ScoresXlsxView(XlsxView):
    builder = staticmethod(exports.scores_workbook)
    name = "scores"


class ResultsXlsxView(XlsxView):
    builder = staticmethod(exports.results_workbook)
    name = "results"


def _pdf(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class CertificatesView(View):
    def get(self, request, pk):
        contest = selectors.contest_get(actor=request.user, pk=pk, manage=True)
        if contest.status != ContestStatus.FINAL:
            messages.error(request, _("Certificates are issued once the results are final."))
            return redirect("contests:results", pk)
        return _pdf(
            exports.certificates_for_contest(actor=request.user, contest=contest, request=request),
            f"certificates-{pk}.pdf",
        )


class CertificateView(View):
    """One winner's certificate: for the winner and the organiser, once the results are final."""

    def get(self, request, pk):
        result = selectors.result_get(actor=request.user, pk=pk)
        scope = scope_for(request.user)
        if result.entry.member_id != scope.member_id and not can_manage(request.user, result.contest):
            raise PermissionDenied
        if result.contest.status != ContestStatus.FINAL or not result.prize:
            raise Http404
        return _pdf(exports.certificate_single(result), f"certificate-{result.certificate_no}.pdf", inline=True)


# --- entries --------------------------------------------------------------------------------------
class EntryCreateView(TemplateView):
    template_name = "contests/entry_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.contest = selectors.contest_get(actor=request.user, pk=kwargs["pk"])
        if not selectors.can_enter(actor=request.user, contest=self.contest):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"contest": self.contest, "form": EntryForm(contest=self.contest)})

    def post(self, request, *args, **kwargs):
        form = EntryForm(request.POST, request.FILES, contest=self.contest)
        if form.is_valid():
            try:
                entry = services.entry_submit(
                    actor=request.user,
                    contest=self.contest,
                    data=form.cleaned_data,
                    upload=form.cleaned_data.get("file"),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Your work is in. Its entry code is %(code)s.") % {"code": entry.code})
                return redirect("contests:entry_detail", entry.pk)
        return self.render_to_response({"contest": self.contest, "form": form})


class EntryDetailView(TemplateView):
    template_name = "contests/entry_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        entry = selectors.entry_get(actor=self.request.user, pk=self.kwargs["pk"])
        ctx.update(entry=entry, contest=entry.contest, own=entry.member_id == scope_for(self.request.user).member_id)
        if ctx["own"] and entry.contest.accepting:
            ctx["form"] = EntryForm(
                initial={
                    "title": entry.title,
                    "text": entry.text,
                    "team_name": entry.team_name,
                    "video_url": entry.video_url,
                },
                contest=entry.contest,
            )
        return ctx


class EntryReplaceView(View):
    def post(self, request, pk):
        entry = selectors.entry_get(actor=request.user, pk=pk)
        if entry.member_id != scope_for(request.user).member_id:
            raise PermissionDenied  # the organiser reads an entry; only its entrant changes it
        form = EntryForm(request.POST, request.FILES, contest=entry.contest)
        if form.is_valid():
            try:
                services.entry_replace(
                    actor=request.user, entry=entry, data=form.cleaned_data, upload=form.cleaned_data.get("file")
                )
            except ValidationError as exc:
                messages_from(request, exc)
            else:
                messages.success(request, _("Your entry is updated."))
        else:
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}: {' '.join(errors)}")
        return redirect("contests:entry_detail", pk)


class EntryWithdrawView(ServiceActionView):
    success_message = _("Your entry is withdrawn.")

    def act(self, request, **kwargs):
        entry = selectors.entry_get(actor=request.user, pk=kwargs["pk"])
        self.contest_id = entry.contest_id
        services.entry_withdraw(actor=request.user, entry=entry)

    def get_success_url(self) -> str:
        return reverse("contests:detail", args=[self.contest_id])

    def get_error_url(self) -> str:
        return reverse("contests:entry_detail", args=[self.kwargs["pk"]])


def _work_response(entry) -> FileResponse:
    if not entry.file:
        raise Http404
    response = FileResponse(entry.file.open("rb"), content_type=entry.content_type or "application/octet-stream")
    response["Content-Disposition"] = f'inline; filename="{entry.code}{entry.file.name[entry.file.name.rfind(".") :]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class EntryFileView(View):
    def get(self, request, pk):
        return _work_response(selectors.entry_get(actor=request.user, pk=pk))


# --- judging --------------------------------------------------------------------------------------
class JudgingHomeView(TemplateView):
    template_name = "contests/judging.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        sheets = selectors.judge_sheets(actor=self.request.user)
        ctx.update(page=paginate(self.request, sheets, default_size=50), page_sizes=PAGE_SIZES)
        return ctx


class SheetView(TemplateView):
    """The judge's sheet: the work by its code only, the rubric, the scores. Saved whole, under a lock."""

    template_name = "contests/sheet.html"
    correcting = False

    def dispatch(self, request, *args, **kwargs):
        self.sheet = selectors.sheet_get(actor=request.user, pk=kwargs["pk"], correcting=self.correcting)
        self.contest = self.sheet.judge.contest
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        initial = {f"c{k}": v for k, v in selectors.sheet_values(self.sheet).items()}
        criteria = self.contest.criteria.order_by("position", "pk")
        return ScoreForm(data, initial=initial, criteria=criteria, correcting=self.correcting)

    def context(self, form):
        editable = self.contest.status == ContestStatus.JUDGING or (
            self.correcting and self.contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED)
        )
        return {
            "sheet": self.sheet,
            "entry": self.sheet.entry,
            "contest": self.contest,
            "form": form,
            "editable": editable,
            "correcting": self.correcting,
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.context(self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.sheet_save(
                    actor=request.user,
                    assignment=self.sheet,
                    values=form.values(),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Scores saved for %(code)s.") % {"code": self.sheet.entry.code})
                if self.correcting:
                    return redirect("contests:results", self.contest.pk)
                return redirect(self.next_url())
        return self.render_to_response(self.context(form))

    def next_url(self) -> str:
        following = (
            selectors.judge_sheets(actor=self.request.user)
            .filter(judge__contest=self.contest, completed_at__isnull=True)
            .exclude(pk=self.sheet.pk)
            .first()
        )
        return reverse("contests:sheet", args=[following.pk]) if following else reverse("contests:judging")


class SheetCorrectView(SheetView):
    correcting = True

    def dispatch(self, request, *args, **kwargs):
        require_officer(actor=request.user)
        return super().dispatch(request, *args, **kwargs)


class SheetFileView(View):
    def get(self, request, pk):
        return _work_response(selectors.sheet_get(actor=request.user, pk=pk).entry)
