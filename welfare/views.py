"""Pages of the welfare section (/welfare/): thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.festivals import festival_calendar
from members.pagination import PAGE_SIZES, paginate
from members.registry import gift_suggestions
from members.scoping import require_city_admin, require_manage, require_officer, scope_for
from members.web import ServiceActionView, error_texts, form_errors_from, messages_from

from . import exports, selectors, services
from .forms import (
    AddRecipientForm,
    AmountForm,
    CapFormSet,
    DistributionFilterForm,
    DistributionForm,
    FestivalShareForm,
    PolicyCreateForm,
    PolicyForm,
    ReasonForm,
    SignForm,
)
from .models import Category, WelfarePolicy

SORTS = {
    "date": ("date", "pk"),
    "-date": ("-date", "-pk"),
    "unit": ("organization__sort_order", "organization__name", "-date"),
    "-unit": ("-organization__sort_order", "-organization__name", "-date"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
}


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 1901 <= year <= 2099 else default


def _unit(request, units: list):
    """The ``unit`` asked for among the units the actor reads; None for all (or for a unit outside the scope)."""
    try:
        pk = int(request.GET.get("unit", ""))
    except ValueError:
        return None
    return next((u for u in units if u.pk == pk), None)


def _can_manage(actor, obj) -> bool:
    """Whether the model's rule lets the actor manage this row (to show the forms; the services check again)."""
    try:
        require_manage(actor, obj)
    except (Http404, PermissionDenied):
        return False
    return True


class WelfareHomeView(TemplateView):
    """The year's festivals with their dates and countdown; the viewer's own gifts and what is left."""

    template_name = "welfare/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year(self.request, today.year)
        scope = scope_for(self.request.user)
        festivals = festival_calendar(year, today)
        show_past = self.request.GET.get("past") == "1"
        past = [f for f in festivals if f["days_away"] < 0]
        ctx.update(
            year=year,
            festivals=festivals if show_past else [f for f in festivals if f["days_away"] >= 0],
            past_count=len(past),
            show_past=show_past,
            scope=scope,
        )
        if scope.member_id:  # the viewer has an own record: its gifts and allowance
            ctx["gifts"] = list(selectors.own_gifts(actor=self.request.user, year=year))
            ctx["allowance"] = selectors.own_allowance(actor=self.request.user, year=year)
        if scope.is_officer:
            ctx["upcoming"] = selectors.upcoming_distributions(actor=self.request.user, today=today)
        return ctx


class DistributionListView(TemplateView):
    template_name = "welfare/distribution_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        require_officer(actor=actor)
        form = DistributionFilterForm(self.request.GET or None, units=selectors.unit_choices_readable(actor=actor))
        filters = selectors.DistributionFilters()
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.DistributionFilters(
                q=d["q"].strip(),
                organization_id=d["organization"].pk if d["organization"] else None,
                category=d["category"],
                status=d["status"],
                year=d["year"],
            )
        sort = self.request.GET.get("sort", "-date")
        qs = selectors.distribution_list(actor=actor, filters=filters).order_by(*SORTS.get(sort, SORTS["-date"]))
        qs = qs.only(*selectors.DISTRIBUTION_LIST_COLUMNS)
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES)
        return ctx


