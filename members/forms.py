from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import idnumbers
from .choices import EmploymentType, Gender, MemberStatus, PoliticalStatus
from .duplicates import id_duplicate_message
from .models import ChangeKind, Member, Organization
from .params import DateParam
from .pinyin import NameOrder
from .scoping import unscoped

AGE_BANDS = {
    "u30": (None, 29),
    "30-39": (30, 39),
    "40-49": (40, 49),
    "50-59": (50, 59),
    "60+": (60, None),
}


class AccessRecordFilterForm(forms.Form):
    """Search and filters of the access record (GET). Bad values are dropped, never a 500."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name or username, or what was accessed")}),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    app = forms.ChoiceField(label=_("Section"), required=False)
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Organization.objects.none(), required=False, empty_label=_("All units")
    )
    date_from = DateParam(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = DateParam(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Object"), required=False)
    member = forms.ModelChoiceField(
        label=_("Whose data"), queryset=Member.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, units=None, apps=(), kinds=(), members=None, **kwargs):
        from .models import AccessAction

        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AccessAction.choices]
        self.fields["app"].choices = [("", _("All sections")), *apps]
        self.fields["kind"].choices = [("", _("All objects")), *kinds]
        if members is not None:
            self.fields["member"].queryset = members
        if units is not None:
            self.fields["unit"].queryset = units

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class MemberFilterForm(forms.Form):
    """Search and filters of the member list (GET). Bad values are dropped, never a 500."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name, pinyin or initials, ID number, card or mobile number")}),
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Organization.objects.none(), required=False, empty_label=_("All units")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *MemberStatus.choices]
    )
    employment_type = forms.ChoiceField(
        label=_("Employment type"), required=False, choices=[("", _("All types")), *EmploymentType.choices]
    )
    political_status = forms.ChoiceField(
        label=_("Political status"), required=False, choices=[("", _("All")), *PoliticalStatus.choices]
    )
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=[("", _("All")), *Gender.choices])
    age = forms.ChoiceField(
        label=_("Age"),
        required=False,
        choices=[
            ("", _("All ages")),
            ("u30", _("Under 30")),
            ("30-39", "30–39"),
            ("40-49", "40–49"),
            ("50-59", "50–59"),
            ("60+", _("60 and over")),
        ],
    )

    def __init__(self, *args, units=None, unit_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        if unit_choices is not None:
            # A callable giving the (id, name) pairs of the same units: the select without a query, and nothing
            # read at all when the form is not shown (the export reads the filters only).
            empty = self.fields["unit"].empty_label
            self.fields["unit"].choices = lambda: [("", empty), *unit_choices()]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    """The membership registration form (会员信息登记表).

    The ID number is entered here and never shown back in full; birth date and gender are derived
    from it when left empty, and a contradicting entry is refused with a message.
    """

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        required=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "font-monospace"}),
        help_text=_("18 characters; a lowercase x is accepted. Birth date and gender are taken from it."),
    )

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "native_place",
            "political_status",
            "education",
            "unit",
            "position",
            "professional_title",
            "employment_type",
            "join_date",
            "card_number",
            "mobile",
            "notes",
        ]
        widgets = {
            "birth_date": _date_widget(),
            "join_date": _date_widget(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, units=None, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor  # whose scope decides what a duplicate ID message may name (members.duplicates)
        self.id_facts = None
        self.fields["name"].label = _("Name")
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["gender"].help_text = _("Leave empty to take it from the ID number.")
        self.fields["birth_date"].help_text = _("Leave empty to take it from the ID number.")
        self.fields["join_date"].initial = timezone.localdate
        if self.instance.pk:
            del self.fields["unit"]  # a unit changes only by a transfer
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Stored: %(masked)s. Leave empty to keep it; enter the full number to correct it."
            ) % {"masked": self.instance.id_number_masked}
        elif units is not None:
            self.fields["unit"].queryset = units
            only = list(units[:2])
            if len(only) == 1:
                self.fields["unit"].initial = only[0].pk
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("Person"),
                Row(Column("name", css_class="col-md-4"), Column("id_number", css_class="col-md-8")),
                Row(
                    Column("gender", css_class="col-6 col-md-3"),
                    Column("birth_date", css_class="col-6 col-md-3"),
                    Column("ethnicity", css_class="col-6 col-md-3"),
                    Column("native_place", css_class="col-6 col-md-3"),
                ),
                Row(
                    Column("political_status", css_class="col-6 col-md-4"),
                    Column("education", css_class="col-6 col-md-4"),
                    Column("mobile", css_class="col-md-4"),
                ),
            ),
            Fieldset(
                _("Work and membership"),
                Row(*([Column("unit", css_class="col-md-6")] if "unit" in self.fields else [])),
                Row(
                    Column("position", css_class="col-6 col-md-4"),
                    Column("professional_title", css_class="col-6 col-md-4"),
                    Column("employment_type", css_class="col-md-4"),
                ),
                Row(Column("join_date", css_class="col-6 col-md-4"), Column("card_number", css_class="col-6 col-md-4")),
                "notes",
            ),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split()).replace("•", "·")

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        if not value:
            return ""
        self.id_facts = idnumbers.parse(value)
        digests = idnumbers.lookup_hashes(self.id_facts.number)
        with unscoped("an ID number is unique across the city: the check reads every unit"):
            clash = (
                Member.objects.filter(id_number_hash__in=digests)
                .exclude(pk=self.instance.pk)
                .select_related("unit")
                .only("pk", "name", "card_number", "unit_id", "unit__name")
                .first()
            )
        if clash:
            raise ValidationError(id_duplicate_message(actor=self.actor, existing=clash), code="id_duplicate")
        return self.id_facts.number

    def clean(self):
        data = super().clean()
        facts = self.id_facts
        if facts is None and self.instance.pk and self.instance.id_number_encrypted:
            facts = idnumbers.parse(self.instance.reveal_id_number())  # the stored number decides
        # The record's rules live on the model (Member.rule_errors): the import applies the same ones.
        probe = Member(
            gender=data.get("gender") or "", birth_date=data.get("birth_date"), join_date=data.get("join_date")
        )
        if facts is not None:
            probe.fill_from_id(facts)
            data["gender"], data["birth_date"] = probe.gender, probe.birth_date
        for field, message in probe.rule_errors(facts).items():
            if field in self.fields and not self.has_error(field):
                self.add_error(field, message)
        return data

    def _post_clean(self):
        # The hashed/encrypted fields are set before model validation so that full_clean passes.
        if self.id_facts is not None:
            self.instance.set_id_number(self.id_facts.number)
        else:
            self.instance._id_facts = getattr(self, "rule_facts", None)
        super()._post_clean()
        if self.has_error("id_number"):
            # Without a valid number there is nothing to derive from: one message, on the number.
            for field in ("gender", "birth_date"):
                if not self.cleaned_data.get(field):
                    self._errors.pop(field, None)

    def member_data(self) -> dict:
        """The model fields for the services (without the unit and the ID number)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("unit", "id_number")}


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("To unit"), queryset=Organization.objects.none())
    on = forms.DateField(label=_("Date"), widget=_date_widget(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Organization.objects.units().filter(is_active=True).order_by("sort_order", "name")
        if member is not None:
            qs = qs.exclude(pk=member.unit_id)
        self.fields["to_unit"].queryset = qs
        self.helper = FormHelper()
        self.helper.form_tag = False


STATUS_CHANGE_CHOICES = [
    (ChangeKind.RETAIN, _("Retired: keep the membership")),
    (ChangeKind.WITHDRAW, _("Withdrawal")),
    (ChangeKind.EXPEL, _("Expulsion")),
    (ChangeKind.DECEASE, _("Death")),
    (ChangeKind.TRANSFER_OUT, _("Transfer out of the system")),
    (ChangeKind.REINSTATE, _("Reinstate as active")),
]


class StatusChangeForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("membership change", "Change"), choices=STATUS_CHANGE_CHOICES)
    on = forms.DateField(label=_("Date"), widget=_date_widget(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CommitteeTermForm(forms.Form):
    term_start = forms.DateField(label=_("Term start"), widget=_date_widget())
    term_years = forms.TypedChoiceField(
        label=_("Term length"), coerce=int, choices=[(3, _("3 years")), (5, _("5 years"))], initial=5
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CommitteePostForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    post = forms.ChoiceField(label=_("Post"), choices=[])
    elected_on = forms.DateField(label=_("Elected on"), widget=_date_widget(), initial=timezone.localdate)
    by_election = forms.BooleanField(label=_("By-election (fills a post mid-term)"), required=False)

    def __init__(self, *args, unit=None, **kwargs):
        from .choices import CURRENT_STATUSES
        from .models import Post

        super().__init__(*args, **kwargs)
        self.fields["post"].choices = Post.choices
        if unit is not None:
            self.fields["member"].queryset = unit.members.filter(status__in=CURRENT_STATUSES).order_by(
                NameOrder(), "pk"
            )
        self.helper = FormHelper()
        self.helper.form_tag = False


class HonourForm(forms.ModelForm):
    class Meta:
        from .models import Honour

        model = Honour
        fields = ["title", "name", "level", "year", "awarded_by", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1950 <= year <= timezone.localdate().year:
            raise ValidationError(_("Enter a year between 1950 and this year."))
        return year


class CorrectionRequestForm(forms.Form):
    """A member asks for a correction of the own record (PIPL art. 46)."""

    fields_ = forms.MultipleChoiceField(
        label=_("What is wrong"), widget=forms.CheckboxSelectMultiple, choices=(), required=True
    )
    proposed = forms.CharField(label=_("What it should say"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(
        label=_("Why (optional)"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        from .models import CORRECTABLE_FIELDS

        super().__init__(*args, **kwargs)
        self.fields["fields_"].choices = CORRECTABLE_FIELDS


class CorrectionAnswerForm(forms.Form):
    done = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Corrected")), ("0", _("Refused"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(label=_("Note or reason for refusing"), max_length=1000, required=False)
