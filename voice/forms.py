from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import HonourLevel, Organization
from members.params import DateParam
from members.uploads import check_upload

from .models import ATTACHMENT_KINDS, Category, ItemKind, ItemStatus, UnitHonourTitle

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(forms.Form):
    addressee = forms.ModelChoiceField(
        label=pgettext_lazy("addressee", "To"), queryset=Organization.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=pgettext_lazy("voice item", "Kind"), choices=ItemKind.choices)
    category = forms.ChoiceField(label=_("Topic"), choices=Category.choices)
    subject = forms.CharField(label=_("Subject"), max_length=100)
    text = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("Optional: PDF, JPEG, PNG, Word or Excel, up to the size limit."),
    )
    anonymous = forms.BooleanField(
        label=_("Send anonymously"),
        required=False,
        help_text=_(
            "Nobody will know it was you: the portal keeps no link between the item and your login. You get a "
            "receipt code to follow it up; keep it, it is the only way back to the item."
        ),
    )

    def __init__(self, *args, addressees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if addressees is not None:
            self.fields["addressee"].queryset = addressees
        self.fields["attachment"].widget.attrs.update(
            {
                "data-max-bytes": settings.UPLOAD_MAX_BYTES,
                "data-too-big": _("The attachment is too large."),
                "accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx",
            }
        )

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            try:
                check_upload(upload, field="attachment", allowed=ATTACHMENT_KINDS)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["attachment"]) from exc
        return upload


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))


class ForwardForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Forward to"), queryset=Organization.objects.none())
    note = forms.CharField(label=_("Note"), max_length=500)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["to"].queryset = choices


class RateForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with the answer?"),
        choices=[("1", _("Satisfied")), ("0", _("Not satisfied"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why reopen it?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ItemStatus.choices]
    )
    category = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("All topics")), *Category.choices])
    kind = forms.ChoiceField(
        label=pgettext_lazy("voice item", "Kind"), required=False, choices=[("", _("All kinds")), *ItemKind.choices]
    )
    addressee = forms.ModelChoiceField(
        label=_("Addressed to"), required=False, queryset=Organization.objects.none(), empty_label=_("All")
    )
    overdue = forms.TypedChoiceField(
        label=_("Overdue"),
        required=False,
        coerce=int,
        empty_value=0,
        choices=[("", _("All")), ("7", _("Unanswered 7 days or more")), ("14", _("Unanswered 14 days or more"))],
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["addressee"].queryset = orgs


class PeriodForm(forms.Form):
    start = DateParam(label=_("Period from"), required=False, widget=DATE)
    end = DateParam(label=_("Period to"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["start"] = data.get("start") or today.replace(month=1, day=1)
        data["end"] = data.get("end") or today
        if data["start"] > data["end"]:
            raise ValidationError({"end": _("The end of the period comes before its start.")})
        return data


class TalkForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    talked_by = forms.CharField(label=_("Who talked"), max_length=100)
    topics = forms.CharField(label=_("Topics"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    concerns = forms.CharField(
        label=_("Concerns raised"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    FOLLOW_UPS = 3

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.FOLLOW_UPS + 1):
            self.fields[f"action_{i}"] = forms.CharField(
                label=_("Follow-up action %(n)d") % {"n": i}, required=False, max_length=300
            )
            self.fields[f"due_{i}"] = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        follow_ups = []
        for i in range(1, self.FOLLOW_UPS + 1):
            action, due = (data.get(f"action_{i}") or "").strip(), data.get(f"due_{i}")
            if action and not due:
                self.add_error(f"due_{i}", _("Give the follow-up action a due date."))
            elif due and not action:
                self.add_error(f"action_{i}", _("Say what is to be done by this date."))
            elif action:
                follow_ups.append((action, due))
        data["follow_ups"] = follow_ups
        return data

    def follow_up_rows(self):
        return [(self[f"action_{i}"], self[f"due_{i}"]) for i in range(1, self.FOLLOW_UPS + 1)]


class HonourForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organization.objects.units().order_by("sort_order", "name"))
    title = forms.ChoiceField(label=_("Honour"), choices=UnitHonourTitle.choices)
    name = forms.CharField(
        label=_("Name of the honour"),
        required=False,
        max_length=100,
        help_text=_("The full name, e.g. 2025年度江苏省模范职工之家."),
    )
    level = forms.ChoiceField(label=_("Level"), choices=HonourLevel.choices)
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)
    awarded_by = forms.CharField(label=_("Awarded by"), required=False, max_length=100)


class HonourFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    title = forms.ChoiceField(label=_("Honour"), required=False, choices=[("", _("All")), *UnitHonourTitle.choices])
    level = forms.ChoiceField(label=_("Level"), required=False, choices=[("", _("All")), *HonourLevel.choices])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1949, max_value=2100)
