"""Pages of the funds app: thin views over funds.selectors, funds.services and funds.dues."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from members.charts import Chart, Series
from members.pagination import paginate
from members.params import parse_int
from members.scoping import can_manage, get_for_actor
from members.sheets import XLSX_CONTENT_TYPE, Col, new_workbook, write_sheet, xlsx_response
from members.web import ServiceActionView, error_texts, form_errors_from

from . import budgetsheet, dues, selectors, services
from .forms import (
    AdjustmentReasonForm,
    AllocationForm,
    ApprovalForm,
    BudgetFileForm,
    DuesImportForm,
    LedgerFilterForm,
    PostingForm,
    ReportForm,
    ReverseForm,
    UnionYearForm,
    WageBaseImportForm,
    amounts_from,
)
from .models import Adjustment, Budget, Direction

LEDGER_SORTS = {
    "date": ("date", "pk"),
    "-date": ("-date", "-pk"),
    "amount": ("amount", "pk"),
    "-amount": ("-amount", "-pk"),
    "voucher": ("voucher_number", "pk"),
    "-voucher": ("-voucher_number", "-pk"),
}


def _officer(request):
    """Funds pages are for officers, zone leads, city administrators and the funds audit committees."""
    if not selectors.can_use_funds(request.user):
        raise PermissionDenied


def _year(request) -> int:
    return parse_int(request.GET.get("year"), min_value=2000, max_value=2100) or timezone.localdate().year


class IndexView(View):
    """/funds/: the budgets the actor reads (a plain member goes to the own dues)."""

    def get(self, request):
        if not selectors.can_use_funds(request.user):
            return redirect("funds:my_dues")
        year = _year(request)
        union_id = parse_int(request.GET.get("union"))
        unions = selectors.union_choices(request.user)
        budgets = selectors.budget_list(actor=request.user, year=year, union_id=union_id)
        return render(
            request,
            "funds/index.html",
            {
                "page": paginate(request, budgets),
                "year": year,
                "unions": unions,
                "union_id": union_id,
                "can_create": selectors.union_choices(request.user, manage=True).exists(),
            },
        )


class BudgetCreateView(View):
    def _form(self, request, data=None):
        unions = selectors.union_choices(request.user, manage=True)
        if not unions.exists():
            raise PermissionDenied
        return UnionYearForm(data, unions=unions)

    def get(self, request):
        return render(request, "funds/budget_new.html", {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                budget = services.budget_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The draft budget is created: enter its amounts."))
                return redirect("funds:budget", budget.pk)
        return render(request, "funds/budget_new.html", {"form": form})


class BudgetDetailView(View):
    def get(self, request, pk):
        _officer(request)
        budget = selectors.budget_get(actor=request.user, pk=pk)
        ex = selectors.execution(actor=request.user, union=budget.union, year=budget.year)
        manage = can_manage(request.user, budget)
        return render(
            request,
            "funds/budget_detail.html",
            {
                "budget": budget,
                "ex": ex,
                "manage": manage,
                "approval_form": ApprovalForm(initial={"approved_on": timezone.localdate()}),
                "adjustment_form": AdjustmentReasonForm(),
                "file_form": BudgetFileForm(),
                "adjustments": selectors.adjustments(budget=budget),
            },
        )


class _BudgetAction(ServiceActionView):
    def get_success_url(self) -> str:
        return reverse("funds:budget", args=[self.budget.pk])

    def budget_for(self, request, pk):
        self.budget = get_for_actor(Budget, request.user, pk=pk)
        return self.budget


class BudgetLinesView(_BudgetAction):
    success_message = ""

    def act(self, request, pk):
        budget = self.budget_for(request, pk)
        amounts, errors = amounts_from(request.POST, services.leaf_categories())
        if errors:
            raise ValidationError(errors)
        services.budget_set_lines(actor=request.user, budget=budget, amounts=amounts)

    def get_success_message(self, result) -> str:
        return _("The amounts are saved.")


class BudgetTemplateView(View):
    """The budget as an xlsx to fill in: every sub-item by code and name, with its current amount."""

    def get(self, request, pk):
        _officer(request)
        budget = selectors.budget_get(actor=request.user, pk=pk)
        data = budgetsheet.template(budget)
        return FileResponse(
            BytesIO(data),
            as_attachment=True,
            filename=f"budget-{budget.union_id}-{budget.year}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )


class BudgetImportView(_BudgetAction):
    """The lines of a draft from the file; for an approved budget, a proposed adjustment with the file's amounts."""

    def act(self, request, pk):
        budget = self.budget_for(request, pk)
        form = BudgetFileForm(request.POST, request.FILES)
        if not form.is_valid():
            raise ValidationError(_("Choose the budget's xlsx file."))
        return budgetsheet.budget_import(
            actor=request.user,
            budget=budget,
            data=form.cleaned_data["file"].read(),
            reason=form.cleaned_data["reason"],
        )

    def get_success_message(self, result) -> str:
        if result.adjustment is not None:
            text = _(
                "The file proposes an adjustment of %(n)s amounts: record the committee's approval to put it in force."
            ) % {"n": result.adjustment.lines.count()}
            if result.blank:
                text += " " + _("%(n)s blank amounts left their lines unchanged.") % {"n": result.blank}
        else:
            text = _("%(n)s amounts of the budget filled from the file.") % {"n": result.filled + result.blank}
            if result.blank:
                text += " " + _("%(n)s blank amounts were taken as 0.") % {"n": result.blank}
        if result.missing:
            text += " " + _("%(n)s sub-items not in the file kept their amounts.") % {"n": result.missing}
        return text


