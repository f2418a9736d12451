"""Forms of the funds pages: validation of one form's fields (the services check the rules)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Category, Direction
from .services import ATTACHMENT_KINDS

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal("0")}


def _date_widget():
    return forms.DateInput(attrs={"type": "date"})


class UnionYearForm(forms.Form):
    union = forms.ModelChoiceField(label=_("union"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["year"].initial = timezone.localdate().year


class ApprovalForm(forms.Form):
    approved_on = forms.DateField(label=_("approved by the committee on"), widget=_date_widget())
    note = forms.CharField(label=_("committee decision"), max_length=200, help_text=_("e.g. 工会委员会2026年第2次会议"))


class AdjustmentReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class BudgetFileForm(forms.Form):
    file = forms.FileField(label=_("budget (xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    reason = forms.CharField(
        label=_("reason for the adjustment"),
        required=False,
        max_length=2000,
        help_text=_("For an approved budget: the file proposes an adjustment with this reason."),
    )


def amounts_from(data, categories: list[Category]) -> tuple[dict[int, Decimal], list[str]]:
    """The ``amount_<category id>`` inputs of a budget table: (amounts, errors naming the category)."""
    amounts, errors = {}, []
    field = forms.DecimalField(**MONEY)
    for cat in categories:
        raw = data.get(f"amount_{cat.pk}")
        if raw is None:
            continue
        raw = raw.strip().replace(",", "") or "0"
        try:
            amounts[cat.pk] = field.clean(raw)
        except forms.ValidationError as exc:
            errors.append(f"{cat.label}：{' '.join(exc.messages)}")
    return amounts, errors


class PostingForm(forms.Form):
    union = forms.ModelChoiceField(label=_("union"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("date"), widget=_date_widget())
    category = forms.ModelChoiceField(label=_("category"), queryset=None)
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    payee = forms.CharField(label=_("payee or payer"), max_length=100)
    voucher_number = forms.CharField(label=_("voucher number"), max_length=30)
    summary = forms.CharField(label=_("summary"), max_length=200, required=False)
    attachment = forms.FileField(
        label=_("attachment"),
        required=False,
        help_text=_("An invoice or a scanned receipt: PDF, JPEG or PNG."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(f".{k}" for k in ATTACHMENT_KINDS)}),
    )

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["category"].queryset = Category.objects.filter(is_leaf=True).select_related("parent")
        self.fields["category"].label_from_instance = lambda c: (
            f"{'收入' if c.direction == Direction.INCOME else '支出'} · {c.label}"
        )
        self.fields["date"].initial = timezone.localdate()


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=150)


class LedgerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    union = forms.ModelChoiceField(label=_("union"), queryset=None, required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("month"), required=False, min_value=1, max_value=12)
    category = forms.ModelChoiceField(label=_("category"), queryset=None, required=False)
    direction = forms.ChoiceField(label=_("direction"), required=False, choices=[("", "---------"), *Direction.choices])
    origin = forms.ChoiceField(
        label=_("entered"),
        required=False,
        choices=[("", "---------"), ("manual", _("by hand")), ("auto", _("from another page"))],
    )

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["category"].queryset = Category.objects.select_related("parent")
        self.fields["category"].label_from_instance = lambda c: c.label


class ReportForm(forms.Form):
    union = forms.ModelChoiceField(label=_("union"), queryset=None, required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions


class DuesImportForm(forms.Form):
    union = forms.ModelChoiceField(label=_("union"), queryset=None, empty_label=None)
    month = forms.DateField(
        label=_("month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    file = forms.FileField(label=_("payroll deduction list (xlsx)"))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions


class WageBaseImportForm(forms.Form):
    union = forms.ModelChoiceField(label=_("union"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=_("wage bases (xlsx)"))

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["year"].initial = timezone.localdate().year


class AllocationForm(forms.Form):
    union = forms.ModelChoiceField(label=_("union"), queryset=None, empty_label=None)
    date = forms.DateField(label=_("date received"), widget=_date_widget())
    payroll_total = forms.DecimalField(
        label=_("payroll total (yuan)"), max_digits=16, decimal_places=2, min_value=Decimal("0.01")
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)

    def __init__(self, *args, unions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
        self.fields["date"].initial = timezone.localdate()
