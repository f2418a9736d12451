"""Pages of the welfare section (/welfare/): thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.audit import AccessAction, record_access
from members.festivals import festival_calendar
from members.pagination import PAGE_SIZES, paginate
from members.scoping import require_officer, scope_for

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


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 1901 <= year <= 2099 else default


def _unit(request, units):
    """The ``unit`` asked for among the units the actor reads; None for all (or for a unit outside the scope)."""
    try:
        pk = int(request.GET.get("unit", ""))
    except ValueError:
        return None  # no query when no unit is asked for
    return units.filter(pk=pk).first()


class WelfareHomeView(TemplateView):
    """The year's festivals with their dates and countdown; the viewer's own gifts and what is left."""

    template_name = "welfare/home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        year = _year(self.request, today.year)
        scope = scope_for(self.request.user)
        ctx.update(year=year, festivals=festival_calendar(year, today), scope=scope)
        if scope.member_id:
            ctx["gifts"] = list(selectors.member_gifts(member_id=scope.member_id, year=year))
            ctx["allowance"] = selectors.member_allowance(member_id=scope.member_id, year=year)
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
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES)
        return ctx


class DistributionCreateView(TemplateView):
    template_name = "welfare/distribution_form.html"

    def _form(self):
        units = list(selectors.unit_choices(actor=self.request.user))
        if not units:
            raise PermissionDenied
        return DistributionForm(self.request.POST or None, units=selectors.unit_choices(actor=self.request.user))

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
                if hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
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
        scope = scope_for(actor)
        can_manage = (
            scope.can_manage_unit(distribution.organization_id)
            if distribution.organization.kind == "unit"
            else scope.sees_all
        )
        q = self.request.GET.get("q", "").strip()[:50]
        roster = selectors.roster(distribution)
        if q:
            roster = roster.filter(member__name__icontains=q)
        pending = self.request.GET.get("pending") == "1"
        if pending:
            roster = roster.filter(included=True, received_on__isnull=True)
        try:
            problems = services.cap_problems(distribution)
        except ValidationError as exc:
            problems, ctx["policy_error"] = [], _error_text(exc)
        ctx.update(
            distribution=distribution,
            page=paginate(self.request, roster, default_size=100),
            page_sizes=PAGE_SIZES,
            q=q,
            pending=pending,
            stats=selectors.roster_figures(distribution),
            problems=problems,
            flagged={p.recipient_id for p in problems},
            can_manage=can_manage,
            today=timezone.localdate(),
        )
        if can_manage and distribution.is_draft:
            on_roster = distribution.recipients.filter(included=True).values("member_id")
            candidates = services.eligible_members(distribution).exclude(pk__in=on_roster).order_by("name")[:500]
            ctx["add_form"] = AddRecipientForm(choices=[(m.pk, m.name) for m in candidates])
            ctx["amount_form"] = AmountForm(initial={"amount": distribution.amount})
        return ctx


class ActionView(View):
    """A POST that calls one service, adds a message and goes back to the batch."""

    success_message = ""

    def post(self, request, pk, **kwargs):
        distribution = selectors.distribution_get(actor=request.user, pk=pk)
        try:
            message = self.act(request, distribution, **kwargs)
        except services.CapExceeded as exc:
            lines = "; ".join(
                _("%(name)s: %(what)s %(spent)s received, cap %(cap)s, this batch adds %(adding)s")
                % {"name": p.name, "what": p.what, "spent": p.spent, "cap": p.cap, "adding": p.adding}
                for p in exc.problems
            )
            messages.error(request, f"{_error_text(exc)} {lines}")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, message)
        return redirect(self.next_url(distribution))

    def next_url(self, distribution) -> str:
        return reverse("welfare:detail", args=[distribution.pk])

    def act(self, request, distribution, **kwargs) -> str:
        raise NotImplementedError


def _form_or_error(form):
    if not form.is_valid():
        raise ValidationError(
            [f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()]
        )
    return form.cleaned_data


class RecipientRemoveView(ActionView):
    def act(self, request, distribution, rid):
        recipient = selectors.recipient_get(actor=request.user, distribution_pk=distribution.pk, pk=rid)
        d = _form_or_error(ReasonForm(request.POST))
        services.recipient_remove(actor=request.user, recipient=recipient, reason=d["reason"])
        return _("%(name)s removed from the roster.") % {"name": recipient.member.name}


class RecipientAddView(ActionView):
    def act(self, request, distribution):
        d = _form_or_error(AddRecipientForm(request.POST))
        recipient = services.recipient_add(
            actor=request.user, distribution=distribution, member_id=d["member"], reason=d["reason"]
        )
        return _("%(name)s added to the roster.") % {"name": recipient.member.name}


class DistributionAmountView(ActionView):
    def act(self, request, distribution):
        d = _form_or_error(AmountForm(request.POST))
        services.distribution_set_amount(actor=request.user, distribution=distribution, amount=d["amount"])
        return _("Amount per person changed to %(amount)s yuan.") % {"amount": d["amount"]}


class DistributionConfirmView(ActionView):
    def act(self, request, distribution):
        services.distribution_confirm(actor=request.user, distribution=distribution)
        return _("Batch confirmed: every person is within the caps.")


class DistributionDeleteView(ActionView):
    def act(self, request, distribution):
        services.distribution_delete(actor=request.user, distribution=distribution)
        self.deleted = True
        return _("Draft batch deleted.")

    def next_url(self, distribution) -> str:
        if getattr(self, "deleted", False):
            return reverse("welfare:list")
        return super().next_url(distribution)


class RecipientSignView(ActionView):
    def act(self, request, distribution, rid):
        recipient = selectors.recipient_get(actor=request.user, distribution_pk=distribution.pk, pk=rid)
        d = _form_or_error(SignForm(request.POST))
        services.recipient_sign(
            actor=request.user, recipient=recipient, received_on=d["received_on"], received_by=d["received_by"]
        )
        return _("Receipt recorded for %(name)s.") % {"name": recipient.member.name}


class SignoffSheetView(View):
    def get(self, request, pk):
        distribution = selectors.distribution_get(actor=request.user, pk=pk)
        recipients = list(selectors.signoff_rows(distribution))
        response = exports.signoff_sheet(distribution, recipients)
        _record_signoff(request, distribution, len(recipients), gettext_lazy("Sign-off sheet"))
        return response


def _record_signoff(request, distribution, rows: int, what) -> None:
    record_access(
        actor=request.user,
        action=AccessAction.EXPORT,
        what=what,
        obj=distribution,
        unit=distribution.organization_id,
        ref=f"{distribution.date:%Y-%m-%d} {distribution.item}",
        rows=rows,
        request=request,
    )


class SignoffPrintView(TemplateView):
    template_name = "welfare/signoff_print.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        distribution = selectors.distribution_get(actor=self.request.user, pk=self.kwargs["pk"])
        rows = list(selectors.signoff_rows(distribution))
        _record_signoff(self.request, distribution, len(rows), gettext_lazy("Sign-off sheet (printed)"))
        ctx.update(distribution=distribution, rows=rows)
        return ctx


class ReportView(TemplateView):
    template_name = "welfare/report.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        require_officer(actor=actor)
        year = _year(self.request, timezone.localdate().year)
        q = self.request.GET.get("q", "").strip()[:50]
        units = selectors.unit_choices_readable(actor=actor).filter(kind="unit")
        unit = _unit(self.request, units)
        unit_id = unit.pk if unit else None
        scope = scope_for(actor)
        # A choice of units where there is more than one (an officer's report is the own unit's already).
        units = list(units) if scope.sees_all or len(scope.readable_unit_ids) > 1 else []
        page = paginate(self.request, selectors.member_totals(actor=actor, year=year, unit_id=unit_id, q=q))
        page.object_list = list(page.object_list)
        selectors.attach_totals(page.object_list, year=year)
        ctx.update(
            report=selectors.spending_report(actor=actor, year=year, unit_id=unit_id),
            year=year,
            units=units,
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
        unit = _unit(request, selectors.unit_choices_readable(actor=request.user).filter(kind="unit"))
        report = selectors.spending_report(actor=request.user, year=year, unit_id=unit.pk if unit else None)
        response = exports.spending_sheet(report)
        record_access(
            actor=request.user,
            action=AccessAction.EXPORT,
            what=gettext_lazy("Welfare spending report"),
            app="welfare",
            ref=str(year),
            unit=unit,
            rows=len(report["rows"]),
            request=request,
        )
        return response


# --- Policies (city administrators) --------------------------------------------------------------
def _require_city_admin(request):
    if not scope_for(request.user).is_city_admin:
        raise PermissionDenied


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
        _require_city_admin(request)
        form = PolicyCreateForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                policy = services.policy_create(
                    actor=request.user, year=d["year"], province=d["province"], copy_from=d["copy_from"]
                )
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
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
        _require_city_admin(request)
        policy = _policy(pk)
        return self._render(policy, self._forms(policy))

    def post(self, request, pk):
        _require_city_admin(request)
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
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("Policy %(policy)s saved.") % {"policy": policy})
                return redirect("welfare:policies")
        else:
            messages.error(request, _("Correct the marked fields."))
        return self._render(policy, forms)


def _policy(pk: int) -> WelfarePolicy:
    return get_object_or_404(WelfarePolicy, pk=pk)