class BudgetApproveView(_BudgetAction):
    def act(self, request, pk):
        budget = self.budget_for(request, pk)
        form = ApprovalForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Enter the date of approval and the committee decision."))
        services.budget_approve(
            actor=request.user,
            budget=budget,
            approved_on=form.cleaned_data["approved_on"],
            note=form.cleaned_data["note"],
        )

    def get_success_message(self, result) -> str:
        return _("The committee's approval is recorded: the budget is in force.")


class AdjustmentCreateView(_BudgetAction):
    def act(self, request, pk):
        budget = self.budget_for(request, pk)
        form = AdjustmentReasonForm(request.POST)
        amounts, errors = amounts_from(request.POST, services.leaf_categories())
        if errors:
            raise ValidationError(errors)
        services.adjustment_create(
            actor=request.user, budget=budget, reason=form.data.get("reason", ""), amounts=amounts
        )

    def get_success_message(self, result) -> str:
        return _("The adjustment is proposed: record the committee's approval to put it in force.")


class _AdjustmentAction(_BudgetAction):
    def adjustment_for(self, request, pk) -> Adjustment:
        adjustment = get_for_actor(Adjustment.objects.select_related("budget"), request.user, pk=pk)
        self.budget = adjustment.budget
        return adjustment


class AdjustmentApproveView(_AdjustmentAction):
    def act(self, request, pk):
        adjustment = self.adjustment_for(request, pk)
        form = ApprovalForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Enter the date of approval and the committee decision."))
        services.adjustment_approve(
            actor=request.user,
            adjustment=adjustment,
            approved_on=form.cleaned_data["approved_on"],
            note=form.cleaned_data["note"],
        )

    def get_success_message(self, result) -> str:
        return _("The adjustment is approved and in force.")


class AdjustmentDeleteView(_AdjustmentAction):
    def act(self, request, pk):
        services.adjustment_delete(actor=request.user, adjustment=self.adjustment_for(request, pk))

    def get_success_message(self, result) -> str:
        return _("The proposed adjustment is deleted.")


# --- The ledger ---------------------------------------------------------------------------------------------
def _ledger_query(request):
    unions = selectors.union_choices(request.user)
    form = LedgerFilterForm(request.GET or None, unions=unions)
    filters = selectors.LedgerFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.LedgerFilters(
            union_id=d["union"].pk if d["union"] else None,
            year=d["year"],
            month=d["month"] if d["year"] else None,
            category_id=d["category"].pk if d["category"] else None,
            direction=d["direction"],
            origin=d["origin"],
            q=d["q"].strip(),
        )
    sort = request.GET.get("sort", "-date")
    sort = sort if sort in LEDGER_SORTS else "-date"
    return form, selectors.ledger(actor=request.user, filters=filters, sort=LEDGER_SORTS[sort]), sort


