"""Forms of the care app: the fields and their own validation; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import idnumbers

from .models import Counsellor, CounsellorKind, JoinApplication


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _datetime():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ApplicationForm(forms.ModelForm):
    """The registration form's fields an applicant fills in; the ID number is checked like the import checks it."""

    id_number = forms.CharField(
        label=_("ID number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "font-monospace", "inputmode": "text"}),
        help_text=_("18 characters; a lowercase x is accepted. Birth date and gender are taken from it."),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, help_text=_("Optional: we write to you there when the unit has decided.")
    )
    #: A field people do not see: a robot that fills it in is refused.
    website = forms.CharField(required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))
    consent = forms.BooleanField(
        label=_("I agree that the unit union uses these details to decide on my membership."), required=True
    )

    class Meta:
        model = JoinApplication
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "native_place",
            "political_status",
            "education",
            "position",
            "professional_title",
            "employment_type",
            "mobile",
            "email",
        ]
        widgets = {"birth_date": _date()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["gender"].help_text = _("Leave empty to take it from the ID number.")
        self.fields["birth_date"].help_text = _("Leave empty to take it from the ID number.")
        self.fields["mobile"].required = True
        self.fields["employment_type"].help_text = _(
            "Established or not (contract, agency): everyone who works here may join."
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split()).replace("•", "·")

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number", "")
        return idnumbers.parse(value).number

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


class AcceptForm(forms.Form):
    card_number = forms.CharField(label=_("Membership card number"), max_length=20)
    join_date = forms.DateField(label=_("Join date"), widget=_date(), initial=timezone.localdate)

    def clean_card_number(self):
        value = "".join(self.cleaned_data["card_number"].split()).upper()
        if value[:1] in ("=", "+", "-", "@"):
            raise forms.ValidationError(_("A card number cannot start with =, +, - or @."))
        return value


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant reads it)"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (JPEG or PNG)"))


class CounsellorForm(forms.ModelForm):
    class Meta:
        model = Counsellor
        fields = ["name", "kind", "qualification", "introduction", "is_active"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = CounsellorKind.choices


class SlotForm(forms.Form):
    counsellor = forms.ModelChoiceField(label=_("Counsellor"), queryset=Counsellor.objects.none())
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=_datetime())
    minutes = forms.IntegerField(label=_("Minutes"), min_value=15, max_value=240, initial=50)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)

    def __init__(self, *args, counsellors=None, **kwargs):
        super().__init__(*args, **kwargs)
        if counsellors is not None:
            self.fields["counsellor"].queryset = counsellors


class BookingForm(forms.Form):
    topic = forms.CharField(
        label=_("What you would like to talk about (optional, only the counsellor reads it)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NotesForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5}))
    held = forms.BooleanField(label=_("The session was held"), required=False)


class LegalRequestForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=100)
    description = forms.CharField(
        label=_("Describe the problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class LegalAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class LegalRateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was the answer?"),
        coerce=int,
        choices=[(i, "★" * i) for i in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )


class TrainingRecordForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None)
    title = forms.CharField(label=_("External course"), max_length=120)
    on = forms.DateField(label=_("Date"), widget=_date())
    hours = forms.DecimalField(label=_("Hours"), min_value=0.5, max_value=200, decimal_places=1, max_digits=5)
    is_officer_training = forms.BooleanField(label=_("Union officers' training"), required=False)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class HealthCheckForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None, widget=forms.HiddenInput)
    planned_on = forms.DateField(label=_("Date"), required=False, widget=_date())
    done_on = forms.DateField(label=_("Done on"), required=False, widget=_date())

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    q = forms.CharField(max_length=50, required=False)
