from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from members.pagination import paginate

from .forms import PreferenceForm
from .selectors import notification_list, preference_for
from .services import notification_open, notifications_mark_all_read, preference_update


class NotificationListView(TemplateView):
    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        unread = self.request.GET.get("unread") == "1"
        ctx.update(
            page=paginate(self.request, notification_list(actor=self.request.user, unread_only=unread)), unread=unread
        )
        return ctx


class NotificationReadView(View):
    """POST: mark one notification (or all, pk 0) as read, then go to what it is about."""

    def post(self, request, pk: int):
        if pk == 0:
            n = notifications_mark_all_read(actor=request.user)
            messages.success(request, _("%(count)d notifications marked as read.") % {"count": n})
            return redirect("notifications:list")
        notification = notification_open(actor=request.user, pk=pk)
        target = notification.url
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return redirect(target)
        return redirect("notifications:list")


class PreferenceView(TemplateView):
    """The person's notification preferences: portal only, or portal and e-mail."""

    template_name = "notifications/preferences.html"

    def get_form(self):
        return PreferenceForm(self.request.POST or None, instance=preference_for(actor=self.request.user))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("form", self.get_form())
        return ctx

    def post(self, request):
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        preference_update(user=request.user, by_email=form.cleaned_data["by_email"], email=form.cleaned_data["email"])
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
