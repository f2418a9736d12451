from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["by_email", "email"]
        labels = {"by_email": _("Also send my notices by e-mail")}

    def clean(self):
        data = super().clean()
        if data.get("by_email") and not data.get("email") and not self.instance.user.email:
            self.add_error("email", _("Enter the e-mail address the notices should go to."))
        return data
