"""Pages of accounts and access (issue 16): the second factor, the records the auditor reads, transfers
in two steps, and a city administrator's reset of someone's second factor. Thin: services decide."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_otp import login as otp_login
from django_otp import match_token

from . import selectors, services
from .models import ChangeKind, LoginEventKind, TransferState
from .pagination import PAGE_SIZES, paginate
from .scoping import scope_for
from .security import has_second_factor, login_event
from .web import ServiceActionView, form_errors_from


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _qr_svg(text: str) -> str:
    """The authenticator's QR code as inline SVG, drawn by the portal (no outside service sees the secret).
    qrcode is imported here: only the enrolment page needs it."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode()


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}) else "/"


PENDING_KEY = "_union_otp_pending_key"


class TwoFactorView(TemplateView):
    """The own second factor: enrol (QR code, then the first code) or, once enrolled, new recovery codes."""

    template_name = "registration/two_factor.html"

    def _context(self, form=None, codes=None):
        user = self.request.user
        enrolled = has_second_factor(user)
        ctx = {"enrolled": enrolled, "form": form or TokenForm(), "codes": codes, "next": _next(self.request)}
        if not enrolled:
            device = services.second_factor_device(user=user, pending_key=self._pending_key())
            ctx.update(qr=mark_safe(_qr_svg(device.config_url)), secret=_secret_text(device))  # noqa: S308
        return ctx

    def _pending_key(self) -> str:
        """The key being enrolled, kept in the session until the first code confirms it."""
        from django_otp.util import random_hex

        session = self.request.session
        if not session.get(PENDING_KEY):
            session[PENDING_KEY] = random_hex(20)
        return session[PENDING_KEY]

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._context())

    def post(self, request, *args, **kwargs):
        user = request.user
        if request.POST.get("action") == "recovery":
            if not has_second_factor(user) or not user.is_verified():
                raise PermissionDenied(_("Pass the second factor first."))
            codes = services.recovery_codes_issue(user=user, request=request)
            messages.success(request, _("New recovery codes: the old ones no longer work."))
            return self._no_store(self.render_to_response(self._context(codes=codes)))
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                codes = services.second_factor_confirm(
                    user=user, token=form.cleaned_data["token"], pending_key=self._pending_key(), request=request
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                request.session.pop(PENDING_KEY, None)
                otp_login(request, services.second_factor_device(user=user))
                messages.success(request, _("The second factor is set up. Keep the recovery codes somewhere safe."))
                return self._no_store(self.render_to_response(self._context(codes=codes)))
        return self.render_to_response(self._context(form=form))

    @staticmethod
    def _no_store(response):
        response["Cache-Control"] = "no-store"
        return response


def _secret_text(device) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


class TwoFactorVerifyView(TemplateView):
    """After the password: the code from the authenticator app, or a recovery code."""

    template_name = "registration/two_factor_verify.html"

    def get(self, request, *args, **kwargs):
        if not has_second_factor(request.user):
            return redirect(f"{_two_factor_url()}?next={_next(request)}")
        return self.render_to_response({"form": TokenForm(), "next": _next(request)})

    def post(self, request, *args, **kwargs):
        form = TokenForm(request.POST)
        if form.is_valid():
            device = match_token(request.user, form.cleaned_data["token"].strip().replace(" ", ""))
            if device is not None:
                otp_login(request, device)
                login_event(kind=LoginEventKind.OTP_VERIFIED, user=request.user, request=request)
                return redirect(_next(request))
            login_event(kind=LoginEventKind.OTP_FAILED, user=request.user, request=request)
            form.add_error("token", _("The code is wrong or was used already."))
        return self.render_to_response({"form": form, "next": _next(request)})


def _two_factor_url() -> str:
    from django.urls import reverse

    return reverse("two_factor")


class SecondFactorResetView(ServiceActionView):
    """A city administrator removes a member's second factor (a lost phone); recorded and notified."""

    success_message = gettext_lazy("The second factor was removed; the person sets it up again at the next login.")

    def act(self, request, pk):
        member = selectors.member_get(actor=request.user, pk=pk)
        self.pk = member.pk
        services.second_factor_reset(actor=request.user, member=member, request=request)

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("members:detail", args=[self.kwargs["pk"]])


# --- Records -------------------------------------------------------------------------------------------
class RecordFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=50)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    date_from = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *kinds]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filters(self) -> selectors.RecordFilters:
        if not self.is_valid():
            return selectors.RecordFilters()
        d = self.cleaned_data
        return selectors.RecordFilters(q=d["q"].strip(), kind=d["kind"], date_from=d["date_from"], date_to=d["date_to"])


