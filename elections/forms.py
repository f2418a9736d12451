from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organization, Post

from .models import Assembly, ElectionKind, VotingMode

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ElectionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("kind"), choices=ElectionKind.choices)
    title = forms.CharField(label=_("title"), max_length=100)
    assembly = forms.ChoiceField(label=_("held by"), choices=Assembly.choices)
    voting_mode = forms.ChoiceField(label=_("voting"), choices=VotingMode.choices, initial=VotingMode.ONLINE)
    vote_date = forms.DateField(label=_("date of the vote"), widget=DATE)
    term_years = forms.TypedChoiceField(
        label=_("term (years)"), choices=[(5, _("5 years")), (3, _("3 years"))], coerce=int
    )
    plan_due = forms.DateField(label=_("plan due to the city union"), widget=DATE, required=False)
    nominations_due = forms.DateField(label=_("nominations close"), widget=DATE, required=False)
    result_due = forms.DateField(label=_("result due to the city union"), widget=DATE, required=False)
    plan_notes = forms.CharField(
        label=_("plan"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Organization.objects.none()


class RaceForm(forms.Form):
    post = forms.ChoiceField(label=_("post"), choices=Post.choices)
    seats = forms.IntegerField(label=_("seats"), min_value=1, max_value=99)
    planned_candidates = forms.IntegerField(label=_("candidates planned"), min_value=1, max_value=199)


class CandidateForm(forms.Form):
    race = forms.TypedChoiceField(label=_("post"), coerce=int, choices=())
    member = forms.TypedChoiceField(label=_("member"), coerce=int, choices=())
    nominated_by = forms.CharField(label=_("nominated by"), max_length=100)
    nominations = forms.IntegerField(label=_("nominations received"), min_value=1, max_value=100000, initial=1)

    def __init__(self, *args, races=(), members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["race"].choices = [(r.pk, r.get_post_display()) for r in races]
        self.fields["member"].choices = [(m.pk, f"{m.name} · {m.card_number}") for m in members]


class NominationForm(forms.Form):
    """A member's nomination: the post and a colleague of the own unit (or oneself)."""

    race = forms.TypedChoiceField(label=_("post"), coerce=int, choices=())
    nominee = forms.TypedChoiceField(label=_("nominee"), coerce=int, choices=())

    def __init__(self, *args, races=(), colleagues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["race"].choices = [(r.pk, r.get_post_display()) for r in races]
        self.fields["nominee"].choices = [("", "---------"), *colleagues]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=300, required=False)


class OnlineRoundForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("voting opens"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("voting closes"), widget=DATETIME)


class PaperRoundForm(forms.Form):
    entitled = forms.IntegerField(label=_("entitled to attend"), min_value=1, max_value=100000)
    present = forms.IntegerField(label=_("present"), min_value=0, max_value=100000)


class BoxForm(forms.Form):
    name = forms.CharField(label=_("ballot box"), max_length=50)
    issued = forms.IntegerField(label=_("ballots issued"), min_value=0, max_value=100000)
    returned = forms.IntegerField(label=_("ballots returned"), min_value=0, max_value=100000)
    invalid = forms.IntegerField(label=_("invalid ballots"), min_value=0, max_value=100000, initial=0)
    counters = forms.CharField(label=_("counting officials (计票人)"), max_length=100)
    scrutineers = forms.CharField(label=_("scrutineers (监票人)"), max_length=100)

    def __init__(self, *args, races=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate_fields = []
        for race in races:
            for c in race.candidates.all():
                name = f"votes_{c.pk}"
                self.fields[name] = forms.IntegerField(
                    label=f"{race.get_post_display()} · {c.member.name}", min_value=0, max_value=100000, initial=0
                )
                self.candidate_fields.append((c.pk, name))

    def votes(self) -> dict[int, int]:
        return {pk: self.cleaned_data[name] for pk, name in self.candidate_fields}


class BallotForm(forms.Form):
    """The ballot paper: per race, tick at most as many candidates as there are seats."""

    def __init__(self, *args, races=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.races = list(races)
        for race in self.races:
            self.fields[f"race_{race.pk}"] = forms.TypedMultipleChoiceField(
                label=race.get_post_display(),
                choices=[(c.pk, c.member.name) for c in race.candidates.all()],
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text=_("Tick at most %(seats)s.") % {"seats": race.seats},
            )

    def clean(self):
        data = super().clean()
        for race in self.races:
            if len(data.get(f"race_{race.pk}") or []) > race.seats:
                self.add_error(f"race_{race.pk}", _("Tick at most %(seats)s.") % {"seats": race.seats})
        return data

    def choices(self) -> dict[int, list[int]]:
        return {race.pk: list(self.cleaned_data.get(f"race_{race.pk}") or []) for race in self.races}


class ReceiptForm(forms.Form):
    code = forms.CharField(label=_("receipt code"), max_length=40)
