"""Pages of the activities app: thin views over selectors and services."""

from __future__ import annotations

import calendar
import mimetypes
from datetime import timedelta
from io import BytesIO

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.models import Member, Organization
from members.pagination import PAGE_SIZES, paginate
from members.params import parse_month
from members.pinyin import NameOrder
from members.scoping import get_for_actor, require_officer, scope_for
from members.sheets import xlsx_response
from members.web import ServiceActionView, form_errors_from

from . import exports, ical, selectors, services
from .forms import (
    ActivityFilterForm,
    ActivityForm,
    MembersChoiceForm,
    MentoringPairForm,
    PeriodForm,
    ResultForm,
    TeamForm,
)
from .models import Activity, EntryStatus, ReadingRoom, Registration, Team
from .rules import eligibility, manages_some_unit, organizer_choices

SORTS = {
    "start": ("starts_at", "pk"),
    "-start": ("-starts_at", "-pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
}


def _filters(request):
    orgs = Organization.objects.filter(pk__in=Activity.objects.for_actor(request.user).values("organizer_id"))
    form = ActivityFilterForm(request.GET or None, organizers=orgs.order_by("kind", "sort_order", "name"))
    filters = selectors.ActivityFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.ActivityFilters(
            q=d["q"].strip(),
            kind=d["kind"],
            organizer_id=d["organizer"].pk if d["organizer"] else None,
            # A month of its own (e.g. a click on the dashboard) shows all of that month, past or not.
            when=d["when"] or ("all" if d["month"] else "upcoming"),
            month=d["month"],
        )
    return form, filters


class ActivityListView(TemplateView):
    template_name = "activities/activity_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form, filters = _filters(self.request)
        sort = self.request.GET.get("sort", "start")
        qs = selectors.activity_list(actor=self.request.user, filters=filters).order_by(
            *SORTS.get(sort, SORTS["start"])
        )
        qs = qs.only(*selectors.ACTIVITY_LIST_COLUMNS)
        can_create = organizer_choices(self.request.user).exists()
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES, can_create=can_create)
        return ctx


class CalendarView(TemplateView):
    template_name = "activities/calendar.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        asked = self.request.GET.get("month", "")
        first = parse_month(asked)
        chosen = first is not None
        if first is None:
            if asked:
                messages.error(
                    self.request, _("The month %(month)s cannot be shown; here is this month.") % {"month": asked[:20]}
                )
            first = today.replace(day=1)
        form, filters = _filters(self.request)
        activities = list(
            selectors.month_activities(actor=self.request.user, year=first.year, month=first.month, filters=filters)
        )
        jumped = False
        if not chosen and not activities:  # this month has none: open on the month of the next activity
            upcoming = selectors.next_activity_month(actor=self.request.user, after=timezone.now(), filters=filters)
            if upcoming and upcoming != first:
                first, jumped = upcoming, True
                activities = list(
                    selectors.month_activities(
                        actor=self.request.user, year=first.year, month=first.month, filters=filters
                    )
                )
        # Each activity's local first and last day once, not once per day of the grid (issue #23).
        spans = [(timezone.localdate(a.starts_at), timezone.localdate(a.ends_at), a) for a in activities]
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            days = []
            for day in week:
                on_day = [a for start, end, a in spans if start <= day <= end]
                days.append({"date": day, "in_month": day.month == first.month, "today": day == today, "items": on_day})
            weeks.append(days)
        prev_month = (first - timedelta(days=1)).replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        ctx.update(
            form=form,
            weeks=weeks,
            first=first,
            prev_month=prev_month,
            next_month=next_month,
            activities=activities,
            jumped=jumped,
        )
        return ctx


class MyRegistrationsView(TemplateView):
    """我的报名: the person's own registrations, with the way to cancel while it is allowed."""

    template_name = "activities/my_registrations.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        regs = list(selectors.my_registrations(actor=self.request.user)[:200])
        now = timezone.now()
        ctx.update(
            upcoming=[r for r in regs if r.activity.ends_at >= now],
            past=[r for r in regs if r.activity.ends_at < now],
            now=now,
        )
        return ctx


