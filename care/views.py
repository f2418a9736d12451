"""Pages of the care app: thin views over care.selectors and care.services."""

from __future__ import annotations

from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.cards import PRINT_TTL_SECONDS, card_token
from members.models import Member
from members.pagination import PAGE_SIZES, paginate
from members.params import parse_int
from members.scoping import require_city_admin, require_manage, require_officer, scope_for
from members.web import ServiceActionView, error_texts, form_errors_from

from . import links, selectors, services, throttle
from .forms import (
    AcceptForm,
    ApplicationForm,
    BookingForm,
    CounsellorForm,
    DeclineForm,
    HealthCheckForm,
    LegalAnswerForm,
    LegalRateForm,
    LegalRequestForm,
    NotesForm,
    PhotoForm,
    SlotForm,
    TrainingRecordForm,
)
from .models import ApplicationStatus, LegalStatus


def qr_svg(text: str) -> str:
    """An inline SVG QR code (no image request, nothing from elsewhere)."""
    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = BytesIO()
    img.save(out)
    svg = out.getvalue().decode()
    return mark_safe(svg[svg.index("<svg") :])  # noqa: S308 - made here from a signed token, no user markup


def _year(request) -> int:
    year = parse_int(request.GET.get("year"))
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


def _form_message(form) -> ValidationError:
    return ValidationError(
        [f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}" for f, e in form.errors.items()]
    )


# --- Joining online (public) ------------------------------------------------------------------------
@method_decorator(login_not_required, name="dispatch")
class JoinView(TemplateView):
    """The unit's public joining page (its signed address is printed by the unit's officer)."""

    template_name = "care/join.html"

    def _unit(self):
        unit_id = links.unit_id_from_key(self.kwargs["key"])
        if unit_id is None:
            raise Http404
        return selectors.public_unit(unit_id)

    def get(self, request, key):
        return self.render_to_response({"unit": self._unit(), "form": ApplicationForm()})

    def post(self, request, key):
        unit = self._unit()
        form = ApplicationForm(request.POST)
        if form.is_valid() and not throttle.allow_application(
            address=throttle.client_address(request), unit_id=unit.pk
        ):
            # Counted are the applications that would be saved: a mistyped form costs nothing and is no abuse.
            form.add_error(None, _("Too many applications from here in a short time: please try again in an hour."))
            return self.render_to_response({"unit": unit, "form": form}, status=429)
        if form.is_valid():
            data = dict(form.cleaned_data)
            id_number, email = data.pop("id_number"), data.pop("email", "")
            try:
                application = services.application_submit(unit=unit, data=data, id_number=id_number, email=email)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                return redirect("care:join_status", links.status_key(application))
        return self.render_to_response({"unit": unit, "form": form})


@method_decorator(login_not_required, name="dispatch")
class JoinStatusView(TemplateView):
    """The applicant's own status page: the signed reference in the address is the only way to it."""

    template_name = "care/join_status.html"

    def get_context_data(self, **kwargs):
        reference = links.reference_from_key(self.kwargs["key"])
        if reference is None:
            raise Http404
        application = selectors.application_by_reference(reference)
        return {"application": application, "status_url": self.request.build_absolute_uri()}


class ApplicationListView(TemplateView):
    template_name = "care/applications.html"

    def get_context_data(self, **kwargs):
        status = self.request.GET.get("status", ApplicationStatus.PENDING)
        qs = selectors.application_list(actor=self.request.user, status=status)
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            qs = qs.filter(name__icontains=q)
        units = [{"unit": u, "url": links.join_url(u.pk)} for u in selectors.joining_units(actor=self.request.user)]
        return {
            "page": paginate(self.request, qs),
            "page_sizes": PAGE_SIZES,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "q": q,
            "units": units,
        }


class JoinPosterView(TemplateView):
    """The printable poster of a unit's joining page: its address and QR code."""

    template_name = "care/join_poster.html"

    def get_context_data(self, **kwargs):
        unit = selectors.joining_units(actor=self.request.user).filter(pk=self.kwargs["unit_id"]).first()
        if unit is None:
            raise Http404
        url = links.join_url(unit.pk)
        return {"unit": unit, "url": url, "qr": qr_svg(url)}


class ApplicationDetailView(TemplateView):
    template_name = "care/application_detail.html"

    def get_context_data(self, **kwargs):
        application = selectors.application_get(actor=self.request.user, pk=self.kwargs["pk"])
        manage = application.is_pending and scope_for(self.request.user).can_manage_unit(application.unit_id)
        return {
            "application": application,
            "accept_form": kwargs.get("accept_form")
            or (
                AcceptForm(initial={"card_number": f"J{timezone.localdate():%Y}{application.pk:05d}"})
                if manage
                else None
            ),
            "decline_form": DeclineForm() if manage else None,
        }


