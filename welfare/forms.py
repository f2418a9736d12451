"""Forms of the welfare pages (validation of their own fields only; rules live in services)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.festivals import Festival
from members.models import Organization

from .models import Category, DistributionStatus, GiftForm, WelfarePolicy

MONEY_FIELD = {"max_digits": 10, "decimal_places": 2, "min_value": Decimal("0.01")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DistributionForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    festival = forms.ChoiceField(label=_("Festival"), choices=[("", "—"), *Festival.choices], required=False)
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        help_text=_("For a birthday batch: the members born in this date's month are listed."),
    )
    #: The gift the staff chose in a survey (members.registry.gift_suggestions): fills the item.
    suggestion = forms.ChoiceField(
        label=_("Gift chosen by the staff"),
        required=False,
        help_text=_("The most chosen option of a closed gift survey; it fills the item."),
    )
    item = forms.CharField(label=_("Item"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("Form"), choices=GiftForm.choices, initial=GiftForm.GOODS)
    amount = forms.DecimalField(label=_("Amount per person (yuan)"), **MONEY_FIELD)

    def __init__(self, *args, units, gift_suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if gift_suggestions:
            self.fields["suggestion"].choices = [("", "—"), *((s.item, s.label) for s in gift_suggestions)]
            self.fields["suggestion"].widget.attrs["data-fills"] = "item"
        else:
            del self.fields["suggestion"]
        self.fields["organization"].queryset = units
        self.fields["date"].initial = timezone.localdate()
        if len(units) == 1:
            self.fields["organization"].initial = units[0].pk

    def clean(self):
        data = super().clean()
        if data.get("category") == Category.FESTIVAL and not data.get("festival"):
            self.add_error("festival", _("Choose the festival of a festival gift."))
        if "item" in data and not data["item"].strip():
            data["item"] = data.get("suggestion") or ""
            if not data["item"]:
                self.add_error("item", self.fields["item"].error_messages["required"])
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AddRecipientForm(ReasonForm):
    member = forms.IntegerField(label=_("Member"), widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].widget.choices = [("", "—"), *choices]
        self.order_fields(["member", "reason"])


class AmountForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount per person (yuan)"), **MONEY_FIELD)


class SignForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    received_by = forms.CharField(label=_("Received on behalf by"), max_length=50, required=False)


class DistributionFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    organization = forms.ModelChoiceField(label=_("Unit"), queryset=Organization.objects.none(), required=False)
    category = forms.ChoiceField(label=_("Category"), choices=[("", "—"), *Category.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *DistributionStatus.choices], required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2099)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units


class CapForm(forms.Form):
    category = forms.ChoiceField(choices=Category.choices, widget=forms.HiddenInput)
    cap = forms.DecimalField(label=_("Cap (yuan)"), max_digits=10, decimal_places=2, min_value=0, required=False)
    allow_goods = forms.BooleanField(label=_("Goods"), required=False)
    allow_coupon = forms.BooleanField(label=_("Cake coupon"), required=False)
    allow_money = forms.BooleanField(label=_("Money"), required=False)


CapFormSet = forms.formset_factory(
    CapForm, extra=0, min_num=len(Category), max_num=len(Category), validate_min=True, validate_max=True
)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = WelfarePolicy
        fields = ["document", "include_retained", "include_non_establishment", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class FestivalShareForm(forms.Form):
    """One optional share of the festival cap per festival (empty: no share of its own)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Festival.choices:
            self.fields[code] = forms.DecimalField(
                label=label, max_digits=10, decimal_places=2, min_value=0, required=False
            )


class PolicyCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2099)
    province = forms.CharField(label=_("Province"), max_length=20)
    copy_from = forms.ModelChoiceField(
        label=_("Copy the caps of"), queryset=WelfarePolicy.objects.all(), required=False
    )