class DistributionCreateView(TemplateView):
    template_name = "welfare/distribution_form.html"

    def _form(self):
        units = list(selectors.unit_choices(actor=self.request.user))
        if not units:
            raise PermissionDenied
        return DistributionForm(
            self.request.POST or None,
            units=selectors.unit_choices(actor=self.request.user),
            gift_suggestions=gift_suggestions(self.request.user),
        )

    def get(self, request, *args, **kwargs):
        return self.render_to_response({"form": self._form()})

    def post(self, request, *args, **kwargs):
        form = self._form()
        if form.is_valid():
            d = form.cleaned_data
            try:
                distribution = services.distribution_create(
                    actor=request.user,
                    organization=d["organization"],
                    category=d["category"],
                    festival=d["festival"],
                    on=d["date"],
                    item=d["item"],
                    form=d["form"],
                    amount=d["amount"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    _("Batch created with %(count)s people on the roster.")
                    % {"count": distribution.recipients.count()},
                )
                return redirect("welfare:detail", distribution.pk)
        return self.render_to_response({"form": form})


class DistributionDetailView(TemplateView):
    template_name = "welfare/distribution_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        distribution = selectors.distribution_get(actor=actor, pk=self.kwargs["pk"])
        can_manage = _can_manage(actor, distribution)
        q = self.request.GET.get("q", "").strip()[:50]
        roster = selectors.roster(distribution)
        if q:
            roster = roster.filter(member__name__icontains=q)
        pending = self.request.GET.get("pending") == "1"
        if pending:
            roster = roster.filter(included=True, received_on__isnull=True)
        try:
            check = services.cap_check(distribution)
        except ValidationError as exc:
            check, ctx["policy_error"] = services.CapCheck([]), " ".join(error_texts(exc))
        problems = check.problems
        ctx.update(
            distribution=distribution,
            page=paginate(self.request, roster, default_size=100),
            page_sizes=PAGE_SIZES,
            q=q,
            pending=pending,
            stats=selectors.roster_figures(distribution),
            problems=problems,
            check=check,
            flagged=check.recipient_ids,
            over_cap_reason=_("Over the yearly cap"),
            can_manage=can_manage,
            today=timezone.localdate(),
        )
        if can_manage and distribution.is_draft:
            candidates = selectors.add_candidates(actor=actor, distribution=distribution)
            ctx["add_form"] = AddRecipientForm(choices=[(m.pk, m.name) for m in candidates])
            ctx["amount_form"] = AmountForm(initial={"amount": distribution.amount})
        return ctx


class DistributionActionView(ServiceActionView):
    """POST on one batch: the batch through its scope (404 outside it), one service call, a message,
    and back to the batch."""

    def post(self, request, *args, **kwargs):
        self.distribution = selectors.distribution_get(actor=request.user, pk=kwargs["pk"])
        return super().post(request, *args, **kwargs)

    def get_success_url(self) -> str:
        return reverse("welfare:detail", args=[self.distribution.pk])


def _form_or_error(form):
    if not form.is_valid():
        raise ValidationError(
            [f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()]
        )
    return form.cleaned_data


class RecipientRemoveView(DistributionActionView):
    def act(self, request, rid, **kwargs):
        recipient = selectors.recipient_get(actor=request.user, distribution=self.distribution, pk=rid)
        d = _form_or_error(ReasonForm(request.POST))
        return services.recipient_remove(actor=request.user, recipient=recipient, reason=d["reason"])

    def get_success_message(self, recipient) -> str:
        return _("%(name)s removed from the roster.") % {"name": recipient.member.name}


class RecipientAddView(DistributionActionView):
    def act(self, request, **kwargs):
        d = _form_or_error(AddRecipientForm(request.POST))
        return services.recipient_add(
            actor=request.user, distribution=self.distribution, member_id=d["member"], reason=d["reason"]
        )

    def get_success_message(self, recipient) -> str:
        return _("%(name)s added to the roster.") % {"name": recipient.member.name}


class DistributionAmountView(DistributionActionView):
    def act(self, request, **kwargs):
        d = _form_or_error(AmountForm(request.POST))
        return services.distribution_set_amount(actor=request.user, distribution=self.distribution, amount=d["amount"])

    def get_success_message(self, distribution) -> str:
        return _("Amount per person changed to %(amount)s yuan.") % {"amount": distribution.amount}


class DistributionConfirmView(DistributionActionView):
    success_message = gettext_lazy("Batch confirmed: every person is within the caps.")

    def act(self, request, **kwargs):
        try:
            return services.distribution_confirm(actor=request.user, distribution=self.distribution)
        except services.CapExceeded as exc:
            # One message: the summary (the batch page shows it with the action that resolves it).
            check = services.CapCheck(exc.problems)
            summary = _(
                "%(people)s people would go over a cap, by %(total)s yuan in all and %(most)s yuan at most: "
                "take them out of the batch or lower the amount."
            ) % {"people": check.people, "total": check.total_over, "most": check.max_over}
            raise ValidationError(summary) from exc


class DistributionRemoveOverCapView(DistributionActionView):
    """One action for the cap check: everyone over a cap out of the batch, with the reason."""

    def act(self, request, **kwargs):
        d = _form_or_error(ReasonForm(request.POST))
        return services.distribution_remove_over_cap(
            actor=request.user, distribution=self.distribution, reason=d["reason"]
        )

    def get_success_message(self, removed) -> str:
        return _("%(count)s people over the cap taken out of the batch: %(names)s.") % {
            "count": len(removed),
            "names": "、".join(r.member.name for r in removed[:10]) + ("…" if len(removed) > 10 else ""),
        }


class DistributionDeleteView(DistributionActionView):
    success_message = gettext_lazy("Draft batch deleted.")

    def act(self, request, **kwargs):
        services.distribution_delete(actor=request.user, distribution=self.distribution)

    def get_success_url(self) -> str:
        return reverse("welfare:list")

    def get_error_url(self) -> str:
        return reverse("welfare:detail", args=[self.distribution.pk])


class RecipientSignView(DistributionActionView):
    def act(self, request, rid, **kwargs):
        recipient = selectors.recipient_get(actor=request.user, distribution=self.distribution, pk=rid)
        d = _form_or_error(SignForm(request.POST))
        return services.recipient_sign(
            actor=request.user, recipient=recipient, received_on=d["received_on"], received_by=d["received_by"]
        )

    def get_success_message(self, recipient) -> str:
        return _("Receipt recorded for %(name)s.") % {"name": recipient.member.name}


class SignoffSheetView(View):
    def get(self, request, pk):
        distribution = selectors.distribution_get(actor=request.user, pk=pk)
        recipients = selectors.signoff_rows(actor=request.user, distribution=distribution, request=request)
        return exports.signoff_sheet(distribution, recipients)


class SignoffPrintView(TemplateView):
    template_name = "welfare/signoff_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        distribution = selectors.distribution_get(actor=actor, pk=self.kwargs["pk"])
        rows = selectors.signoff_rows(actor=actor, distribution=distribution, request=self.request, printed=True)
        ctx.update(distribution=distribution, sheet=exports.signoff_table(distribution, rows))
        return ctx


class ReportView(TemplateView):
    template_name = "welfare/report.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        require_officer(actor=actor)
        year = _year(self.request, timezone.localdate().year)
        q = self.request.GET.get("q", "").strip()[:50]
        units = selectors.report_units(actor=actor)
        unit = _unit(self.request, units)
        unit_id = unit.pk if unit else None
        page = paginate(self.request, selectors.member_totals(actor=actor, year=year, unit_id=unit_id, q=q))
        page.object_list = list(page.object_list)
        selectors.attach_totals(page.object_list, actor=actor, year=year)
        ctx.update(
            report=selectors.spending_report(actor=actor, year=year, units=[unit] if unit else units),
            year=year,
            # A choice of units where there is more than one (an officer's report is the own unit's already).
            units=units if len(units) > 1 else [],
            unit=unit,
            q=q,
            page=page,
            page_sizes=PAGE_SIZES,
            categories=list(Category),
        )
        return ctx


class ReportExportView(View):
    def get(self, request):
        require_officer(actor=request.user)
        year = _year(request, timezone.localdate().year)
        units = selectors.report_units(actor=request.user)
        unit = _unit(request, units)
        report = selectors.spending_report_export(
            actor=request.user, year=year, units=[unit] if unit else units, unit=unit, request=request
        )
        return exports.spending_sheet(report)


# --- Policies (city administrators) --------------------------------------------------------------
class PolicyListView(TemplateView):
    template_name = "welfare/policy_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        require_officer(actor=self.request.user)
        policies = WelfarePolicy.objects.prefetch_related("caps", "festival_caps").order_by("-year", "province")
        ctx.update(
            page=paginate(self.request, policies),
            create_form=PolicyCreateForm() if scope_for(self.request.user).is_city_admin else None,
        )
        return ctx

    def post(self, request):
        require_city_admin(request.user)
        form = PolicyCreateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                policy = services.policy_create(
                    actor=request.user, year=d["year"], province=d["province"], copy_from=d["copy_from"]
                )
            except ValidationError as exc:
                messages_from(request, exc)
            else:
                messages.success(request, _("Policy %(policy)s created.") % {"policy": policy})
                return redirect("welfare:policy_edit", policy.pk)
        else:
            messages.error(request, _("Check the year and the province."))
        return redirect("welfare:policies")


class PolicyEditView(TemplateView):
    template_name = "welfare/policy_form.html"

    def _forms(self, policy, data=None):
        caps = {c.category: c for c in policy.caps.all()}
        initial = [
            {
                "category": c.value,
                "cap": caps[c.value].cap if c.value in caps else None,
                "allow_goods": caps[c.value].allow_goods if c.value in caps else True,
                "allow_coupon": caps[c.value].allow_coupon if c.value in caps else False,
                "allow_money": caps[c.value].allow_money if c.value in caps else False,
            }
            for c in Category
        ]
        shares = {f.festival: f.cap for f in policy.festival_caps.all()}
        return (
            PolicyForm(data, instance=policy),
            CapFormSet(data, initial=initial, prefix="caps"),
            FestivalShareForm(data, initial=shares, prefix="share"),
        )

    def _render(self, policy, forms):
        labels = dict(Category.choices)
        policy_form, caps, shares = forms
        rows = [(labels[f.initial["category"]], f) for f in caps]
        return self.render_to_response(
            {"policy": policy, "policy_form": policy_form, "caps": caps, "cap_rows": rows, "shares": shares}
        )

    def get(self, request, pk):
        require_city_admin(request.user)
        policy = _policy(pk)
        return self._render(policy, self._forms(policy))

    def post(self, request, pk):
        require_city_admin(request.user)
        policy = _policy(pk)
        forms = self._forms(policy, request.POST)
        policy_form, caps, shares = forms
        if policy_form.is_valid() and caps.is_valid() and shares.is_valid():
            try:
                services.policy_update(
                    actor=request.user,
                    policy=policy_form.save(commit=False),
                    caps=[f.cleaned_data for f in caps],
                    festival_caps=shares.cleaned_data,
                )
            except ValidationError as exc:
                messages_from(request, exc)
            else:
                messages.success(request, _("Policy %(policy)s saved.") % {"policy": policy})
                return redirect("welfare:policies")
        else:
            messages.error(request, _("Correct the marked fields."))
        return self._render(policy, forms)


def _policy(pk: int) -> WelfarePolicy:
    return get_object_or_404(WelfarePolicy, pk=pk)