class ApplicationAcceptView(View):
    """POST: accept; the page shows the new login's one-time password once (never stored in clear)."""

    def post(self, request, pk):
        form = AcceptForm(request.POST)
        if form.is_valid():
            try:
                result = services.application_accept(actor=request.user, application_id=pk, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Accepted: %(name)s is now a member.") % {"name": result.member.name})
                response = render(request, "care/accepted.html", {"result": result})
                response["Cache-Control"] = "no-store"
                return response
        view = ApplicationDetailView(request=request, kwargs={"pk": pk})
        return render(request, view.template_name, view.get_context_data(accept_form=form))


class ApplicationDeclineView(ServiceActionView):
    success_message = gettext_lazy("Declined; the applicant is told the reason.")

    def act(self, request, pk):
        application = selectors.application_get(actor=request.user, pk=pk)  # 404 outside the scope
        require_manage(request.user, application)  # 403 without the right
        form = DeclineForm(request.POST)
        if not form.is_valid():
            raise _form_message(form)
        return services.application_decline(actor=request.user, application_id=pk, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("care:application_detail", args=[self.kwargs["pk"]])


# --- The member card ---------------------------------------------------------------------------------
class CardView(TemplateView):
    template_name = "care/card.html"
    ttl = None

    def get_context_data(self, **kwargs):
        member = selectors.own_member(actor=self.request.user)
        if member is None:
            raise PermissionDenied
        token = card_token(member.pk) if self.ttl is None else card_token(member.pk, ttl_seconds=self.ttl)
        return {
            "member": member,
            "photo": selectors.card_photo(actor=self.request.user),
            "token": token,
            "qr": qr_svg(token),
            "photo_form": PhotoForm(),
            "printing": self.ttl is not None,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["Cache-Control"] = "no-store"
        return response


class CardPrintView(CardView):
    template_name = "care/card_print.html"
    ttl = PRINT_TTL_SECONDS


class CardPhotoView(ServiceActionView):
    def act(self, request):
        if request.POST.get("remove"):
            services.card_photo_remove(actor=request.user)
            self.success_message = _("Photo removed.")
            return None
        form = PhotoForm(request.POST, request.FILES)
        if not form.is_valid():
            raise _form_message(form)
        self.success_message = _("Photo saved.")
        return services.card_photo_set(actor=request.user, photo=form.cleaned_data["photo"])

    def get_success_url(self) -> str:
        return reverse("care:card")


class CardPhotoImageView(View):
    def get(self, request):
        photo = selectors.card_photo(actor=request.user)
        if photo is None:
            raise Http404
        response = FileResponse(photo.photo.open("rb"), content_type=photo.content_type)
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- Counselling ----------------------------------------------------------------------------------------
class CounsellingView(TemplateView):
    template_name = "care/counselling.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        counsellor_id = parse_int(self.request.GET.get("counsellor"))
        return {
            "counsellors": selectors.counsellor_list(actor=user),
            "counsellor_id": counsellor_id,
            "slots": paginate(self.request, selectors.open_slots(actor=user, counsellor_id=counsellor_id)),
            "bookings": selectors.my_bookings(actor=user)[:20],
            "is_member": scope_for(user).member_id is not None,
            "sees_bookings": selectors.is_coordinator(user) or selectors.counsellor_of(user) is not None,
            "booking_form": BookingForm(),
        }


class BookView(ServiceActionView):
    success_message = gettext_lazy("Booked. Only the counsellor and the union's counselling coordinator see it.")

    def act(self, request, pk):
        form = BookingForm(request.POST)
        if not form.is_valid():
            raise _form_message(form)
        return services.booking_create(actor=request.user, slot_id=pk, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("care:counselling")


class BookingCancelView(ServiceActionView):
    success_message = gettext_lazy("Booking cancelled; the time is free again.")

    def act(self, request, pk):
        return services.booking_cancel(actor=request.user, booking_id=pk)

    def get_success_url(self) -> str:
        return reverse("care:counselling")


class BookingListView(TemplateView):
    """The counsellor's own bookings, or every booking for the named coordinator; nobody else sees any."""

    template_name = "care/bookings.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not (selectors.is_coordinator(user) or selectors.counsellor_of(user)):
            raise PermissionDenied
        return {"page": paginate(self.request, selectors.booking_list(actor=user)), "page_sizes": PAGE_SIZES}


class BookingDetailView(TemplateView):
    template_name = "care/booking_detail.html"

    def get_context_data(self, **kwargs):
        booking = selectors.booking_get(actor=self.request.user, pk=self.kwargs["pk"])
        is_counsellor = booking.slot.counsellor.user_id == self.request.user.pk
        form = NotesForm(initial={"notes": booking.notes}) if is_counsellor else None
        return {"booking": booking, "is_counsellor": is_counsellor, "form": form}

    def post(self, request, pk):
        form = NotesForm(request.POST)
        if not form.is_valid():
            raise Http404
        try:
            services.booking_notes_save(actor=request.user, booking_id=pk, **form.cleaned_data)
        except ValidationError as exc:
            for text in error_texts(exc):
                messages.error(request, text)
        else:
            messages.success(request, _("Notes saved (encrypted)."))
        return redirect("care:booking_detail", pk)


class CounsellingManageView(TemplateView):
    """The city union keeps the counsellors and their slots (never who booked)."""

    template_name = "care/counselling_manage.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        require_city_admin(user)
        counsellors = selectors.counsellor_list(actor=user, include_inactive=True)
        return {
            "counsellors": counsellors,
            "slots": paginate(self.request, selectors.upcoming_slots(actor=user)),
            "counsellor_form": kwargs.get("counsellor_form") or CounsellorForm(),
            "slot_form": kwargs.get("slot_form") or SlotForm(counsellors=counsellors.filter(is_active=True)),
        }

    def post(self, request):
        require_city_admin(request.user)
        if request.POST.get("form") == "slot":
            form = SlotForm(request.POST, counsellors=selectors.counsellor_list(actor=request.user))
            if form.is_valid():
                data = form.cleaned_data
                starts = data["starts_at"]
                try:
                    services.slot_create(
                        actor=request.user,
                        counsellor_id=data["counsellor"].pk,
                        starts_at=starts,
                        ends_at=starts + timezone.timedelta(minutes=data["minutes"]),
                        place=data["place"],
                    )
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(request, _("Slot added."))
                    return redirect("care:counselling_manage")
            return self.render_to_response(self.get_context_data(slot_form=form))
        form = CounsellorForm(request.POST)
        if form.is_valid():
            try:
                services.counsellor_save(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Counsellor saved."))
                return redirect("care:counselling_manage")
        return self.render_to_response(self.get_context_data(counsellor_form=form))


class SlotDeleteView(ServiceActionView):
    success_message = gettext_lazy("Slot removed.")

    def act(self, request, pk):
        return services.slot_delete(actor=request.user, slot_id=pk)

    def get_success_url(self) -> str:
        return reverse("care:counselling_manage")


# --- Legal help --------------------------------------------------------------------------------------------
class LegalView(TemplateView):
    """/care/legal/: my requests, and the form to ask for help."""

    template_name = "care/legal.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return {
            "page": paginate(self.request, selectors.my_legal_requests(actor=user)),
            "form": kwargs.get("form") or LegalRequestForm(),
            "is_member": scope_for(user).member_id is not None,
        }

    def post(self, request):
        form = LegalRequestForm(request.POST)
        if form.is_valid():
            try:
                item = services.legal_request_send(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Sent to the city union. You will be notified of the answer."))
                return redirect("care:legal_detail", item.pk)
        return self.render_to_response(self.get_context_data(form=form))


class LegalInboxView(TemplateView):
    template_name = "care/legal_inbox.html"

    def get_context_data(self, **kwargs):
        require_city_admin(self.request.user)
        qs = selectors.legal_inbox(actor=self.request.user)
        status = self.request.GET.get("status", "")
        if status in LegalStatus.values:
            qs = qs.filter(status=status)
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            qs = qs.filter(subject__icontains=q)
        return {
            "page": paginate(self.request, qs),
            "page_sizes": PAGE_SIZES,
            "status": status,
            "q": q,
            "statuses": LegalStatus.choices,
        }


class LegalDetailView(TemplateView):
    template_name = "care/legal_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        item = selectors.legal_get(actor=user, pk=self.kwargs["pk"])
        handler = scope_for(user).is_city_admin
        own = item.member_id == scope_for(user).member_id
        return {
            "item": item,
            "handler": handler,
            "answer_form": LegalAnswerForm() if handler and item.status != LegalStatus.CLOSED else None,
            "rate_form": LegalRateForm(initial={"rating": item.rating}) if own and item.answer else None,
        }


class LegalActionView(ServiceActionView):
    ACTIONS = {
        "answer": (LegalAnswerForm, services.legal_request_answer, gettext_lazy("Answer sent to the member.")),
        "close": (None, services.legal_request_close, gettext_lazy("Closed.")),
        "rate": (LegalRateForm, services.legal_request_rate, gettext_lazy("Thank you for your rating.")),
    }

    def act(self, request, pk, action):
        if action not in self.ACTIONS:
            raise Http404
        form_class, service, self.success_message = self.ACTIONS[action]
        item = selectors.legal_get(actor=request.user, pk=pk)  # 404 outside the scope
        if action == "rate":
            if item.member_id != scope_for(request.user).member_id:
                raise PermissionDenied
        else:
            require_manage(request.user, item)  # the city union answers and closes
        data = {}
        if form_class is not None:
            form = form_class(request.POST)
            if not form.is_valid():
                raise _form_message(form)
            data = form.cleaned_data
        return service(actor=request.user, pk=pk, **data)

    def get_success_url(self) -> str:
        return reverse("care:legal_detail", args=[self.kwargs["pk"]])


# --- Entitlements, training, health checks -------------------------------------------------------------
class MineView(TemplateView):
    """A member's own entitlements: training hours this year, the yearly health check, recuperation."""

    template_name = "care/mine.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = _year(self.request)
        member_id = scope_for(user).member_id
        if member_id is None:
            raise PermissionDenied
        checks = list(selectors.my_health_checks(actor=user))
        trainings = selectors.my_training(actor=user, year=year)
        return {
            "year": year,
            "hours": selectors.training_hours(trainings),
            "trainings": trainings,
            "check": next((c for c in checks if c.year == year), None),
            "checks": checks,
            "honours": selectors.recuperation_honours(actor=user),
        }


def _managed_members(user):
    return Member.objects.for_actor(user, manage=True).current().select_related("unit").order_by("name")


class TrainingListView(TemplateView):
    template_name = "care/training.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        require_officer(actor=user)
        year = _year(self.request)
        q = self.request.GET.get("q", "").strip()[:50]
        page = paginate(self.request, selectors.training_list(actor=user, year=year, q=q))
        page.object_list = selectors.as_training_rows(page.object_list)
        manages = scope_for(user).manages_any_unit
        return {
            "year": year,
            "q": q,
            "page": page,
            "page_sizes": PAGE_SIZES,
            "form": kwargs.get("form") or (TrainingRecordForm(members=_managed_members(user)) if manages else None),
        }

    def post(self, request):
        require_officer(actor=request.user)
        form = TrainingRecordForm(request.POST, members=_managed_members(request.user))
        if form.is_valid():
            data = dict(form.cleaned_data)
            member = data.pop("member")
            try:
                services.training_record_add(actor=request.user, member_id=member.pk, **data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Training recorded."))
                return redirect("care:training")
        return self.render_to_response(self.get_context_data(form=form))


class OfficersUntrainedView(TemplateView):
    template_name = "care/officers_untrained.html"

    def get_context_data(self, **kwargs):
        year = _year(self.request)
        qs = selectors.officers_without_training(actor=self.request.user, year=year)
        return {"year": year, "page": paginate(self.request, qs), "page_sizes": PAGE_SIZES}


class HealthChecksView(TemplateView):
    """The unit's members without this year's health check done; the officer records a date or a done check."""

    template_name = "care/health.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        year = _year(self.request)
        qs = selectors.without_health_check(actor=user, year=year)
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            qs = qs.filter(name__icontains=q)
        page, scope = paginate(self.request, qs), scope_for(user)
        for m in page:
            m.may_record = scope.can_manage_unit(m.unit_id)  # a zone lead reads the zone's units, records none
        return {"year": year, "q": q, "page": page, "page_sizes": PAGE_SIZES}

    def post(self, request):
        require_officer(actor=request.user)
        year = _year(request)
        form = HealthCheckForm(request.POST, members=_managed_members(request.user))
        if not form.is_valid():
            messages.error(request, _form_message(form).messages[0])
        else:
            data = form.cleaned_data
            try:
                services.health_check_set(
                    actor=request.user,
                    member_id=data["member"].pk,
                    year=year,
                    planned_on=data["planned_on"],
                    done_on=data["done_on"],
                )
            except ValidationError as exc:
                for text in error_texts(exc):
                    messages.error(request, text)
            else:
                messages.success(request, _("Health check saved for %(name)s.") % {"name": data["member"].name})
        return redirect(f"{reverse('care:health')}?year={year}")
