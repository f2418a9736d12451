"""Forms of the contest pages: their own fields only; the rules live in services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from .models import Contest, ContestKind, ContestStatus


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ContestForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = [
            "title",
            "kind",
            "organizer",
            "activity_id",
            "description",
            "mode",
            "allow_text",
            "allow_document",
            "allow_image",
            "allow_video",
            "entries_per_entrant",
            "max_file_mb",
            "submissions_close_at",
            "combine",
            "tie_break",
            "exclude_same_unit",
            "first_prizes",
            "second_prizes",
            "third_prizes",
            "excellence_awards",
            "notice_days",
        ]
        widgets = {"submissions_close_at": DateTimeInput(), "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organizers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers
        if len(organizers) == 1:
            self.fields["organizer"].initial = organizers[0].pk


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=40)
    weight = forms.DecimalField(label=_("Weight"), max_digits=5, decimal_places=2, min_value=Decimal("0.01"))
    max_score = forms.DecimalField(label=_("Maximum score"), max_digits=5, decimal_places=2, min_value=Decimal("1"))


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=12, validate_max=True)


class ScoreForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the change"), max_length=100, required=False)

    def __init__(self, *args, criteria, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.DecimalField(
                label=f"{c.name}（0–{c.max_score:g}）",
                min_value=Decimal("0"),
                max_value=c.max_score,
                max_digits=5,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        if correcting:
            self.fields["reason"].required = True
            self.order_fields([f"c{c.pk}" for c in self.criteria] + ["reason"])
        else:
            del self.fields["reason"]

    def values(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}


class EntryForm(forms.Form):
    title = forms.CharField(label=_("Title of the work"), max_length=120)
    team_name = forms.CharField(label=_("Team"), max_length=60, required=False)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    file = forms.FileField(label=_("File"), required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        if contest.mode != "team":
            del self.fields["team_name"]
        if not contest.allow_text:
            del self.fields["text"]
        if not (contest.allow_document or contest.allow_image):
            del self.fields["file"]
        else:
            kinds = []
            if contest.allow_image:
                kinds += [".jpg", ".jpeg", ".png"]
            if contest.allow_document:
                kinds += [".pdf", ".docx"]
            self.fields["file"].widget.attrs["accept"] = ",".join(kinds)
            self.fields["file"].help_text = _("At most %(mb)s MB.") % {"mb": contest.max_file_mb}
        if not contest.allow_video:
            del self.fields["video_url"]


class JudgeMemberForm(forms.Form):
    who = forms.CharField(label=_("Member's card number, mobile or name"), max_length=50)


class ExpertForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    affiliation = forms.CharField(label=_("Affiliation"), max_length=100, required=False)


class ContestFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *ContestKind.choices], required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "—"), *ContestStatus.choices], required=False)


def organizer_choices(scope):
    """The organisers an actor may create a contest for."""
    if scope.sees_all:
        return Organization.objects.filter(is_active=True).order_by("kind", "sort_order", "name")
    return Organization.objects.filter(pk__in=scope.manageable_unit_ids).order_by("sort_order", "name")