class LedgerView(View):
    def get(self, request):
        _officer(request)
        form, qs, sort = _ledger_query(request)
        return render(
            request,
            "funds/ledger.html",
            {
                "form": form,
                "page": paginate(request, qs),
                "sort": sort,
                "can_post": selectors.union_choices(request.user, manage=True).exists(),
            },
        )


class LedgerExportView(View):
    def get(self, request):
        _officer(request)
        _form, qs, _sort = _ledger_query(request)
        wb = new_workbook()
        cols = [
            Col(_("Union"), 22),
            Col(_("date"), 12, "date"),
            Col(_("voucher number"), 12),
            Col(_("direction"), 8),
            Col(_("category"), 26),
            Col(_("summary"), 30),
            Col(_("payee or payer"), 20),
            Col(_("amount (yuan)"), 14, "money"),
            Col(_("entered"), 10),
        ]
        rows = (
            (
                p.union.name,
                p.date,
                p.voucher_number,
                p.category.get_direction_display(),
                p.category.label,
                p.summary,
                p.payee,
                p.amount,
                _("by hand") if p.is_manual else _("from another page"),
            )
            for p in qs.iterator(chunk_size=2000)
        )
        write_sheet(wb, _("Funds ledger"), cols, rows, heading=_("Funds ledger"))
        return xlsx_response(wb, "funds-ledger.xlsx")