class PosterView(View):
    """An activity's poster, to those who may see the activity (uploads are never served from MEDIA_URL)."""

    def get(self, request, pk: int):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        if not activity.poster:
            raise Http404
        try:
            handle = activity.poster.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, content_type=mimetypes.guess_type(activity.poster.name)[0] or "image/jpeg")


class ActivityDetailView(TemplateView):
    template_name = "activities/activity_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        activity = selectors.activity_get(actor=actor, pk=self.kwargs["pk"])
        own = selectors.own_registration(actor=actor, activity=activity)
        member = actor.member if scope_for(actor).member_id else None
        ctx.update(
            activity=activity,
            own=own,
            check=eligibility(activity, member) if own is None else None,
            counts=selectors.place_counts(activity),
            manager=activity.actor_manages,
            can_register_others=manages_some_unit(actor),
            can_cancel=own is not None and timezone.now() <= activity.cancellation_deadline,
            teams=selectors.teams(activity=activity) if activity.is_team else None,
            results=activity.results.select_related("member", "team") if activity.is_contest else None,
        )
        return ctx


class ActivityFormMixin:
    template_name = "activities/activity_form.html"

    def render(self, request, form, activity=None):
        return render(request, self.template_name, {"form": form, "activity": activity})

    def form(self, request, *args, **kwargs) -> ActivityForm:
        return ActivityForm(
            *args,
            organizers=organizer_choices(request.user),
            reading_rooms=ReadingRoom.objects.for_actor(request.user),
            **kwargs,
        )


