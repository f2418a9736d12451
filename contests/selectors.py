"""Every read of the works contests, for an actor (members.scoping)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from members.models import Member, Organization, OrganizationKind
from members.scoping import get_for_actor, scope_for

from .models import PUBLIC_STATUSES, Assignment, Contest, ContestStatus, Entry, Judge, Result, Score, audience_q


@dataclass(frozen=True)
class ContestFilters:
    q: str = ""
    kind: str = ""
    status: str = ""

    def as_q(self) -> Q:
        q = Q()
        if self.q:
            q &= Q(title__icontains=self.q) | Q(organizer__name__icontains=self.q)
        if self.kind:
            q &= Q(kind=self.kind)
        if self.status:
            q &= Q(status=self.status)
        return q


def contest_list(*, actor, filters: ContestFilters | None = None) -> QuerySet[Contest]:
    filters = filters or ContestFilters()
    return (
        Contest.objects.for_actor(actor)
        .exclude(Q(status=ContestStatus.DRAFT) & ~Q(pk__in=Contest.objects.for_actor(actor, manage=True).values("pk")))
        .filter(filters.as_q())
        .select_related("organizer")
        .annotate(entry_count=Count("entries"))
    )


def contest_get(*, actor, pk: int, manage: bool = False) -> Contest:
    return get_for_actor(Contest.objects.select_related("organizer"), actor, manage=manage, pk=pk)


def can_enter(*, actor, contest: Contest) -> bool:
    return Contest.objects.for_actor(actor).filter(audience_q(scope_for(actor)), pk=contest.pk).exists()


def my_entries(*, actor, contest: Contest) -> list[Entry]:
    scope = scope_for(actor)
    if not scope.member_id:
        return []
    return list(Entry.objects.for_actor(actor).filter(contest=contest, member_id=scope.member_id).order_by("pk"))


def entry_get(*, actor, pk: int) -> Entry:
    """An entry for its entrant or the contest's organiser (judges read works through their sheets)."""
    # The entrant reads the own; the organiser (the city administrators, or the unit's officers for a unit's
    # contest, whose entrants are its members) reads them through the unit.
    entry = Entry.objects.for_actor(actor).select_related("contest", "member", "unit").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def contest_entries(*, actor, contest: Contest) -> QuerySet[Entry]:
    """Every entry of a contest the actor manages (the names: the organiser knows the entrants)."""
    get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    return contest.entries.select_related("member", "unit").order_by("unit__sort_order", "unit__name", "code")


def audience_units(contest: Contest) -> QuerySet[Organization]:
    units = Organization.objects.units().filter(is_active=True)
    if contest.organizer.kind == OrganizationKind.UNIT:
        return units.filter(pk=contest.organizer_id)
    if contest.organizer.kind == OrganizationKind.ZONE:
        return units.filter(parent_id=contest.organizer_id)
    return units


