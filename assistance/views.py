"""Pages of the assistance app: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from members.pagination import PAGE_SIZES, paginate
from members.pinyin import NameOrder
from members.scoping import require_city_admin, scope_for
from members.web import ServiceActionView, form_errors_from

from . import exports, forms, selectors, services
from .models import CampaignKind, HomeVisit, NoticeRule, Source, Status
from .workdays import end_after

#: ?sort= keys of each list and the columns they order by; "-key" reverses (members' sort_header tag).
CASE_SORTS = {
    "created": ("created_at", "pk"),
    "name": (NameOrder("member__name", "member__name_pinyin"), "pk"),
    "due": ("review_due", "pk"),
    "unit": ("unit__sort_order", "unit__name", "pk"),
}
CAMPAIGN_SORTS = {"name": ("name", "pk"), "opens_on": ("opens_on", "pk")}
RECUPERATION_SORTS = {
    "starts_on": ("starts_on", "pk"),
    "name": (NameOrder("member__name", "member__name_pinyin"), "pk"),
}


def _reversed(column):
    """A column of an ordering, the other way round (a name's pinyin order is an expression)."""
    if isinstance(column, str):
        return column[1:] if column.startswith("-") else f"-{column}"
    return column.desc()


def _ordering(request, sorts: dict[str, tuple[str, ...]], default: str) -> tuple[str, tuple[str, ...]]:
    """The ?sort= of the request (or the default) and its columns; "-key" reverses each column."""
    sort = request.GET.get("sort", default)
    if sort.lstrip("-") not in sorts:
        sort = default
    columns = sorts[sort.lstrip("-")]
    if sort.startswith("-"):
        columns = tuple(_reversed(c) for c in columns)
    return sort, columns


def _form_problems(form) -> ValidationError:
    """A bound form's errors as one ValidationError of "label: problem" lines (for the page's messages)."""
    lines = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        lines += [_("%(label)s: %(problem)s") % {"label": label, "problem": e} if label else e for e in errors]
    return ValidationError(lines)


class CaseListView(TemplateView):
    template_name = "assistance/case_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor, today = self.request.user, timezone.localdate()
        selectors.require_file_access(actor)
        form = forms.CaseFilterForm(self.request.GET or None, units=selectors.unit_choices(actor=actor))
        filters = selectors.CaseFilters()
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.CaseFilters(
                q=d["q"].strip(),
                status=d["status"],
                category=d["category"],
                unit_id=d["unit"].pk if d["unit"] else None,
                due=d["due"],
            )
        sort, ordering = _ordering(self.request, CASE_SORTS, "-created")
        qs = selectors.case_list(actor=actor, filters=filters, today=today).order_by(*ordering)
        qs = qs.only(*selectors.CASE_LIST_COLUMNS)  # not the file's sensitive details: the list shows none
        ctx.update(
            form=form,
            page=paginate(self.request, qs),
            sort=sort,
            page_sizes=PAGE_SIZES,
            counts=selectors.case_due_counts(actor=actor, today=today),
            today=today,
        )
        return ctx


class CaseCreateView(TemplateView):
    template_name = "assistance/case_form.html"

    def get(self, request, *args, **kwargs):
        selectors.require_file_access(request.user)
        initial = {"card_number": request.GET.get("card", "")[:20]}
        return self.render_to_response({"form": forms.CaseOpenForm(initial=initial), "creating": True})

    def post(self, request, *args, **kwargs):
        selectors.require_file_access(request.user)
        form = forms.CaseOpenForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            member = selectors.member_for_case(actor=request.user, card_number=d["card_number"])
            if member is None:
                form.add_error("card_number", _("No member of a unit you manage has this card number."))
            else:
                data = {f: d[f] for f in forms.CaseForm.Meta.fields}
                try:
                    case = services.case_open(
                        actor=request.user,
                        member=member,
                        data=data,
                        household=d["household_text"],
                        bank_account=d["bank_account"],
                    )
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(request, _("File %(number)s opened as a draft.") % {"number": case.number})
                    return redirect("assistance:case_detail", case.pk)
        return self.render_to_response({"form": form, "creating": True})


class CaseUpdateView(TemplateView):
    template_name = "assistance/case_form.html"

    def get(self, request, *args, **kwargs):
        case = selectors.case_read(actor=request.user, pk=self.kwargs["pk"], request=request)
        return self.render_to_response({"form": forms.CaseForm(instance=case), "case": case})

    def post(self, request, *args, **kwargs):
        case = selectors.case_get(actor=request.user, pk=self.kwargs["pk"])
        form = forms.CaseForm(request.POST, instance=case)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in forms.CaseForm.Meta.fields}
            try:
                services.case_update(
                    actor=request.user,
                    case=case,
                    data=data,
                    bank_account=form.cleaned_data["bank_account"],
                    add_household=form.cleaned_data["household_text"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("File %(number)s saved.") % {"number": case.number})
                return redirect("assistance:case_detail", case.pk)
        return self.render_to_response({"form": form, "case": case})


class HouseholdRemoveView(ServiceActionView):
    def act(self, request, pk, person_pk):
        case = selectors.case_get(actor=request.user, pk=pk)
        self.person = case.household.filter(pk=person_pk).first()
        if self.person is None:
            raise Http404
        return services.household_remove(actor=request.user, person=self.person)

    def get_success_message(self, result) -> str:
        return _("%(name)s removed from the household.") % {"name": self.person.name}

    def get_success_url(self) -> str:
        return reverse("assistance:case_update", args=[self.kwargs["pk"]])


class CaseDetailView(TemplateView):
    template_name = "assistance/case_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        case = selectors.case_read(actor=actor, pk=self.kwargs["pk"], request=self.request)
        scope = scope_for(actor)
        ctx.update(
            case=case,
            Status=Status,
            household=list(case.household.all()),
            steps=list(case.steps.select_related("actor")),
            visits=list(case.visits.all()),
            documents=list(case.documents.all()),
            grants=list(case.grants.select_related("campaign")),
            reason_form=forms.ReasonForm(),
            note_form=forms.NoteForm(),
            visit_form=forms.VisitForm(initial={"visited_on": timezone.localdate()}),
            notice_form=forms.NoticeForm(
                initial={
                    "start": timezone.localdate(),
                    "end": end_after(timezone.localdate(), NoticeRule.current().min_working_days),
                }
            ),
            reverify_form=forms.ReverifyForm(),
            document_form=forms.DocumentForm(),
            received_form=forms.ReceivedForm(),
            scope_city=scope.is_city_admin,
            can_manage=selectors.can_manage_case(actor=actor, case=case),
        )
        return ctx


#: action → (form class or None, service call)
STEP_ACTIONS = {
    "submit": (None, lambda actor, case, d: services.case_submit(actor=actor, case=case)),
    "visit": (
        forms.VisitForm,
        lambda actor, case, d: services.case_record_visit(
            actor=actor,
            case=case,
            visited_on=d["visited_on"],
            visitors=d["visitors"],
            findings=d["findings"],
            consent=d["consent"],
        ),
    ),
    "review": (forms.NoteForm, lambda actor, case, d: services.case_review(actor=actor, case=case, note=d["note"])),
    "notice": (
        forms.NoticeForm,
        lambda actor, case, d: services.case_start_notice(actor=actor, case=case, start=d["start"], end=d["end"]),
    ),
    "approve": (forms.NoteForm, lambda actor, case, d: services.case_approve(actor=actor, case=case, note=d["note"])),
    "return": (
        forms.ReasonForm,
        lambda actor, case, d: services.case_return(actor=actor, case=case, reason=d["reason"]),
    ),
    "reject": (
        forms.ReasonForm,
        lambda actor, case, d: services.case_reject(actor=actor, case=case, reason=d["reason"]),
    ),
    "reverify": (
        forms.ReverifyForm,
        lambda actor, case, d: services.case_reverify(
            actor=actor,
            case=case,
            outcome=d["outcome"],
            note=d["note"],
            category=d["category"],
            close_reason=d["close_reason"],
            follow_up_on=d["follow_up_on"],
        ),
    ),
}


#: the step's form in the file page's context
STEP_FORM_CONTEXT = {
    "visit": "visit_form",
    "review": "note_form",
    "notice": "notice_form",
    "approve": "note_form",
    "return": "reason_form",
    "reject": "reason_form",
    "reverify": "reverify_form",
}
#: a service's field name → the step form's field that the person filled in
STEP_FORM_FIELDS = {"income_check_consent": "consent", "notice_start": "start", "notice_end": "end"}


class CaseStepView(ServiceActionView):
    """POST one workflow step (STEP_ACTIONS); another unit's file is a 404.

    A step with a form that is refused (a field missing, the service's rule: no signed consent, a notice
    too short) shows the file's page again with the form as it was typed and each problem on its field,
    named by its label; a step without a form that is refused comes back as a message."""

    def post(self, request, *args, **kwargs):
        action = kwargs["action"]
        if action not in STEP_ACTIONS:
            raise Http404
        form_class, call = STEP_ACTIONS[action]
        if form_class is None:
            return super().post(request, *args, **kwargs)
        case = selectors.case_get(actor=request.user, pk=kwargs["pk"])
        form = form_class(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError({})
            self.result = call(request.user, case, form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError({STEP_FORM_FIELDS.get(f, f): e for f, e in exc.error_dict.items()})
            if exc.messages or hasattr(exc, "error_dict") and exc.error_dict:
                form_errors_from(form, exc)
            for line in _form_problems(form).messages:
                messages.error(request, line)
            view = CaseDetailView()
            view.setup(request, pk=kwargs["pk"])
            context = view.get_context_data(pk=kwargs["pk"])
            context[STEP_FORM_CONTEXT[action]] = form
            return view.render_to_response(context)
        messages.success(request, self.get_success_message(self.result))
        return redirect(self.get_success_url())

    def act(self, request, pk, action):
        case = selectors.case_get(actor=request.user, pk=pk)
        return STEP_ACTIONS[action][1](request.user, case, {})

    def get_success_message(self, result) -> str:
        case = result.case if isinstance(result, HomeVisit) else result  # a visit is recorded with its step
        return _("Done: the file is now “%(status)s”.") % {"status": case.get_status_display()}

    def get_success_url(self) -> str:
        return reverse("assistance:case_detail", args=[self.kwargs["pk"]])


class DocumentUploadView(ServiceActionView):
    def act(self, request, pk):
        case = selectors.case_get(actor=request.user, pk=pk)
        form = forms.DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        return services.document_add(
            actor=request.user, case=case, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
        )

    def get_success_message(self, result) -> str:
        return _("Document added.")

    def get_success_url(self) -> str:
        return reverse("assistance:case_detail", args=[self.kwargs["pk"]])


class DocumentDownloadView(View):
    """Documents are served only here, after the scope check; the selector records every opening."""

    def get(self, request, pk):
        doc = selectors.document_open(actor=request.user, pk=pk, request=request)
        response = FileResponse(doc.file.open("rb"), content_type=doc.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class NoticeView(TemplateView):
    """The public notice (公示): names masked, nothing sensitive."""

    template_name = "assistance/notice.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = [
            {
                "name": services.mask_name(c.member.name),
                "unit": c.unit.name,
                "category": c.get_category_display(),
                "start": c.notice_start,
                "end": c.notice_end,
                "number": c.number,
            }
            for c in selectors.notice_list(actor=self.request.user, today=today)[:500]
        ]
        ctx.update(rows=rows, today=today)
        return ctx


class CampaignListView(TemplateView):
    template_name = "assistance/campaign_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:50]
        kind = self.request.GET.get("kind", "")
        qs = selectors.campaign_list(actor=self.request.user)
        if q:
            qs = qs.filter(name__icontains=q)
        if kind:
            qs = qs.filter(kind=kind)
        sort, ordering = _ordering(self.request, CAMPAIGN_SORTS, "-opens_on")
        qs = qs.order_by(*ordering)
        ctx.update(
            page=paginate(self.request, qs),
            q=q,
            kind=kind,
            kinds=CampaignKind.choices,
            sort=sort,
            scope_city=scope_for(self.request.user).is_city_admin,
        )
        return ctx


class CampaignCreateView(TemplateView):
    """Campaigns are the city union's: unit officers get 403 here, not a form the service would refuse."""

    template_name = "assistance/campaign_form.html"

    def _check(self):
        selectors.require_file_access(self.request.user)
        require_city_admin(self.request.user)

    def get(self, request, *args, **kwargs):
        self._check()
        return self.render_to_response({"form": forms.CampaignForm()})

    def post(self, request, *args, **kwargs):
        self._check()
        form = forms.CampaignForm(request.POST)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in forms.CampaignForm.Meta.fields}
            try:
                campaign = services.campaign_create(actor=request.user, data=data, budgets=form.budgets())
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Campaign %(name)s created.") % {"name": campaign.name})
                return redirect("assistance:campaign_detail", campaign.pk)
        return self.render_to_response({"form": form})


class CampaignDetailView(TemplateView):
    template_name = "assistance/campaign_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        campaign = selectors.campaign_get(actor=actor, pk=self.kwargs["pk"])
        roster = selectors.roster_for(actor=actor, campaign=campaign).order_by("case__unit__sort_order", "pk")
        granted = set(selectors.granted_lines(actor=actor, campaign=campaign))
        totals = selectors.grant_totals(actor=actor, filters=selectors.GrantFilters(campaign_id=campaign.pk))
        spent = {r["source"]: r["total"] for r in totals["by_campaign_source"]}
        budgets = [
            {"label": b.get_source_display(), "amount": b.amount, "spent": spent.get(b.source) or 0}
            for b in campaign.budgets.all()
        ]
        page = paginate(self.request, roster, default_size=50)
        for entry in page:
            entry.granted = (entry.case_id, entry.purpose) in granted
        ctx.update(
            campaign=campaign,
            page=page,
            page_sizes=PAGE_SIZES,
            budgets=budgets,
            roster_form=forms.RosterForm(
                cases=selectors.eligible_cases(actor=actor).order_by(
                    "unit__sort_order", NameOrder("member__name", "member__name_pinyin")
                ),
                initial={"source": Source.UNION},
            ),
            batch_form=forms.BatchGrantForm(),
            scope_city=scope_for(actor).is_city_admin,
        )
        return ctx


class RosterAddView(ServiceActionView):
    def act(self, request, pk):
        campaign = selectors.campaign_get(actor=request.user, pk=pk)
        form = forms.RosterForm(request.POST, cases=selectors.eligible_cases(actor=request.user))
        if not form.is_valid():
            raise _form_problems(form)
        d = form.cleaned_data
        return services.roster_add(
            actor=request.user,
            campaign=campaign,
            case=d["case"],
            purpose=d["purpose"],
            source=d["source"],
            amount=d["amount"],
        )

    def get_success_message(self, result) -> str:
        return _("%(number)s added to the roster.") % {"number": result.case.number}

    def get_success_url(self) -> str:
        return reverse("assistance:campaign_detail", args=[self.kwargs["pk"]])


class RosterRemoveView(ServiceActionView):
    def act(self, request, pk):
        self.entry = selectors.roster_entry_get(actor=request.user, pk=pk)
        return services.roster_remove(actor=request.user, entry=self.entry)

    def get_success_message(self, result) -> str:
        return _("Removed from the roster.")

    def get_success_url(self) -> str:
        return reverse("assistance:campaign_detail", args=[self.entry.campaign_id])


class BatchGrantView(ServiceActionView):
    def act(self, request, pk):
        campaign = selectors.campaign_get(actor=request.user, pk=pk)
        services.city_require_manage(actor=request.user)  # 403 first, whatever was posted
        form = forms.BatchGrantForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Enter a valid grant date."))
        return services.grants_from_roster(
            actor=request.user, campaign=campaign, granted_on=form.cleaned_data["granted_on"]
        )

    def get_success_message(self, result) -> str:
        created, skipped = result
        return _("%(created)s grants created; %(skipped)s roster lines skipped (already granted or not filed).") % {
            "created": created,
            "skipped": skipped,
        }

    def get_success_url(self) -> str:
        return reverse("assistance:campaign_detail", args=[self.kwargs["pk"]])


class GrantReceivedView(ServiceActionView):
    def act(self, request, pk):
        self.grant = selectors.grant_get(actor=request.user, pk=pk)
        form = forms.ReceivedForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Enter a valid date received."))
        return services.grant_mark_received(
            actor=request.user, grant=self.grant, received_on=form.cleaned_data["received_on"]
        )

    def get_success_message(self, result) -> str:
        return _("The recipient's sign-off is recorded.")

    def get_success_url(self) -> str:
        return reverse("assistance:case_detail", args=[self.grant.case_id])


def _grant_filters(request):
    form = forms.GrantFilterForm(
        request.GET or None,
        units=selectors.unit_choices(actor=request.user),
        campaigns=selectors.campaign_choices(actor=request.user),
    )
    filters = selectors.GrantFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.GrantFilters(
            campaign_id=d["campaign"].pk if d["campaign"] else None,
            source=d["source"],
            unit_id=d["unit"].pk if d["unit"] else None,
            date_from=d["date_from"],
            date_to=d["date_to"],
            campaign_year=d["campaign_year"],
        )
    return form, filters


class ReportView(TemplateView):
    template_name = "assistance/report.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        selectors.require_file_access(actor)
        form, filters = _grant_filters(self.request)
        ctx.update(
            form=form,
            page=paginate(self.request, selectors.grant_page(actor=actor, filters=filters)),
            page_sizes=PAGE_SIZES,
            totals=selectors.grant_totals(actor=actor, filters=filters),
        )
        return ctx


def _chosen(form) -> dict:
    """The unit and campaign the roster was filtered by (its title names them); a unit's officer, who reads
    one unit only, has that unit's name in the title without choosing it."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = data.get("unit")
    if unit is None:
        units = list(form.fields["unit"].queryset[:2])
        unit = units[0] if len(units) == 1 else None
    return {"unit": unit, "campaign": data.get("campaign")}


class ReportExportView(View):
    def get(self, request):
        selectors.require_file_access(request.user)
        form, filters = _grant_filters(request)
        grants, totals = selectors.grant_export(actor=request.user, filters=filters, request=request)
        return exports.disbursement_roster(grants, totals, today=timezone.localdate(), **_chosen(form))


class ReportPrintView(TemplateView):
    """The disbursement roster as a sign-off sheet to print (the same lines, totals and signatures)."""

    template_name = "assistance/roster_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        request = self.request
        selectors.require_file_access(request.user)
        form, filters = _grant_filters(request)
        grants, _totals = selectors.grant_export(actor=request.user, filters=filters, request=request, printed=True)
        sheet = exports.roster_table(grants, today=timezone.localdate(), **_chosen(form))
        ctx.update(sheet=sheet, query=request.GET.urlencode())
        return ctx


class AccessLogView(View):
    """The file access log is now part of the portal's one access record."""

    def get(self, request):
        return redirect(f"{reverse('members:access_records')}?app=assistance")


class RecuperationView(TemplateView):
    template_name = "assistance/recuperation.html"

    def _context(self, form=None):
        actor = self.request.user
        qs = selectors.recuperation_list(actor=actor)
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            qs = qs.filter(member__name__icontains=q)
        sort, ordering = _ordering(self.request, RECUPERATION_SORTS, "-starts_on")
        qs = qs.order_by(*ordering)
        return {
            "page": paginate(self.request, qs),
            "page_sizes": PAGE_SIZES,
            "q": q,
            "sort": sort,
            "form": form or forms.RecuperationForm(honours=selectors.honour_choices(actor=actor)),
            "rule": selectors.recuperation_rule(),
            "scope_city": scope_for(actor).is_city_admin,
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._context())

    def post(self, request, *args, **kwargs):
        selectors.require_file_access(request.user)
        form = forms.RecuperationForm(request.POST, honours=selectors.honour_choices(actor=request.user))
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.recuperation_create(
                    actor=request.user,
                    honour=d["honour"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    place=d["place"],
                    cost=d["cost"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Recuperation recorded."))
                return redirect("assistance:recuperation")
        return self.render_to_response(self._context(form))