class ActivityCreateView(ActivityFormMixin, View):
    """Only those who organise for some unit (officers, the city) may create: the others get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not organizer_choices(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        copy = request.GET.get("copy", "")
        copy_from = int(copy) if copy.isdigit() and len(copy) < 12 else None
        initial = selectors.activity_new_initial(actor=request.user, now=timezone.now(), copy_from=copy_from)
        return self.render(request, self.form(request, initial=initial), copy_from=copy_from)

    def render(self, request, form, activity=None, copy_from=None):
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "activity": activity,
                "copy_choices": selectors.activity_copy_choices(actor=request.user),
                "copy_from": copy_from,
            },
        )

    def post(self, request):
        form = self.form(request, request.POST, request.FILES)
        if form.is_valid():
            try:
                activity = services.activity_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Activity “%(title)s” created.") % {"title": activity.title})
                return redirect("activities:detail", activity.pk)
        return self.render(request, form)


class ActivityUpdateView(ActivityFormMixin, View):
    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        return self.render(request, self.form(request, instance=activity), activity)

    def post(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        form = self.form(request, request.POST, request.FILES, instance=activity)
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.changed_data}
            try:
                services.activity_update(actor=request.user, activity_id=pk, data=data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Activity saved."))
                return redirect("activities:detail", pk)
        return self.render(request, form, activity)


class RegisterView(ServiceActionView):
    """POST: register oneself in one click."""

    def act(self, request, pk):
        registration = services.registration_create(actor=request.user, activity_id=pk)
        if registration.status != EntryStatus.CONFIRMED:
            messages.warning(
                request,
                _("The activity is full: you are on the waitlist at position %(n)d.")
                % {"n": registration.waitlist_position},
            )
        return registration

    def get_success_message(self, registration) -> str:
        return _("You are registered.") if registration.status == EntryStatus.CONFIRMED else ""

    def get_success_url(self) -> str:
        return reverse("activities:detail", args=[self.kwargs["pk"]])


class RegistrationCancelView(ServiceActionView):
    success_message = gettext_lazy("The registration is cancelled.")

    def act(self, request, pk):
        self.registration = get_for_actor(Registration, request.user, pk=pk)  # 404 outside the scope
        return services.registration_cancel(actor=request.user, registration_id=pk)

    def get_success_url(self) -> str:
        if self.request.POST.get("next") == "participants":
            return reverse("activities:participants", args=[self.registration.activity_id])
        return reverse("activities:detail", args=[self.registration.activity_id])


class RegisterMembersView(View):
    """An officer registers members of the own unit, one or several at once."""

    template_name = "activities/register_members.html"

    def _context(self, request, pk):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        require_officer(actor=request.user)
        if not manages_some_unit(request.user):
            raise PermissionDenied
        members = selectors.registrable_members(actor=request.user, activity=activity)
        return activity, members

    def _candidates(self, request, activity) -> dict:
        from members.selectors import unit_choices

        units = unit_choices(actor=request.user, manage=True)
        q = request.GET.get("q", "").strip()[:50]
        unit = request.GET.get("unit", "")
        unit_id = int(unit) if unit.isdigit() and len(unit) < 12 else None
        found = selectors.register_candidates(actor=request.user, activity=activity, q=q, unit_id=unit_id)
        return {
            "candidates": list(found[: selectors.CANDIDATES_SHOWN]),
            "found": found.count(),
            "found_open": found.filter(registered=False).count(),
            "shown_limit": selectors.CANDIDATES_SHOWN,
            "units": units if len(units) > 1 else [],
            "q": q,
            "unit_id": unit_id,
        }

    def get(self, request, pk):
        activity, _members = self._context(request, pk)
        context = {"activity": activity, **self._candidates(request, activity)}
        if request.htmx:  # search as you type: only the list
            return render(request, "activities/_register_candidates.html", context)
        return render(request, self.template_name, context)

    def post(self, request, pk):
        activity, members = self._context(request, pk)
        form = MembersChoiceForm(request.POST, members=members)
        if form.is_valid():
            ids = [m.pk for m in form.cleaned_data["members"]]
            done, errors = services.registrations_create_for(actor=request.user, activity_id=pk, member_ids=ids)
            if done:
                waitlisted = sum(1 for r in done if r.status == EntryStatus.WAITLISTED)
                messages.success(
                    request,
                    _("%(n)d registered (%(w)d on the waitlist).") % {"n": len(done), "w": waitlisted},
                )
            for error in errors:
                messages.error(request, error)
            return redirect("activities:detail", pk)
        for error in form.errors.get("members", []):
            messages.error(request, error)
        return redirect("activities:register_members", pk)


class TeamCreateView(View):
    template_name = "activities/team_form.html"

    def _setup(self, request, pk):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        if not activity.is_team:
            raise Http404
        return activity, selectors.team_candidates(actor=request.user, activity=activity)

    def get(self, request, pk):
        activity, members = self._setup(request, pk)
        return render(request, self.template_name, {"activity": activity, "form": TeamForm(members=members)})

    def post(self, request, pk):
        activity, members = self._setup(request, pk)
        form = TeamForm(request.POST, members=members)
        if form.is_valid():
            d = form.cleaned_data
            try:
                team = services.team_create(
                    actor=request.user,
                    activity_id=pk,
                    name=d["name"],
                    captain_id=d["captain"].pk,
                    member_ids=[m.pk for m in d["members"]],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                if team.status == EntryStatus.CONFIRMED:
                    messages.success(request, _("Team “%(name)s” is registered.") % {"name": team.name})
                else:
                    messages.warning(
                        request,
                        _("The competition is full: team “%(name)s” is on the waitlist at position %(n)d.")
                        % {"name": team.name, "n": team.waitlist_position},
                    )
                return redirect("activities:detail", pk)
        return render(request, self.template_name, {"activity": activity, "form": form})


class TeamCancelView(ServiceActionView):
    def act(self, request, pk):
        self.team = get_for_actor(Team, request.user, pk=pk)  # 404 outside the scope
        return services.team_cancel(actor=request.user, team_id=pk)

    def get_success_message(self, team) -> str:
        return _("Team “%(name)s” is withdrawn.") % {"name": team.name}

    def get_success_url(self) -> str:
        return reverse("activities:detail", args=[self.team.activity_id])


class ParticipantsView(View):
    """The manager's list: status, waitlist, attendance ticks; links to exports and the QR code."""

    template_name = "activities/participants.html"

    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        regs = selectors.participants(actor=request.user, activity=activity)
        q = request.GET.get("q", "").strip()[:50]
        if q:
            regs = regs.filter(member__name__icontains=q)
        status = request.GET.get("status", "")
        if status in EntryStatus.values:
            regs = regs.filter(status=status)
        checkin_url = request.build_absolute_uri(
            reverse("activities:checkin", args=[activity.pk, activity.checkin_token])
        )
        return render(
            request,
            self.template_name,
            {
                "activity": activity,
                "page": paginate(request, regs.values(*selectors.PARTICIPANT_ROW_VALUES), default_size=100),
                "page_sizes": PAGE_SIZES,
                "counts": selectors.place_counts(activity),
                "checkin_url": checkin_url,
                "q": q,
                "status": status,
                "statuses": EntryStatus.choices,
            },
        )

    def post(self, request, pk):
        """Save the attendance ticks of the registrations shown on this page."""
        selectors.activity_get_managed(actor=request.user, pk=pk)  # 404/403 before the input is read
        try:
            shown = {int(x) for x in request.POST.getlist("shown")}
            ticked = {int(x) for x in request.POST.getlist("attended")} & shown
        except ValueError:
            messages.error(request, _("The attendance list was not understood; nothing was saved."))
            return redirect("activities:participants", pk)
        services.attendance_set_for(actor=request.user, activity_id=pk, shown_ids=shown, attended_ids=ticked)
        messages.success(request, _("Attendance saved."))
        return redirect(request.get_full_path())


