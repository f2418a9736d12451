from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from . import starters
from .models import QuestionKind

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SurveyForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("for"), queryset=Organization.objects.none())
    starter = forms.ChoiceField(label=_("start from"), choices=(), required=False)
    title = forms.CharField(label=_("title"), max_length=100)
    intro = forms.CharField(
        label=_("introduction"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    anonymous = forms.BooleanField(
        label=_("anonymous (answers stored without the person)"), required=False, initial=True
    )
    starts_at = forms.DateTimeField(label=_("starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("ends"), widget=DATETIME)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else Organization.objects.none()
        self.fields["starter"].choices = starters.choices()


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("question"), max_length=300)
    required = forms.BooleanField(label=_("required"), required=False, initial=True)
    options = forms.CharField(
        label=_("options (one per line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=3000
    )
    scale_max = forms.IntegerField(label=_("scale up to"), min_value=2, max_value=10, initial=5)

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class AnswerForm(forms.Form):
    """The questionnaire as a form: one field per question."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            name = f"q_{q.pk}"
            options = [(o.pk, o.label) for o in q.options.all()]
            if q.kind == QuestionKind.SINGLE:
                field = forms.TypedChoiceField(choices=options, coerce=int, widget=forms.RadioSelect, empty_value=None)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.TypedMultipleChoiceField(choices=options, coerce=int, widget=forms.CheckboxSelectMultiple)
            elif q.kind == QuestionKind.RATING:
                scale = [(v, str(v)) for v in range(1, q.scale_max + 1)]
                field = forms.TypedChoiceField(choices=scale, coerce=int, widget=forms.RadioSelect, empty_value=None)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
            field.label, field.required = q.text, q.required
            self.fields[name] = field

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}") for q in self.questions}