def submissions_by_unit(*, actor, contest: Contest) -> list[dict]:
    """Per unit of the audience: current members, entrants and entries (three grouped queries)."""
    get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    units = list(audience_units(contest).order_by("sort_order", "name").values_list("pk", "name"))
    ids = [pk for pk, _ in units]
    members = dict(
        Member.objects.for_actor(actor)
        .current()
        .filter(unit_id__in=ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = {
        row["unit_id"]: row
        for row in contest.entries.values("unit_id")
        .annotate(entries=Count("pk"), entrants=Count("member", distinct=True))
        .order_by()
    }
    return [
        {
            "unit_id": pk,
            "name": name,
            "members": members.get(pk, 0),
            "entrants": figures.get(pk, {}).get("entrants", 0),
            "entries": figures.get(pk, {}).get("entries", 0),
        }
        for pk, name in units
    ]


def unit_roster(*, actor, contest: Contest, unit_id: int, missing_only: bool = False) -> QuerySet[Member]:
    """A unit's current members, each marked whether they submitted (``submitted``)."""
    get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    if not audience_units(contest).filter(pk=unit_id).exists():
        raise Http404
    submitted = Entry.objects.via_parent().filter(contest=contest, member=OuterRef("pk"))
    qs = Member.objects.for_actor(actor).current().filter(unit_id=unit_id).annotate(submitted=Exists(submitted))
    if missing_only:
        qs = qs.filter(submitted=False)
    return qs.order_by("name", "pk")


def judge_progress(*, actor, contest: Contest) -> QuerySet[Judge]:
    get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    return contest.judges.select_related("member__unit", "expert").annotate(
        sheets=Count("assignments"), done=Count("assignments", filter=Q(assignments__completed_at__isnull=False))
    )


def judge_sheets(*, actor) -> QuerySet[Assignment]:
    """The actor's own score sheets, in contests being judged (or closed, to look back at)."""
    return (
        Assignment.objects.for_actor(actor)
        .filter(judge__user=actor, judge__contest__status__in=[ContestStatus.JUDGING, ContestStatus.CLOSED])
        .select_related("entry", "judge__contest")
        .order_by("judge__contest_id", "entry__code")
    )


def sheet_get(*, actor, pk: int, correcting: bool = False) -> Assignment:
    """A judge's own sheet; with ``correcting``, any sheet of a contest the actor organises."""
    qs = Assignment.objects.for_actor(actor, manage=correcting).select_related("entry", "judge__contest")
    sheet = qs.filter(pk=pk).first() if correcting else qs.filter(pk=pk, judge__user=actor).first()
    if sheet is None:
        raise Http404
    return sheet


def sheet_values(sheet: Assignment) -> dict[int, object]:
    return dict(sheet.scores.values_list("criterion_id", "value"))


def results(*, actor, contest: Contest) -> QuerySet[Result]:
    """The ranked results: for the organiser at any time, for the audience while published or final."""
    rows = Result.objects.for_actor(actor).filter(contest=contest)
    if contest.status not in PUBLIC_STATUSES:
        get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    return rows.select_related("entry__member", "entry__unit").order_by("rank", "entry__code")


def result_get(*, actor, pk: int) -> Result:
    result = (
        Result.objects.for_actor(actor)
        .select_related("contest__organizer", "entry__member", "entry__unit")
        .filter(pk=pk)
        .first()
    )
    if result is None:
        raise Http404
    return result


def score_table(*, actor, contest: Contest) -> tuple[list[Judge], dict[tuple[int, int], object]]:
    """Every judge's total per entry: (judges, {(entry id, judge id): total})."""
    get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    judges = list(contest.judges.order_by("name", "pk"))
    totals = {
        (entry_id, judge_id): total
        for entry_id, judge_id, total in Assignment.objects.for_actor(actor, manage=True)
        .filter(judge__contest=contest)
        .values_list("entry_id", "judge_id", "total")
    }
    return judges, totals


def judge_score_rows(*, actor, contest: Contest) -> QuerySet[Judge]:
    """Judges with their sheets and scores prefetched (the score sheet export: a sheet per judge)."""
    get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    sheets = (
        Assignment.objects.via_parent()
        .select_related("entry")
        .order_by("entry__code")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.via_parent()))
    )
    return contest.judges.order_by("name", "pk").prefetch_related(Prefetch("assignments", queryset=sheets))


def unit_prizes(*, actor, unit) -> QuerySet[Result]:
    """The prizes of a unit's entries in final contests (the unit's page; team prizes are unit honours)."""
    return (
        Result.objects.for_actor(actor)
        .filter(entry__unit=unit, contest__status=ContestStatus.FINAL)
        .exclude(prize="")
        .select_related("contest", "entry__member")
        .order_by("-contest__final_at", "rank")
    )


def member_results(member) -> QuerySet[Result]:
    return (
        Result.objects.via_parent()
        .filter(entry__member=member)
        .select_related("contest", "entry")
        .order_by("-contest__submissions_close_at")
    )


def sheets_by_entry(*, actor, contest: Contest) -> dict[int, list[tuple[str, int, object]]]:
    """{entry id: [(judge, sheet id, total)]}: the organiser's way to a sheet to correct (one query)."""
    out: dict[int, list[tuple[str, int, object]]] = {}
    rows = (
        Assignment.objects.for_actor(actor, manage=True)
        .filter(judge__contest=contest)
        .order_by("judge__name", "pk")
        .values_list("entry_id", "judge__name", "pk", "total")
    )
    for entry_id, name, pk, total in rows:
        out.setdefault(entry_id, []).append((name, pk, total))
    return out
