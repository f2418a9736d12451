from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import EmploymentType, Gender, MemberStatus, PoliticalStatus
from .models import Organization


class MemberFilterForm(forms.Form):
    """Search and filters of the member list (GET). Bad values are dropped, never a 500."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("Name, card or mobile number")}),
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

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