class PostingCreateView(View):
    def _form(self, request, *args):
        unions = selectors.union_choices(request.user, manage=True)
        if not unions.exists():
            raise PermissionDenied
        return PostingForm(*args, unions=unions)

    def get(self, request):
        return render(request, "funds/posting_form.html", {"form": self._form(request)})

    def post(self, request):
        form = self._form(request, request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                posting = services.posting_create(
                    actor=request.user,
                    union=d["union"],
                    on=d["date"],
                    category=d["category"],
                    amount=d["amount"],
                    payee=d["payee"],
                    voucher_number=d["voucher_number"],
                    summary=d["summary"],
                    attachment=d["attachment"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The entry is posted to the ledger."))
                return redirect("funds:posting", posting.pk)
        return render(request, "funds/posting_form.html", {"form": form})


class PostingDetailView(View):
    def get(self, request, pk):
        _officer(request)
        posting = selectors.posting_get(actor=request.user, pk=pk)
        manage = can_manage(request.user, posting)
        reversal = selectors.reversal_of(posting)
        return render(
            request,
            "funds/posting_detail.html",
            {
                "posting": posting,
                "reversal": reversal,
                "can_reverse": manage and posting.is_manual and not posting.is_reversal and reversal is None,
                "reverse_form": ReverseForm(),
            },
        )


class PostingAttachmentView(View):
    def get(self, request, pk):
        _officer(request)
        posting = selectors.posting_get(actor=request.user, pk=pk)
        if not posting.attachment:
            raise Http404
        return FileResponse(posting.attachment.open("rb"), content_type=posting.attachment_type or None)


class PostingReverseView(ServiceActionView):
    def act(self, request, pk):
        posting = selectors.posting_get(actor=request.user, pk=pk)
        self.pk = pk
        form = ReverseForm(request.POST)
        return services.posting_reverse(actor=request.user, posting=posting, reason=form.data.get("reason", ""))

    def get_success_message(self, result) -> str:
        return _("The entry is reversed.")

    def get_success_url(self) -> str:
        return reverse("funds:posting", args=[self.pk])


# --- Budget execution and the statement -------------------------------------------------------------------
def _report_target(request):
    """The union (404 outside the actor's scope) and year of a report page; the form shows them."""
    _officer(request)
    unions = selectors.union_choices(request.user)
    union = selectors.union_get(request.user, parse_int(request.GET.get("union")))
    year = _year(request)
    form = ReportForm(initial={"union": union.pk, "year": year}, unions=unions)
    return form, union, year


def _charts(ex: selectors.Execution) -> list[dict]:
    tops = [r for r in ex.expenditure if not r.category.parent_id]
    total = ex.expenditure_total
    charts = [
        Chart(
            key="budget-vs-actual",
            title=_("Budget and spending by category"),
            kind="bar",
            labels=[r.category.name for r in tops],
            series=[Series(_("Budget"), [r.budget for r in tops]), Series(_("Spent"), [r.actual for r in tops])],
            unit="元",
        ),
        Chart(
            key="spending-by-month",
            title=_("Spending by month"),
            kind="line",
            labels=[_("%(m)s月") % {"m": m} for m in range(1, 13)],
            series=[Series(_("Spent"), total.months)],
            unit="元",
        ),
    ]
    return [
        {"key": c.key, "title": c.title, "spec": c.spec(), "series": c.series, "rows": c.rows(), "unit": c.unit}
        for c in charts
    ]


class ExecutionView(View):
    def get(self, request):
        form, union, year = _report_target(request)
        ex = selectors.execution(actor=request.user, union=union, year=year)
        return render(
            request, "funds/execution.html", {"form": form, "ex": ex, "charts": _charts(ex), "months": range(1, 13)}
        )


def _execution_rows(ex: selectors.Execution, direction: str):
    rows = ex.income if direction == Direction.INCOME else ex.expenditure
    for r in [*rows, ex.total(direction)]:
        label = _("Total") if r.is_total else (r.category.label if r.category.parent_id else r.category.name)
        yield [label, r.budget, *r.months, r.actual, r.remaining, float(r.rate) if r.rate is not None else None]


class ExecutionExportView(View):
    def get(self, request):
        _form, union, year = _report_target(request)
        ex = selectors.execution(actor=request.user, union=union, year=year)
        cols = [
            Col(_("category"), 28),
            Col(_("Budget (yuan)"), 14, "money"),
            *[Col(f"{m}月", 11, "money") for m in range(1, 13)],
            Col(_("Actual (yuan)"), 14, "money"),
            Col(_("Remaining (yuan)"), 14, "money"),
            Col(_("Rate"), 9, "percent"),
        ]
        wb = new_workbook()
        heading = _("%(union)s %(year)s budget execution") % {"union": union.name, "year": year}
        write_sheet(wb, _("Expenditure"), cols, _execution_rows(ex, Direction.EXPENDITURE), heading=heading)
        write_sheet(wb, _("Income"), cols, _execution_rows(ex, Direction.INCOME), heading=heading)
        return xlsx_response(wb, f"budget-execution-{year}.xlsx")


class StatementView(View):
    """The year's income and expenditure statement (收支决算表)."""

    def get(self, request):
        form, union, year = _report_target(request)
        ex = selectors.execution(actor=request.user, union=union, year=year)
        return render(request, "funds/statement.html", {"form": form, "ex": ex})


class StatementExportView(View):
    def get(self, request):
        _form, union, year = _report_target(request)
        ex = selectors.execution(actor=request.user, union=union, year=year)
        cols = [
            Col(_("direction"), 8),
            Col(_("category"), 30),
            Col(_("Budget (yuan)"), 16, "money"),
            Col(_("Actual (yuan)"), 16, "money"),
            Col(_("Rate"), 10, "percent"),
        ]

        def rows():
            for direction, items in ((Direction.INCOME, ex.income), (Direction.EXPENDITURE, ex.expenditure)):
                name = Direction(direction).label
                for r in items:
                    label = f"　{r.category.name}" if r.category.parent_id else r.category.name
                    yield [name, label, r.budget, r.actual, float(r.rate) if r.rate is not None else None]
                t = ex.total(direction)
                yield [name, _("Total %(direction)s") % {"direction": name}, t.budget, t.actual, None]
            yield ["", _("Balance of the year (income − expenditure)"), None, ex.balance, None]

        wb = new_workbook()
        write_sheet(
            wb,
            _("Statement"),
            cols,
            rows(),
            heading=_("%(union)s %(year)s income and expenditure statement") % {"union": union.name, "year": year},
        )
        return xlsx_response(wb, f"statement-{year}.xlsx")


# --- Dues ------------------------------------------------------------------------------------------------
class DuesView(View):
    """Dues collected per unit and month, with the arrears (and the imports)."""

    def get(self, request):
        _officer(request)
        year = _year(request)
        rows = selectors.dues_by_unit(actor=request.user, year=year)
        manage_units = selectors.union_choices(request.user, manage=True).filter(kind="unit")
        return render(
            request,
            "funds/dues.html",
            {
                "year": year,
                "rows": rows,
                "months": range(1, 13),
                "imports": paginate(request, selectors.dues_imports(actor=request.user)),
                "import_form": DuesImportForm(unions=manage_units) if manage_units.exists() else None,
                "base_form": WageBaseImportForm(unions=manage_units) if manage_units.exists() else None,
            },
        )


class DuesUnitView(View):
    """The members of one unit with their monthly dues, paid this year and arrears."""

    def get(self, request, pk):
        _officer(request)
        unit = selectors.union_get(request.user, pk)
        if unit.kind != "unit":
            raise Http404
        year = _year(request)
        members, due = selectors.member_arrears(actor=request.user, unit=unit, year=year)
        return render(
            request,
            "funds/dues_unit.html",
            {"unit": unit, "year": year, "due": due, "page": paginate(request, members, default_size=50)},
        )


class _UploadView(View):
    form_class = DuesImportForm

    def post(self, request):
        unions = selectors.union_choices(request.user, manage=True).filter(kind="unit")
        if not unions.exists():
            raise PermissionDenied
        form = self.form_class(request.POST, request.FILES, unions=unions)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                messages.error(request, f"{label}：{' '.join(errors)}")
            return redirect("funds:dues")
        upload = form.cleaned_data["file"]
        try:
            text = self.run(request, form.cleaned_data, upload.read(), upload.name)
        except ValidationError as exc:
            for line in error_texts(exc):
                messages.error(request, line)
        else:
            messages.success(request, text)
        return redirect("funds:dues")


class DuesImportView(_UploadView):
    form_class = DuesImportForm

    def run(self, request, d, data, name):
        batch = dues.dues_import(actor=request.user, union=d["union"], month=d["month"], data=data, file_name=name)
        return _("%(n)s members' dues of %(month)s recorded (%(total)s yuan), posted to dues income.") % {
            "n": batch.rows,
            "month": f"{batch.month:%Y-%m}",
            "total": batch.total,
        }


class WageBaseImportView(_UploadView):
    form_class = WageBaseImportForm

    def run(self, request, d, data, name):
        n = dues.wage_bases_import(actor=request.user, union=d["union"], year=d["year"], data=data)
        return _("%(n)s wage bases of %(year)s saved (encrypted).") % {"n": n, "year": d["year"]}


class MyDuesView(View):
    def get(self, request):
        member, payments, base = selectors.own_dues(actor=request.user)
        if member is None:
            raise Http404
        return render(request, "funds/my_dues.html", {"member": member, "payments": payments, "base": base})


class AllocationCreateView(View):
    def _form(self, request, *args):
        unions = selectors.union_choices(request.user, manage=True)
        if not unions.exists():
            raise PermissionDenied
        return AllocationForm(*args, unions=unions)

    def get(self, request):
        rule = services.rule_for(timezone.localdate().year)
        return render(request, "funds/allocation_form.html", {"form": self._form(request), "rule": rule})

    def post(self, request):
        form = self._form(request, request.POST)
        if form.is_valid():
            try:
                d = form.cleaned_data
                allocation = services.allocation_record(
                    actor=request.user, union=d["union"], on=d["date"], payroll_total=d["payroll_total"], note=d["note"]
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(
                    request,
                    _("The allocation is recorded: %(amount)s yuan posted to allocation income.")
                    % {"amount": allocation.amount},
                )
                return redirect("funds:ledger")
        rule = services.rule_for(timezone.localdate().year)
        return render(request, "funds/allocation_form.html", {"form": form, "rule": rule})
