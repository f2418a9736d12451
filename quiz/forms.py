"""Forms of the knowledge contest pages (their own fields only; the rules live in services)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import QuestionKind, Quiz, QuizMode, Subject


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "title",
            "organizer",
            "mode",
            "description",
            "opens_at",
            "closes_at",
            "time_limit_minutes",
            "attempts_allowed",
            "show_explanations",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "closes_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        if len(organizers) == 1:
            self.fields["organizer"].initial = organizers[0].pk


class RuleForm(forms.Form):
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.none())
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    count = forms.IntegerField(label=_("Questions"), min_value=1, max_value=100)
    points = forms.DecimalField(
        label=_("Points each"), min_value=Decimal("0.5"), max_digits=5, decimal_places=2, initial=Decimal(5)
    )

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if subjects is not None:
            self.fields["subject"].queryset = subjects


RuleFormSet = forms.formset_factory(RuleForm, extra=3, max_num=12, validate_max=True)


class SubjectForm(forms.Form):
    organizer = forms.ModelChoiceField(label=_("Organiser"), queryset=None)
    name = forms.CharField(label=_("Subject"), max_length=60)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        if len(organizers) == 1:
            self.fields["organizer"].initial = organizers[0].pk


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Question bank (.xlsx)"))


class QuizFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    mode = forms.ChoiceField(label=_("Mode"), choices=[("", "—"), *QuizMode.choices], required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", "—"), ("open", _("Open now")), ("upcoming", _("Upcoming")), ("closed", _("Closed"))],
        required=False,
    )
