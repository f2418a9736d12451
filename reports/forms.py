from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .selectors import organization_tree

FIRST_YEAR = 2000


class YearlyReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR)
    organization = forms.ChoiceField(
        label=_("Liaison zone or unit"),
        required=False,
        help_text=_("Leave empty for the whole city."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].max_value = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs.update(min=FIRST_YEAR, max=this_year)
        self.fields["year"].initial = this_year
        self._orgs = {}
        choices = [("", _("The whole city"))]
        for org, depth in organization_tree(actor=actor):
            if depth == 0:
                continue  # the city is the empty choice
            self._orgs[str(org.pk)] = org
            choices.append((str(org.pk), "\u3000" * (depth - 1) + ("└ " if depth > 1 else "") + org.name))
        self.fields["organization"].choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-sm-4 col-md-3"), Column("organization", css_class="col-sm-8 col-md-6")),
        )

    def clean_organization(self):
        value = self.cleaned_data.get("organization")
        return self._orgs.get(value) if value else None
