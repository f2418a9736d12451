"""Pages of the activities app: thin views over selectors and services."""

from __future__ import annotations

import calendar
import mimetypes
from datetime import date, timedelta
from io import BytesIO

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from members.audit import AccessAction, record_access
from members.pagination import PAGE_SIZES, paginate
from members.scoping import require_officer, scope_for

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
from .models import CalendarFeed, EntryStatus, Registration
from .rules import can_manage, eligibility, organizer_choices

SORTS = {
    "start": ("starts_at", "pk"),
    "-start": ("-starts_at", "-pk"),
    "title": ("title", "pk"),
    "-title": ("-title", "-pk"),
}


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _filters(request):
    from members.models import Organization

    orgs = Organization.objects.filter(pk__in=selectors.activity_visible(request.user).values("organizer_id"))
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
        can_create = organizer_choices(self.request.user).exists()
        ctx.update(form=form, page=paginate(self.request, qs), sort=sort, page_sizes=PAGE_SIZES, can_create=can_create)
        return ctx


class CalendarView(TemplateView):
    template_name = "activities/calendar.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        try:
            year, month = (int(x) for x in self.request.GET.get("month", "").split("-"))
            first = date(year, month, 1)
        except ValueError:
            first = today.replace(day=1)
        form, filters = _filters(self.request)
        activities = list(
            selectors.month_activities(actor=self.request.user, year=first.year, month=first.month, filters=filters)
        )
        weeks = []
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
            days = []
            for day in week:
                on_day = [
                    a for a in activities if timezone.localdate(a.starts_at) <= day <= timezone.localdate(a.ends_at)
                ]
                days.append({"date": day, "in_month": day.month == first.month, "today": day == today, "items": on_day})
            weeks.append(days)
        prev_month = (first - timedelta(days=1)).replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        ctx.update(
            form=form, weeks=weeks, first=first, prev_month=prev_month, next_month=next_month, activities=activities
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
        scope = scope_for(actor)
        own = selectors.own_registration(actor=actor, activity=activity)
        member = actor.member if scope.member_id else None
        ctx.update(
            activity=activity,
            own=own,
            check=eligibility(activity, member) if own is None else None,
            counts=selectors.place_counts(activity),
            manager=can_manage(scope, activity),
            can_register_others=bool(scope.manageable_unit_ids) or scope.sees_all,
            can_cancel=own is not None and timezone.now() <= activity.cancellation_deadline,
            teams=selectors.teams(activity=activity) if activity.is_team else None,
            results=activity.results.select_related("member", "team") if activity.is_contest else None,
        )
        return ctx


class ActivityFormMixin:
    template_name = "activities/activity_form.html"

    def render(self, request, form, activity=None):
        from django.shortcuts import render

        return render(request, self.template_name, {"form": form, "activity": activity})


class ActivityCreateView(ActivityFormMixin, View):
    """Only those who organise for some unit (officers, the city) may create: the others get 403."""

    def _organizers(self, request):
        organizers = organizer_choices(request.user)
        if not organizers.exists():
            raise PermissionDenied
        return organizers

    def get(self, request):
        return self.render(request, ActivityForm(organizers=self._organizers(request)))

    def post(self, request):
        form = ActivityForm(request.POST, request.FILES, organizers=self._organizers(request))
        if form.is_valid():
            try:
                activity = services.activity_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Activity “%(title)s” created.") % {"title": activity.title})
                return redirect("activities:detail", activity.pk)
        return self.render(request, form)


class ActivityUpdateView(ActivityFormMixin, View):
    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        return self.render(
            request, ActivityForm(instance=activity, organizers=organizer_choices(request.user)), activity
        )

    def post(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        form = ActivityForm(request.POST, request.FILES, instance=activity, organizers=organizer_choices(request.user))
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in form.changed_data}
            try:
                services.activity_update(actor=request.user, activity_id=pk, data=data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Activity saved."))
                return redirect("activities:detail", pk)
        return self.render(request, form, activity)


class RegisterView(View):
    """POST: register oneself in one click."""

    def post(self, request, pk):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        try:
            reg = services.registration_create(actor=request.user, activity_id=activity.pk)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if reg.status == EntryStatus.CONFIRMED:
                messages.success(request, _("You are registered."))
            else:
                messages.warning(
                    request,
                    _("The activity is full: you are on the waitlist at position %(n)d.")
                    % {"n": reg.waitlist_position},
                )
        return redirect("activities:detail", pk)


class RegistrationCancelView(View):
    def post(self, request, pk):
        reg = get_object_or_404(Registration.objects.select_related("activity"), pk=pk)
        try:
            services.registration_cancel(actor=request.user, registration_id=pk)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("The registration is cancelled."))
        target = request.POST.get("next")
        if target == "participants":
            return redirect("activities:participants", reg.activity_id)
        return redirect("activities:detail", reg.activity_id)


class RegisterMembersView(View):
    """An officer registers members of the own unit, one or several at once."""

    template_name = "activities/register_members.html"

    def _context(self, request, pk, form=None):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        scope = require_officer(actor=request.user)
        if not (scope.sees_all or scope.manageable_unit_ids):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        members = selectors.registrable_members(actor=request.user, activity=activity)
        return activity, form or MembersChoiceForm(members=members), members

    def get(self, request, pk):
        from django.shortcuts import render

        activity, form, _members = self._context(request, pk)
        return render(request, self.template_name, {"activity": activity, "form": form})

    def post(self, request, pk):
        from django.shortcuts import render

        activity, _form, members = self._context(request, pk)
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
        return render(request, self.template_name, {"activity": activity, "form": form})


class TeamCreateView(View):
    template_name = "activities/team_form.html"

    def _setup(self, request, pk):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        if not activity.is_team:
            raise Http404
        return activity, selectors.team_candidates(actor=request.user, activity=activity)

    def get(self, request, pk):
        from django.shortcuts import render

        activity, members = self._setup(request, pk)
        return render(request, self.template_name, {"activity": activity, "form": TeamForm(members=members)})

    def post(self, request, pk):
        from django.shortcuts import render

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
                form.add_error(None, exc) if not hasattr(exc, "error_dict") else [
                    form.add_error(None, m) for m in exc.messages
                ]
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


class TeamCancelView(View):
    def post(self, request, pk):
        from .models import Team

        team = get_object_or_404(Team, pk=pk)
        try:
            services.team_cancel(actor=request.user, team_id=pk)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Team “%(name)s” is withdrawn.") % {"name": team.name})
        return redirect("activities:detail", team.activity_id)


class ParticipantsView(View):
    """The manager's list: status, waitlist, attendance ticks; links to exports and the QR code."""

    template_name = "activities/participants.html"

    def get(self, request, pk):
        from django.shortcuts import render

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
                "page": paginate(request, regs, default_size=100),
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
        selectors.activity_get_managed(actor=request.user, pk=pk)
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


class QRRenewView(View):
    def post(self, request, pk):
        selectors.activity_get_managed(actor=request.user, pk=pk)
        services.checkin_token_renew(actor=request.user, activity_id=pk)
        messages.success(request, _("A new check-in code is made; the old one no longer works."))
        return redirect("activities:participants", pk)


class CheckinView(View):
    """What the member's phone opens after scanning the QR code: a button that checks in."""

    template_name = "activities/checkin.html"

    def get(self, request, pk, token):
        from django.shortcuts import render

        activity = selectors.activity_get(actor=request.user, pk=pk)
        if activity.checkin_token != token:
            raise Http404
        own = selectors.own_registration(actor=request.user, activity=activity)
        return render(request, self.template_name, {"activity": activity, "own": own, "token": token})

    def post(self, request, pk, token):
        selectors.activity_get(actor=request.user, pk=pk)
        try:
            services.checkin_by_qr(actor=request.user, activity_id=pk, token=token)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
            return redirect("activities:checkin", pk, token)
        messages.success(request, _("You are checked in. Welcome!"))
        return redirect("activities:detail", pk)


class ResultsView(View):
    template_name = "activities/results.html"

    def _entrants(self, activity):
        if activity.is_team:
            return [(f"t{t.pk}", t.name) for t in selectors.teams(activity=activity) if t.status == "confirmed"]
        regs = activity.registrations.filter(status=EntryStatus.CONFIRMED).select_related("member", "member__unit")
        return [(f"m{r.member_id}", f"{r.member.name}（{r.member.unit.name}）") for r in regs.order_by("member__name")]

    def _render(self, request, activity, form):
        from django.shortcuts import render

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
                for m in exc.messages:
                    form.add_error(None, m)
            else:
                messages.success(request, _("Result saved."))
                return redirect("activities:results", pk)
        return self._render(request, activity, form)


class ParticipantsExportView(View):
    sign_in = False

    def get(self, request, pk):
        activity = selectors.activity_get_managed(actor=request.user, pk=pk)
        regs = list(selectors.participants(actor=request.user, activity=activity))
        content = exports.participants_xlsx(activity, regs, sign_in=self.sign_in)
        name = "signin" if self.sign_in else "participants"
        record_access(
            actor=request.user,
            action=AccessAction.EXPORT,
            what=gettext_lazy("Sign-in sheet") if self.sign_in else gettext_lazy("Participants"),
            obj=activity,
            unit=activity.organizer_id,
            ref=activity.title,
            # the sign-in sheet lists the confirmed only
            rows=sum(1 for r in regs if r.status == EntryStatus.CONFIRMED) if self.sign_in else len(regs),
            request=request,
        )
        return exports.xlsx_response(content, f"activity-{activity.pk}-{name}.xlsx")


class ParticipationView(View):
    """Participation per unit over a period (page and xlsx)."""

    template_name = "activities/participation.html"

    def get(self, request):
        from django.shortcuts import render

        require_officer(actor=request.user)
        today = timezone.localdate()
        form = PeriodForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
        rows = []
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            rows = selectors.participation_by_unit(actor=request.user, start=start, end=end)
            if request.GET.get("format") == "xlsx":
                content = exports.participation_xlsx(rows, start, end)
                record_access(
                    actor=request.user,
                    action=AccessAction.EXPORT,
                    what=gettext_lazy("Participation by unit"),
                    app="activities",
                    ref=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
                    rows=len(rows),
                    request=request,
                )
                return exports.xlsx_response(content, f"participation-{start:%Y%m%d}-{end:%Y%m%d}.xlsx")
        return render(request, self.template_name, {"form": form, "rows": rows})


class ActivityICSView(View):
    def get(self, request, pk):
        activity = selectors.activity_get(actor=request.user, pk=pk)
        response = HttpResponse(
            ical.activity_ics(activity, request.build_absolute_uri("/").rstrip("/")), content_type="text/calendar"
        )
        response["Content-Disposition"] = f'attachment; filename="activity-{activity.pk}.ics"'
        return response


class FeedSettingsView(View):
    template_name = "activities/feed.html"

    def get(self, request):
        from django.shortcuts import render

        feed = services.calendar_feed_get_or_create(actor=request.user)
        url = request.build_absolute_uri(reverse("activities:feed_ics", args=[feed.token]))
        return render(
            request, self.template_name, {"feed": feed, "feed_url": url, "webcal_url": url.replace("http", "webcal", 1)}
        )

    def post(self, request):
        services.calendar_feed_renew(actor=request.user)
        messages.success(request, _("Your calendar link is renewed; the old link no longer works."))
        return redirect("activities:feed")


@method_decorator(login_not_required, name="dispatch")
class FeedICSView(View):
    """The private feed a phone or Outlook subscribes to: the secret token is the credential."""

    def get(self, request, token):
        feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
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
        from members.models import Member, Organization

        scope = scope_for(request.user)
        members = Member.objects.current().order_by("name")
        units = Organization.objects.units()
        if not scope.sees_all:
            members = members.filter(unit_id__in=scope.manageable_unit_ids)
            units = units.filter(pk__in=scope.manageable_unit_ids)
        return (
            MentoringPairForm(data, members=members, units=units)
            if (scope.sees_all or scope.manageable_unit_ids)
            else None
        )

    def get(self, request, form=None):
        from django.shortcuts import render

        qs = selectors.mentoring_list(actor=request.user)
        q = request.GET.get("q", "").strip()[:50]
        if q:
            from django.db.models import Q

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
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                services.mentoring_pair_create(actor=request.user, data=form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
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