class QRCodeView(View):
    """The activity's check-in QR code (PNG), for the organisers to print or show on a screen."""

    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk, activity.checkin_token]))
        img = qrcode.make(url, box_size=10, border=2)
        out = BytesIO()
        img.save(out, format="PNG")
        return HttpResponse(out.getvalue(), content_type="image/png")


class QRRenewView(ServiceActionView):
    success_message = gettext_lazy("A new check-in code is made; the old one no longer works.")

    def act(self, request, pk):
        return services.checkin_token_renew(actor=request.user, activity_id=pk)

    def get_success_url(self) -> str:
        return reverse("activities:participants", args=[self.kwargs["pk"]])


class CheckinView(ServiceActionView):
    """What the member's phone opens after scanning the QR code: a button that checks in (POST)."""

    http_method_names = ["get", "post"]
    template_name = "activities/checkin.html"
    success_message = gettext_lazy("You are checked in. Welcome!")

    def get(self, request, pk, token):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        if activity.checkin_token != token:
            raise Http404
        own = selectors.own_registration(actor=request.user, activity=activity)
        return render(request, self.template_name, {"activity": activity, "own": own, "token": token})

    def act(self, request, pk, token):
        return services.checkin_by_qr(actor=request.user, activity_id=pk, token=token)

    def get_success_url(self) -> str:
        return reverse("activities:detail", args=[self.kwargs["pk"]])

    def get_error_url(self) -> str:
        return reverse("activities:checkin", args=[self.kwargs["pk"], self.kwargs["token"]])


class CardCheckinView(ServiceActionView):
    """The organiser checks a member in by the code of the member's card (scanned into the field, or typed)."""

    def act(self, request, pk):
        return services.checkin_by_card(actor=request.user, activity_id=pk, card_token=request.POST.get("card", ""))

    def get_success_message(self, result) -> str:
        return _("%(name)s is checked in.") % {"name": result.member.name}

    def get_success_url(self) -> str:
        return reverse("activities:participants", args=[self.kwargs["pk"]])