class _RecordListView(TemplateView):
    kinds: tuple = ()

    def select(self, actor, filters):
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        self.select(actor, selectors.RecordFilters())  # 403 before anything else for those without the right
        form = RecordFilterForm(self.request.GET or None, kinds=self.kinds)
        qs = self.select(actor, form.filters())
        ctx.update(form=form, page=paginate(self.request, qs, default_size=50), page_sizes=PAGE_SIZES)
        return ctx


class LoginLogView(_RecordListView):
    """The login log: the auditor and the city administrators."""

    template_name = "members/login_log.html"
    kinds = tuple(LoginEventKind.choices)

    def select(self, actor, filters):
        return selectors.login_log_list(actor=actor, filters=filters)


class MembershipHistoryView(_RecordListView):
    """Every membership change in the city: the auditor and the city administrators."""

    template_name = "members/membership_history.html"
    kinds = tuple(ChangeKind.choices)

    def select(self, actor, filters):
        return selectors.membership_history_list(actor=actor, filters=filters)


# --- Transfers -----------------------------------------------------------------------------------------
class TransferListView(TemplateView):
    """Pending transfers into and out of the officer's units (the city union: all), and past ones."""

    template_name = "members/transfer_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        direction = self.request.GET.get("direction", "in")
        direction = direction if direction in ("in", "out", "all") else "in"
        state = self.request.GET.get("state", TransferState.PENDING)
        state = state if state in TransferState.values else ""
        qs = selectors.transfer_list(actor=actor, direction=direction, state=state)
        scope = scope_for(actor)
        page = paginate(self.request, qs, default_size=50)
        for t in page:
            t.may_accept = t.state == TransferState.PENDING and scope.can_manage_unit(t.to_unit_id)
            t.may_cancel = t.state == TransferState.PENDING and scope.can_manage_unit(t.from_unit_id)
        ctx.update(
            page=page,
            page_sizes=PAGE_SIZES,
            direction=direction,
            state=state,
            states=TransferState.choices,
            city_wide=scope.is_city_admin,
        )
        return ctx


class TransferActionView(ServiceActionView):
    """accept (转入), return (with a reason), cancel (the sending side withdraws)."""

    def act(self, request, pk, action):
        transfer = selectors.transfer_get(actor=request.user, pk=pk)
        if action == "accept":
            services.transfer_accept(actor=request.user, transfer=transfer)
            return _("The transfer of %(name)s to %(unit)s is accepted.") % {
                "name": transfer.member.name,
                "unit": transfer.to_unit.name,
            }
        if action == "return":
            services.transfer_return(actor=request.user, transfer=transfer, reason=request.POST.get("reason", ""))
            return _("The transfer of %(name)s was returned to %(unit)s.") % {
                "name": transfer.member.name,
                "unit": transfer.from_unit.name,
            }
        services.transfer_cancel(actor=request.user, transfer=transfer)
        return _("The transfer of %(name)s was withdrawn.") % {"name": transfer.member.name}

    def get_success_message(self, result) -> str:
        return result or ""

    def get_success_url(self) -> str:
        from django.urls import reverse

        return reverse("members:transfers") + ("?direction=out" if self.kwargs["action"] == "cancel" else "")


def transfer_action_view(request, pk, action):
    from django.http import Http404

    if action not in ("accept", "return", "cancel"):
        raise Http404
    return TransferActionView.as_view()(request, pk=pk, action=action)


class LoggedPasswordChangeView(PasswordChangeView):
    """Django's password change, with the change in the login log."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.account_password_changed(user=form.user, request=self.request)
        return response
