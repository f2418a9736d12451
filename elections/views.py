from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from members.models import Member, Organization
from members.pagination import paginate
from members.scoping import can_manage, get_for_actor, require_officer, scope_for
from members.web import ServiceActionView, form_errors_from, messages_from

from . import selectors, services
from .forms import (
    BallotForm,
    BoxForm,
    CandidateForm,
    ElectionForm,
    NominationForm,
    OnlineRoundForm,
    PaperRoundForm,
    RaceForm,
    ReasonForm,
    ReceiptForm,
)
from .models import Candidate, Race, RoundStatus, Status


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class ElectionListView(TemplateView):
    """Officers: the elections of their units (the city: all, with what awaits its approval). Everyone: the
    ballots they may cast."""

    template_name = "elections/list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor, get = self.request.user, self.request.GET
        scope = scope_for(actor)
        ctx["ballots"] = selectors.my_ballots(actor=actor)
        ctx["nominating"] = selectors.nominations_open(actor=actor)
        if scope.is_officer:
            ctx["sort"] = get.get("sort", "")
            qs = selectors.election_list(
                actor=actor, q=get.get("q", "").strip()[:50], status=get.get("status", ""), sort=ctx["sort"]
            )
            ctx["page"] = paginate(self.request, qs)
            ctx["statuses"] = Status.choices
            ctx["awaiting"] = list(selectors.awaiting_city(actor=actor)[:20]) if scope.is_city_admin else []
            ctx["can_create"] = bool(scope.manageable_unit_ids) or scope.is_city_admin
        return ctx


class ElectionCreateView(TemplateView):
    """The plan (选举工作方案), started from the list or from the term-end reminder (?unit=)."""

    template_name = "elections/form.html"

    def _units(self):
        require_officer(actor=self.request.user)
        units = Organization.objects.for_actor(self.request.user, manage=True).units()
        if not units.exists():
            raise PermissionDenied
        return units

    def get(self, request, *args, **kwargs):
        units = self._units()
        initial = {"vote_date": timezone.localdate() + timezone.timedelta(days=30)}
        unit_id = _int(request.GET.get("unit"))
        unit = units.filter(pk=unit_id).first() if unit_id else None
        if unit:
            initial.update(unit=unit, title=_("%(unit)s union re-election") % {"unit": unit.name})
        return self.render_to_response({"form": ElectionForm(initial=initial, units=units)})

    def post(self, request, *args, **kwargs):
        form = ElectionForm(request.POST, units=self._units())
        if form.is_valid():
            try:
                election = services.election_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The election plan is drafted: add the seats to elect."))
                return redirect("elections:detail", pk=election.pk)
        return self.render_to_response({"form": form})


class ElectionDetailView(TemplateView):
    template_name = "elections/detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        election = selectors.election_get(actor=actor, pk=kwargs["pk"])
        scope = scope_for(actor)
        figures = services.figures_of(election)
        rounds = selectors.rounds_of(election)
        current = rounds[-1] if rounds else None
        manage = can_manage(actor, election)
        races = selectors.races_of(election, figures)
        ctx.update(
            election=election,
            figures=figures,
            races=races,
            rounds=rounds,
            current=current,
            steps=election.steps.select_related("actor").all(),
            manage=manage,
            city=scope.is_city_admin,
            now=timezone.now(),
            race_form=RaceForm(),
            reason_form=ReasonForm(),
            problems=(
                services.plan_problems(election, figures)
                if election.status == Status.DRAFT
                else services.candidate_problems(election, figures)
                if election.status == Status.NOMINATING
                else []
            ),
        )
        ctx["may_nominate"] = election.status == Status.NOMINATING and scope.member_unit_id == election.unit_id
        if manage and election.status == Status.NOMINATING:
            ctx["member_nominations"] = selectors.nominations_for_officer(actor=actor, election=election)
            members = Member.objects.for_actor(actor, manage=True).filter(unit=election.unit, status="active")
            ctx["candidate_form"] = CandidateForm(
                races=[r.race for r in races if r.race.round == 1], members=members.order_by("name")[:2000]
            )
        return ctx


class RaceSetView(ServiceActionView):
    def act(self, request, pk):
        self.pk = pk
        election = selectors.election_get(actor=request.user, pk=pk, manage=True)
        form = RaceForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Check the seats: %(errors)s") % {"errors": form.errors.as_text()})
        return services.race_set(actor=request.user, election=election, **form.cleaned_data)

    def get_success_message(self, race):
        return _("%(post)s: %(seats)s seats.") % {"post": race.get_post_display(), "seats": race.seats}

    def get_success_url(self):
        return reverse("elections:detail", args=[self.pk])


class RaceRemoveView(ServiceActionView):
    success_message = ""

    def act(self, request, pk, race_pk):
        self.pk = pk
        race = get_for_actor(Race, request.user, manage=True, pk=race_pk, election_id=pk)
        services.race_remove(actor=request.user, race=race)
        messages.success(request, _("Removed."))

    def get_success_url(self):
        return reverse("elections:detail", args=[self.pk])