class ResultsView(View):
    template_name = "activities/results.html"

    def _entrants(self, activity):
        if activity.is_team:
            return [(f"t{t.pk}", t.name) for t in selectors.teams(activity=activity) if t.status == "confirmed"]
        regs = activity.registrations.filter(status=EntryStatus.CONFIRMED).select_related("member", "member__unit")
        return [
            (f"m{r.member_id}", f"{r.member.name}（{r.member.unit.name}）")
            for r in regs.order_by(NameOrder("member__name", "member__name_pinyin"))
        ]

    def _render(self, request, activity, form):
        results = activity.results.select_related("member", "member__unit", "team", "team__unit", "honour")
        return render(request, self.template_name, {"activity": activity, "form": form, "results": results})

    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        return self._render(request, activity, ResultForm(entrants=self._entrants(activity)))

    def post(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        form = ResultForm(request.POST, entrants=self._entrants(activity))
        if form.is_valid():
            d = form.cleaned_data
            kind, ident = d["entrant"][0], int(d["entrant"][1:])
            try:
                services.result_record(
                    actor=request.user,
                    activity_id=pk,
                    member_id=ident if kind == "m" else None,
                    team_id=ident if kind == "t" else None,
                    rank=d["rank"],
                    score=d["score"],
                    prize=d["prize"],
                    as_honour=d["as_honour"],
                )
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Result saved."))
                return redirect("activities:results", pk)
        return self._render(request, activity, form)


class ParticipantsExportView(View):
    sign_in = False

    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        wb = exports.participants_workbook(actor=request.user, activity=activity, sign_in=self.sign_in, request=request)
        name = "signin" if self.sign_in else "participants"
        return xlsx_response(wb, f"activity-{activity.pk}-{name}.xlsx")


class ParticipationView(View):
    """Participation per unit over a period (page and xlsx)."""

    template_name = "activities/participation.html"

    def get(self, request):
        require_officer(actor=request.user)
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
        rows = []
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            if request.GET.get("format") == "xlsx":
                wb = exports.participation_workbook(actor=request.user, start=start, end=end, request=request)
                return xlsx_response(wb, f"participation-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
            rows = selectors.participation_by_unit(actor=request.user, start=start, end=end)
        return render(request, self.template_name, {"form": form, "rows": rows})


class ActivityICSView(View):
    def get(self, request, pk):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        response = HttpResponse(
            ical.activity_ics(activity, request.build_absolute_uri("/").rstrip("/")), content_type="text/calendar"
        )
        response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
        return response


class FeedSettingsView(ServiceActionView):
    """The own calendar link (GET), and the button that renews it (POST)."""

    http_method_names = ["get", "post"]
    template_name = "activities/feed.html"
    success_message = gettext_lazy("Your calendar link is renewed; the old link no longer works.")

    def get(self, request):
        feed = services.calendar_feed_get_or_create(actor=request.user)
        url = request.build_absolute_uri(reverse("activities:feed_ics", args=[feed.token]))
        return render(
            request, self.template_name, {"feed": feed, "feed_url": url, "webcal_url": url.replace("http", "webcal", 1)}
        )

    def act(self, request):
        return services.calendar_feed_renew(actor=request.user)

    def get_success_url(self) -> str:
        return reverse("activities:feed")


@method_decorator(login_not_required, name="dispatch")
class FeedICSView(View):
    """The private feed a phone or Outlook subscribes to: the secret token is the credential."""

    def get(self, request, token):
        feed = selectors.feed_by_token(token)
        if feed is None:
            raise Http404
        regs = selectors.feed_activities(user=feed.user)
        response = HttpResponse(
            ical.feed_ics(regs, request.build_absolute_uri("/").rstrip("/")), content_type="text/calendar"
        )
        response["Cache-Control"] = "private, max-age=900"
        return response


class MentoringListView(View):
    template_name = "activities/mentoring_list.html"

    def _form(self, request, data=None):
        """The form to pair two members, for those who manage a unit (its members, its units)."""
        if not manages_some_unit(request.user):
            return None
        members = Member.objects.for_actor(request.user, manage=True).current().order_by(NameOrder(), "pk")
        units = Organization.objects.units().for_actor(request.user, manage=True)
        return MentoringPairForm(data, members=members, units=units)

    def get(self, request, form=None):
        qs = selectors.mentoring_list(actor=request.user)
        q = request.GET.get("q", "").strip()[:50]
        if q:
            qs = qs.filter(Q(mentor__name__icontains=q) | Q(mentee__name__icontains=q) | Q(skill_area__icontains=q))
        status = request.GET.get("status", "")
        if status:
            qs = qs.filter(status=status)
        form = form or self._form(request)
        return render(
            request,
            self.template_name,
            {"page": paginate(request, qs), "page_sizes": PAGE_SIZES, "form": form, "q": q, "status": status},
        )

    def post(self, request):
        form = self._form(request, request.POST)
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.mentoring_pair_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Mentoring pair saved."))
                return redirect("activities:mentoring")
        return self.get(request, form=form)


class ReadingRoomListView(TemplateView):
    template_name = "activities/reading_rooms.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        qs = selectors.reading_room_list(actor=self.request.user).order_by("-is_demonstration", "unit__sort_order")
        q = self.request.GET.get("q", "").strip()[:50]
        if q:
            qs = qs.filter(name__icontains=q)
        if self.request.GET.get("demo") == "1":
            qs = qs.filter(is_demonstration=True)
        ctx.update(page=paginate(self.request, qs), page_sizes=PAGE_SIZES, q=q)
        return ctx
