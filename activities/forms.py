from __future__ import annotations

import re
from datetime import date

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from members.params import DateParam
from members.uploads import strip_metadata

from .models import Activity, ActivityKind, MentoringPair, ReadingRoom

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "theme",
            "organizer",
            "place",
            "reading_room",
            "starts_at",
            "ends_at",
            "training_hours",
            "is_officer_training",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
            "capacity",
            "mode",
            "team_size_min",
            "team_size_max",
            "teams_per_unit",
            "poster",
            "description",
            "registrations_private",
        ]
        widgets = {
            "starts_at": DT,
            "ends_at": DT,
            "registration_opens_at": DT,
            "registration_closes_at": DT,
            "cancellation_deadline": DT,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, organizers=None, reading_rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizers is not None:
            self.fields["organizer"].queryset = organizers
        # The reading rooms the person sees (ReadingRoom.objects.for_actor): the default queryset would
        # read every unit's.
        self.fields["reading_room"].queryset = (
            reading_rooms if reading_rooms is not None else ReadingRoom.objects.none()
        )
        for name in (
            "starts_at",
            "ends_at",
            "registration_opens_at",
            "registration_closes_at",
            "cancellation_deadline",
        ):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    #: what a poster may be, by the format Pillow reads from its content → the extension it is stored with
    POSTER_FORMATS = {"JPEG": ".jpg", "PNG": ".png"}

    def clean_poster(self):
        """A new poster: at most UPLOAD_MAX_BYTES, a JPEG or PNG by its content (named after it, so it is served
        with the right type). The image field has already refused what Pillow cannot read (and image bombs)."""
        poster = self.cleaned_data.get("poster")
        if not isinstance(poster, UploadedFile):
            return poster  # unchanged or cleared
        limit = settings.UPLOAD_MAX_BYTES
        if poster.size > limit:
            raise forms.ValidationError(_("The poster is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
        image = getattr(poster, "image", None)
        ext = self.POSTER_FORMATS.get(getattr(image, "format", None))
        if ext is None:
            raise forms.ValidationError(_("The poster must be a JPEG or PNG image."))
        try:  # the stored poster carries no EXIF, XMP or IPTC (author, camera serial, GPS): issue #17
            strip_metadata(poster, ext.lstrip("."), field="poster")
        except ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["poster"]) from None
        poster.name = f"poster{ext}"
        return poster


class MonthField(forms.Field):
    """A month as YYYY-MM (the browser's month picker; the calendar's links also write YYYY-M)."""

    widget = forms.TextInput(attrs={"type": "month"})
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2026-03.")}

    def to_python(self, value) -> date | None:
        value = (value or "").strip()
        if not value:
            return None
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not match or not (1900 <= int(match[1]) <= 2099 and 1 <= int(match[2]) <= 12):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return date(int(match[1]), int(match[2]), 1)

    def prepare_value(self, value):
        """What the month picker understands: YYYY-MM (a bound "2026-3" shows as 2026-03)."""
        if isinstance(value, date):
            return f"{value:%Y-%m}"
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", (value or "").strip())
        return f"{match[1]}-{int(match[2]):02d}" if match else value


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices])
    organizer = forms.ModelChoiceField(label=_("Organiser"), required=False, queryset=None, empty_label=_("All"))
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("upcoming", _("Upcoming")), ("past", _("Past")), ("all", _("All"))],
    )
    month = MonthField(label=_("Starting in month"), required=False)

    def __init__(self, *args, organizers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = organizers


class MembersChoiceForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one member.")},
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda m: f"{m.name}（{m.unit.name}）"


class TeamForm(MembersChoiceForm):
    name = forms.CharField(label=_("Team name"), max_length=60)
    captain = forms.ModelChoiceField(label=_("Captain"), queryset=None)
    field_order = ["name", "captain", "members"]

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, members=members, **kwargs)
        self.fields["captain"].queryset = members
        self.fields["captain"].label_from_instance = lambda m: m.name
        self.fields["members"].label = _("Team members (besides the captain)")
        self.fields["members"].required = False


class ResultForm(forms.Form):
    entrant = forms.ChoiceField(label=_("Participant or team"))
    rank = forms.IntegerField(label=_("Rank"), min_value=1, max_value=999)
    score = forms.DecimalField(label=_("Score"), required=False, max_digits=7, decimal_places=2)
    prize = forms.CharField(label=_("Prize"), required=False, max_length=60)
    as_honour = forms.BooleanField(label=_("Also record as an honour on the member's page"), required=False)

    def __init__(self, *args, entrants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entrant"].choices = entrants


class MentoringPairForm(forms.ModelForm):
    class Meta:
        model = MentoringPair
        fields = ["mentor", "mentee", "unit", "skill_area", "starts_on", "ends_on", "status"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, members=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentor"].queryset = members
        self.fields["mentee"].queryset = members
        self.fields["unit"].queryset = units


class PeriodForm(forms.Form):
    start = DateParam(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = DateParam(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period must end after it starts."))
        return data