class CandidateAddView(ServiceActionView):
    def act(self, request, pk):
        self.pk = pk
        election = selectors.election_get(actor=request.user, pk=pk, manage=True)
        race_id, member_id = _int(request.POST.get("race")), _int(request.POST.get("member"))
        if race_id is None or member_id is None:
            raise ValidationError(_("Choose the post and the member."))
        race = get_for_actor(Race, request.user, manage=True, pk=race_id, election=election)
        member = get_for_actor(Member, request.user, manage=True, pk=member_id)
        form = CandidateForm(request.POST, races=[race], members=[member])
        if not form.is_valid():
            raise ValidationError(_("Check the nomination: %(errors)s") % {"errors": form.errors.as_text()})
        data = form.cleaned_data
        return services.candidate_add(
            actor=request.user,
            race=race,
            member=member,
            nominated_by=data["nominated_by"],
            nominations=data["nominations"],
        )

    def get_success_message(self, candidate):
        return _("%(name)s is nominated.") % {"name": candidate.member.name}

    def get_success_url(self):
        return reverse("elections:detail", args=[self.pk])


class CandidateRemoveView(ServiceActionView):
    def act(self, request, pk, cand_pk):
        self.pk = pk
        candidate = get_for_actor(Candidate, request.user, manage=True, pk=cand_pk, race__election_id=pk)
        services.candidate_remove(actor=request.user, candidate=candidate)
        messages.success(request, _("Removed."))

    def get_success_url(self):
        return reverse("elections:detail", args=[self.pk])


class NominateView(TemplateView):
    """A member of the unit nominates a colleague (or themself) during the nomination step (候选人推荐)."""

    template_name = "elections/nominate.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        election = selectors.election_for_nominator(actor=self.request.user, pk=kwargs["pk"])
        ctx.update(
            election=election,
            open=election.status == Status.NOMINATING,
            form=kwargs.get("form") or self._form(election),
            mine=selectors.my_nominations(actor=self.request.user, election=election),
        )
        return ctx

    def _form(self, election, data=None):
        races = selectors.nomination_races(election)
        return NominationForm(data, races=races, colleagues=selectors.colleagues(election))

    def post(self, request, *args, **kwargs):
        election = selectors.election_for_nominator(actor=request.user, pk=kwargs["pk"])
        form = self._form(election, request.POST)
        if not form.is_valid():
            messages.error(request, _("Check the nomination: %(errors)s") % {"errors": form.errors.as_text()})
            return redirect("elections:nominate", pk=election.pk)
        try:
            nomination = services.nomination_add(
                actor=request.user,
                election=election,
                race_id=form.cleaned_data["race"],
                nominee_id=form.cleaned_data["nominee"],
            )
        except ValidationError as exc:
            messages_from(request, exc)
        else:
            messages.success(
                request,
                _("Your nomination of %(name)s for %(post)s is recorded.")
                % {"name": nomination.nominee.name, "post": nomination.race.get_post_display()},
            )
        return redirect("elections:nominate", pk=election.pk)


#: action -> (service call, message)
ACTIONS = {
    "submit_plan": (lambda a, e, r: services.election_submit_plan(actor=a, election=e), _("Plan submitted.")),
    "approve_plan": (
        lambda a, e, r: services.election_decide(actor=a, election=e, step="plan", approve=True),
        _("Plan approved."),
    ),
    "return_plan": (
        lambda a, e, r: services.election_decide(actor=a, election=e, step="plan", approve=False, reason=r),
        _("Plan returned."),
    ),
    "submit_candidates": (
        lambda a, e, r: services.election_submit_candidates(actor=a, election=e),
        _("Candidate list submitted."),
    ),
    "approve_candidates": (
        lambda a, e, r: services.election_decide(actor=a, election=e, step="candidates", approve=True),
        _("Candidate list approved."),
    ),
    "return_candidates": (
        lambda a, e, r: services.election_decide(actor=a, election=e, step="candidates", approve=False, reason=r),
        _("Candidate list returned."),
    ),
    "further": (lambda a, e, r: services.round_further(actor=a, election=e), _("A further round is prepared.")),
    "submit_result": (lambda a, e, r: services.election_submit_result(actor=a, election=e), _("Result reported.")),
    "approve_result": (
        lambda a, e, r: services.election_decide(actor=a, election=e, step="result", approve=True),
        _("Result approved: the committee is updated."),
    ),
    "return_result": (
        lambda a, e, r: services.election_decide(actor=a, election=e, step="result", approve=False, reason=r),
        _("Result returned."),
    ),
    "cancel": (lambda a, e, r: services.election_cancel(actor=a, election=e, reason=r), _("Election cancelled.")),
}


class ElectionActionView(ServiceActionView):
    def act(self, request, pk, action):
        self.pk = pk
        if action not in ACTIONS:
            raise Http404
        call, self.success_message = ACTIONS[action]
        election = selectors.election_get(actor=request.user, pk=pk)
        return call(request.user, election, request.POST.get("reason", "")[:300])

    def get_success_url(self):
        return reverse("elections:detail", args=[self.pk])


