"""The organiser's downloads: the entries list, a score sheet per judge, the combined results with every
judge's score (xlsx through members.sheets: Chinese headers, formula-safe), and the certificates (PDF).
Each records its access (members.audit): they name the entrants."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.audit import AccessAction, record_access
from members.sheets import Col, Sheet, new_workbook, write_sheet

from . import selectors
from .certificates import Certificate, certificates_pdf
from .models import Contest, OrganizationKind, Prize


def _record(actor, contest: Contest, what, rows: int, request) -> None:
    record_access(
        actor=actor,
        action=AccessAction.EXPORT,
        what=f"{contest.title} · {what}",
        rows=rows,
        obj=contest,
        unit=contest.organizer_id,
        request=request,
        app="contests",
    )


def entries_workbook(*, actor, contest: Contest, request=None):
    entries = selectors.contest_entries(actor=actor, contest=contest)
    wb = new_workbook()
    cols = [
        Col(_("Entry code"), 10),
        Col(_("Title of the work"), 30),
        Col(_("Entrant"), 12),
        Col(_("Unit"), 24),
        Col(_("Team"), 14),
        Col(_("Kind of work"), 12),
        Col(_("Video link"), 30),
        Col(_("Submitted at"), 17, "datetime"),
    ]
    rows = [
        [
            e.code,
            e.title,
            e.member.name,
            e.unit.name,
            e.team_name,
            e.content_type.split("/")[-1] if e.file else ("文本" if e.text else ""),
            e.video_url,
            timezone.localtime(e.submitted_at).replace(tzinfo=None),
        ]
        for e in entries
    ]
    n = write_sheet(wb, _("Entries"), cols, rows, heading=f"{contest.title} 作品登记表")
    _record(actor, contest, _("Entries"), n, request)
    return wb


def scores_workbook(*, actor, contest: Contest, request=None):
    """A sheet per judge: entry codes (no names: it is the judge's own sheet), a column per criterion."""
    criteria = list(contest.criteria.order_by("position", "pk"))
    wb = new_workbook()
    total = 0
    for judge in selectors.judge_score_rows(actor=actor, contest=contest):
        cols = [Col(_("Entry code"), 10)] + [Col(f"{c.name}（{c.max_score}）", 10, "count") for c in criteria]
        cols += [Col(_("Total"), 10, number_format="0.00"), Col(_("Completed at"), 17, "datetime")]
        sheet = Sheet(wb, f"{judge.name}"[:28] or "-", cols, heading=f"{contest.title} 评分表 · {judge.name}")
        for sheet_row in judge.assignments.all():
            values = {s.criterion_id: s.value for s in sheet_row.scores.all()}
            done = sheet_row.completed_at
            sheet.row(
                [sheet_row.entry.code]
                + [values.get(c.pk) for c in criteria]
                + [sheet_row.total, timezone.localtime(done).replace(tzinfo=None) if done else None]
            )
        total += sheet.rows_written
    if not total and not wb.worksheets:
        write_sheet(wb, _("Scores"), [Col(_("Entry code"))], [])
    _record(actor, contest, _("Score sheets"), total, request)
    return wb


def results_workbook(*, actor, contest: Contest, request=None):
    judges, totals = selectors.score_table(actor=actor, contest=contest)
    results = list(selectors.results(actor=actor, contest=contest))
    wb = new_workbook()
    cols = [
        Col(_("Rank"), 6, "count"),
        Col(_("Entry code"), 10),
        Col(_("Title of the work"), 28),
        Col(_("Entrant"), 12),
        Col(_("Unit"), 24),
        Col(_("Prize"), 10),
        Col(_("Score"), 10, number_format="0.000"),
    ] + [Col(j.name, 10, number_format="0.00") for j in judges]
    rows = [
        [r.rank, r.entry.code, r.entry.title, r.entry.member.name, r.entry.unit.name, r.get_prize_display(), r.score]
        + [totals.get((r.entry_id, j.pk)) for j in judges]
        for r in results
    ]
    n = write_sheet(
        wb, _("Results"), cols, rows, heading=f"{contest.title} 评审结果（{contest.get_combine_display()}）"
    )
    _record(actor, contest, _("Results"), n, request)
    return wb


def issuer(contest: Contest) -> str:
    name = contest.organizer.name
    if contest.organizer.kind == OrganizationKind.UNIT and not name.endswith("工会"):
        name = f"{name}工会"
    return name


def certificate_for(result) -> Certificate:
    contest = result.contest
    when = timezone.localdate(contest.final_at) if contest.final_at else timezone.localdate()
    return Certificate(
        number=result.certificate_no,
        name=result.entry.team_name or result.entry.member.name,
        unit=result.entry.unit.name,
        contest=contest.title,
        prize=str(Prize(result.prize).label),
        work=result.entry.title,
        on=when,
        issuer=issuer(contest),
    )


def certificates_for_contest(*, actor, contest: Contest, request=None) -> bytes:
    from django.utils import translation

    winners = [r for r in selectors.results(actor=actor, contest=contest) if r.prize and r.certificate_no]
    for r in winners:
        r.contest = contest
    with translation.override("zh-hans"):
        pdf = certificates_pdf(certificate_for(r) for r in winners)
    _record(actor, contest, _("Certificates"), len(winners), request)
    return pdf


def certificate_single(result) -> bytes:
    from django.utils import translation

    with translation.override("zh-hans"):
        return certificates_pdf([certificate_for(result)])
