"""Forms of the assistance app: one form's fields and their validation; the rules live in services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import idnumbers
from members.scoping import unscoped

from .models import Campaign, CampaignKind, Category, Cause, CloseReason, HardshipCase, Purpose, Source, Status
from .services import Person

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name or file number")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices])
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *Category.choices]
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    due = forms.ChoiceField(
        label=_("Re-verification"),
        required=False,
        choices=[
            ("", _("Any")),
            ("due", _("Due within 30 days")),
            ("overdue", _("Overdue")),
            ("follow_up", _("Follow-up of closed files")),
        ],
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CaseForm(forms.ModelForm):
    causes = forms.MultipleChoiceField(label=_("Causes"), choices=Cause.choices, widget=forms.CheckboxSelectMultiple)
    household_text = forms.CharField(
        label=_("Other household members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "李芳, 配偶, 320602198001010020"}),
        help_text=_("One per line: name, relation, ID number."),
    )
    bank_account = forms.CharField(
        label=_("Bank account for grants"),
        required=False,
        max_length=40,
        help_text=_("Stored encrypted and shown masked. Leave empty to keep the current one."),
    )

    class Meta:
        model = HardshipCase
        fields = [
            "category",
            "causes",
            "household_size",
            "income_per_head",
            "minimum_living_standard",
            "housing",
            "health_notes",
            "disability_notes",
            "bank_name",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("housing", "health_notes", "disability_notes")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["household_text"].label = _("Add household members")

    def clean_household_text(self) -> list[Person]:
        people = []
        for n, line in enumerate(self.cleaned_data.get("household_text", "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if len(parts) != 3 or not all(parts):
                raise ValidationError(_("Line %(n)s: write name, relation, ID number.") % {"n": n})
            try:
                idnumbers.parse(parts[2])
            except ValidationError as exc:
                raise ValidationError(
                    _("Line %(n)s (%(name)s): %(error)s") % {"n": n, "name": parts[0], "error": exc.messages[0]}
                ) from None
            people.append(Person(name=parts[0][:50], relation=parts[1][:20], id_number=parts[2]))
        return people


class CaseOpenForm(CaseForm):
    card_number = forms.CharField(label=_("Applicant's membership card number"), max_length=20)

    class Meta(CaseForm.Meta):
        fields = ["card_number", *CaseForm.Meta.fields]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class VisitForm(forms.Form):
    visited_on = forms.DateField(label=_("Visit date"), widget=DATE)
    visitors = forms.CharField(label=_("Visitors"), max_length=200)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    consent = forms.BooleanField(label=_("The applicant signed consent to an income check"), required=False)


class NoticeForm(forms.Form):
    start = forms.DateField(label=_("Notice from"), widget=DATE)
    end = forms.DateField(label=_("Notice until"), widget=DATE)


class ReverifyForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("keep", _("Keep the file")), ("change", _("Change the category")), ("close", _("Close the file"))],
    )
    category = forms.ChoiceField(label=_("New category"), required=False, choices=[("", "—"), *Category.choices])
    close_reason = forms.ChoiceField(
        label=_("Closing reason"), required=False, choices=[("", "—"), *CloseReason.choices]
    )
    follow_up_on = forms.DateField(label=_("Follow-up date"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


class CampaignForm(forms.ModelForm):
    budget_union = forms.DecimalField(label=_("Budget from union funds"), required=False, min_value=0, decimal_places=2)
    budget_government = forms.DecimalField(
        label=_("Budget from government aid"), required=False, min_value=0, decimal_places=2
    )
    budget_charity = forms.DecimalField(label=_("Budget from charity"), required=False, min_value=0, decimal_places=2)
    budget_other = forms.DecimalField(
        label=_("Budget from other sources"), required=False, min_value=0, decimal_places=2
    )

    class Meta:
        model = Campaign
        fields = ["name", "kind", "opens_on", "closes_on", "university_amount", "high_school_amount", "default_amount"]
        widgets = {"opens_on": DATE, "closes_on": DATE}

    def budgets(self) -> dict:
        return {s: self.cleaned_data.get(f"budget_{s}") for s in Source.values}

    def validate_unique(self):
        # Campaign names are unique in the whole city: the check reads every campaign's name (only
        # city administrators reach this form, and they read every campaign anyway).
        with unscoped("a campaign name is unique city-wide: the form's uniqueness check answers only yes or no"):
            super().validate_unique()

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The campaign cannot close before it opens."))
        if data.get("kind") == CampaignKind.STUDENT and not (
            data.get("university_amount") or data.get("high_school_amount")
        ):
            self.add_error("university_amount", _("Student aid sets an amount per level."))
        if not any(self.cleaned_data.get(f"budget_{s}") for s in Source.values):
            self.add_error("budget_union", _("Give the campaign a budget from at least one source."))
        return data


class RosterForm(forms.Form):
    case = forms.ModelChoiceField(label=_("File"), queryset=None)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Empty: the campaign's amount for this purpose."),
    )

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: f"{c.number} {c.member.name} · {c.unit.name}"


class BatchGrantForm(forms.Form):
    granted_on = forms.DateField(label=_("Grant date"), widget=DATE, initial=timezone.localdate)


class ReceivedForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE, initial=timezone.localdate)


class GrantFilterForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"), queryset=None, required=False, empty_label=_("All campaigns")
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All units"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    campaign_year = forms.IntegerField(label=_("Campaign year"), required=False, min_value=2000, max_value=2099)

    def __init__(self, *args, units=None, campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["campaign"].queryset = campaigns


class RecuperationForm(forms.Form):
    honour = forms.ModelChoiceField(label=_("Honour"), queryset=None)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=100)
    cost = forms.DecimalField(label=_("Cost (yuan)"), min_value=0, decimal_places=2, max_digits=10)

    def __init__(self, *args, honours=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["honour"].queryset = honours
        self.fields["honour"].label_from_instance = lambda h: f"{h.member.name} · {h}"

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The trip cannot end before it starts."))
        return data