class RoundOpenView(TemplateView):
    template_name = "elections/round_open.html"

    def _election(self):
        election = selectors.election_get(actor=self.request.user, pk=self.kwargs["pk"], manage=True)
        if election.status != Status.VOTING:
            raise Http404
        return election

    def _form(self, election, data=None):
        if election.is_online:
            now = timezone.localtime().replace(second=0, microsecond=0)
            return OnlineRoundForm(data, initial={"opens_at": now, "closes_at": now + timezone.timedelta(hours=2)})
        return PaperRoundForm(data)

    def get(self, request, *args, **kwargs):
        election = self._election()
        return self.render_to_response({"election": election, "form": self._form(election)})

    def post(self, request, *args, **kwargs):
        election = self._election()
        form = self._form(election, request.POST)
        if form.is_valid():
            try:
                services.round_open(actor=request.user, election=election, **form.cleaned_data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Voting is open."))
                return redirect("elections:detail", pk=election.pk)
        return self.render_to_response({"election": election, "form": form})


class RoundCountView(ServiceActionView):
    success_message = _("The votes are counted.")

    def act(self, request, pk):
        voting_round = selectors.round_for_reader(actor=request.user, pk=pk, manage=True)
        self.election_pk = voting_round.election_id
        return services.round_count(actor=request.user, voting_round=voting_round)

    def get_success_url(self):
        return reverse("elections:detail", args=[self.election_pk])


class BoxEnterView(TemplateView):
    """The counting officials' figures of one paper ballot box."""

    template_name = "elections/box.html"

    def _round(self):
        voting_round = selectors.round_for_reader(actor=self.request.user, pk=self.kwargs["pk"], manage=True)
        if voting_round.election.is_online or voting_round.status != RoundStatus.OPEN:
            raise Http404
        return voting_round

    def _ctx(self, voting_round, form):
        return {
            "round": voting_round,
            "election": voting_round.election,
            "form": form,
            "boxes": voting_round.boxes.all(),
        }

    def get(self, request, *args, **kwargs):
        voting_round = self._round()
        races = selectors.ballot_paper(voting_round)
        return self.render_to_response(self._ctx(voting_round, BoxForm(races=races)))

    def post(self, request, *args, **kwargs):
        voting_round = self._round()
        form = BoxForm(request.POST, races=selectors.ballot_paper(voting_round))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("votes_")}
            try:
                services.box_enter(actor=request.user, voting_round=voting_round, votes=form.votes(), **data)
            except ValidationError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Ballot box %(name)s entered.") % {"name": data["name"]})
                return redirect("elections:box", pk=voting_round.pk)
        return self.render_to_response(self._ctx(voting_round, form))


class VoteView(TemplateView):
    """The secret ballot, for a voter on the roll. The receipt is shown in this response only: never put in
    a message, the session or a log."""

    template_name = "elections/vote.html"

    def _ctx(self, voter, form=None, receipt=""):
        voting_round = voter.round
        return {
            "voter": voter,
            "round": voting_round,
            "election": voting_round.election,
            "open": voting_round.is_open_at(timezone.now()),
            "voted": bool(receipt) or selectors.has_voted(voter),
            "form": form or BallotForm(races=selectors.ballot_paper(voting_round)),
            "receipt": receipt,
        }

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self._ctx(selectors.voter_get(actor=request.user, round_pk=kwargs["pk"])))

    def post(self, request, *args, **kwargs):
        voter = selectors.voter_get(actor=request.user, round_pk=kwargs["pk"])
        form = BallotForm(request.POST, races=selectors.ballot_paper(voter.round))
        if form.is_valid():
            try:
                receipt = services.vote_cast(actor=request.user, voter=voter, choices=form.choices())
            except ValidationError as exc:
                messages_from(request, exc)
                return redirect("elections:vote", pk=voter.round_id)
            response = self.render_to_response(self._ctx(voter, form, receipt=receipt))
            response["Cache-Control"] = "no-store"
            return response
        return self.render_to_response(self._ctx(voter, form))


class ReceiptView(TemplateView):
    """Check a receipt code: was this ballot counted? (Yes or no: the ballot's content is not shown, so that
    a receipt proves nothing to someone who would buy or force a vote.)"""

    template_name = "elections/receipt.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        actor = self.request.user
        try:
            voting_round = selectors.voter_get(actor=actor, round_pk=kwargs["pk"]).round
        except Http404:
            voting_round = selectors.round_for_reader(actor=actor, pk=kwargs["pk"])
        form = ReceiptForm(self.request.GET or None)
        ctx.update(round=voting_round, election=voting_round.election, form=form, checked=False)
        if form.is_valid():
            ctx["checked"] = True
            ctx["counted"] = voting_round.status == RoundStatus.COUNTED and selectors.receipt_counted(
                voting_round, form.cleaned_data["code"]
            )
        return ctx
