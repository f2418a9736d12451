"""Every write of a works contest: the contest and its rubric, the panel, entries, score sheets, closing,
publishing and finalising (honours through members.services.honour_add)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import HonourLevel, HonourTitle, Member, OrganizationKind, User
from members.scoping import can_manage, get_for_actor, require_manage, scope_for, unit_require_manage
from members.services import honour_add, one_time_password
from notifications.services import notification_enqueue

from . import scoring
from .models import (
    Assignment,
    Contest,
    ContestStatus,
    Criterion,
    Entry,
    EntryMode,
    Expert,
    Judge,
    Prize,
    Result,
    Score,
    audience_q,
)
from .uploads import clean_work_file


# --- the contest and its rubric -----------------------------------------------------------------
def organizer_require_manage(*, actor: User, organizer) -> None:
    """A unit's officers organise the unit's contests; the city's and a zone's are the city administrators'."""
    if organizer.kind == OrganizationKind.UNIT:
        unit_require_manage(actor=actor, unit_id=organizer.pk)
    elif not scope_for(actor).sees_all:
        raise PermissionDenied


CONTEST_FIELDS = [
    "title",
    "kind",
    "organizer",
    "activity_id",
    "description",
    "mode",
    "allow_text",
    "allow_document",
    "allow_image",
    "allow_video",
    "entries_per_entrant",
    "max_file_mb",
    "submissions_close_at",
    "combine",
    "tie_break",
    "exclude_same_unit",
    "first_prizes",
    "second_prizes",
    "third_prizes",
    "excellence_awards",
    "notice_days",
]


@transaction.atomic
def contest_create(*, actor: User, data: dict) -> Contest:
    organizer_require_manage(actor=actor, organizer=data["organizer"])
    contest = Contest(created_by=actor, status=ContestStatus.OPEN, **{k: data[k] for k in CONTEST_FIELDS if k in data})
    contest.full_clean()
    contest.save()
    return contest


def _lock(actor: User, contest: Contest) -> Contest:
    locked = Contest.objects.for_actor(actor, manage=True).select_for_update().filter(pk=contest.pk).first()
    if locked is None:
        require_manage(actor, contest)  # 404 or 403, as the case is
        raise Http404
    return locked


@transaction.atomic
def contest_update(*, actor: User, contest: Contest, data: dict) -> Contest:
    contest = _lock(actor, contest)
    if contest.status not in (ContestStatus.DRAFT, ContestStatus.OPEN):
        raise ValidationError(_("Judging has begun: the contest's rules can no longer change."))
    if data.get("organizer") and data["organizer"] != contest.organizer:
        organizer_require_manage(actor=actor, organizer=data["organizer"])
    for key in CONTEST_FIELDS:
        if key in data:
            setattr(contest, key, data[key])
    contest.full_clean()
    contest.save()
    return contest


@transaction.atomic
def criteria_set(*, actor: User, contest: Contest, rows: list[tuple[str, Decimal, Decimal]]) -> list[Criterion]:
    """The whole rubric at once: (name, weight, maximum) in order. Refused once any sheet holds a score."""
    contest = _lock(actor, contest)
    if Score.objects.for_actor(actor).filter(assignment__judge__contest=contest).exists():
        raise ValidationError(_("Judges have scored already: the rubric can no longer change."))
    if not rows:
        raise ValidationError(_("A rubric needs at least one criterion."))
    names = [name.strip() for name, _w, _m in rows]
    if len(set(names)) != len(names):
        raise ValidationError(_("Each criterion needs a name of its own."))
    contest.criteria.all().delete()
    out = []
    for position, (name, weight, maximum) in enumerate(rows):
        criterion = Criterion(contest=contest, name=name.strip(), weight=weight, max_score=maximum, position=position)
        criterion.full_clean()
        criterion.save()
        out.append(criterion)
    return out


# --- the panel ------------------------------------------------------------------------------------
@transaction.atomic
def judge_add_member(*, actor: User, contest: Contest, member: Member) -> Judge:
    contest = _lock(actor, contest)
    get_for_actor(Member, actor, pk=member.pk)  # a member the organiser can see
    if not member.user_id:
        raise ValidationError(_("%(name)s has no login yet: create one first.") % {"name": member.name})
    if Judge.objects.for_actor(actor).filter(contest=contest, user_id=member.user_id).exists():
        raise ValidationError(_("%(name)s is on the panel already.") % {"name": member.name})
    judge = Judge(contest=contest, user_id=member.user_id, member=member, name=member.name)
    judge.full_clean()
    judge.save()
    return judge


@dataclass(frozen=True)
class IssuedLogin:
    name: str
    username: str
    password: str


@transaction.atomic
def expert_add(*, actor: User, contest: Contest, name: str, affiliation: str = "") -> tuple[Judge, IssuedLogin]:
    """An outside expert on the panel: a login of their own (a one-time password, changed at the first
    login) and no member record, so that the portal shows them their score sheets and nothing else."""
    contest = _lock(actor, contest)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the expert's name.")})
    password = one_time_password()
    username = f"expert{one_time_password(6).lower()}"
    user = User(username=username, first_name=name, must_change_password=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    expert = Expert(user=user, organization=contest.organizer, name=name, affiliation=affiliation.strip())
    expert.full_clean()
    expert.save()
    judge = Judge(contest=contest, user=user, expert=expert, name=name)
    judge.full_clean()
    judge.save()
    return judge, IssuedLogin(name, username, password)


@transaction.atomic
def judge_remove(*, actor: User, judge: Judge) -> None:
    contest = _lock(actor, judge.contest)
    if contest.status not in (ContestStatus.DRAFT, ContestStatus.OPEN, ContestStatus.JUDGING):
        raise ValidationError(_("Judging is closed: the panel can no longer change."))
    judge.delete()


@transaction.atomic
def judging_start(*, actor: User, contest: Contest) -> int:
    """Close the entries and hand every entry to every judge (not to a judge of the entrant's own unit
    when the contest says so). Run again after a judge joins: only the missing sheets are added."""
    contest = _lock(actor, contest)
    if contest.status not in (ContestStatus.OPEN, ContestStatus.JUDGING):
        raise ValidationError(_("Judging is closed."))
    if not contest.criteria.exists():
        raise ValidationError(_("Set the rubric before judging starts."))
    judges = list(contest.judges.select_related("member"))
    if not judges:
        raise ValidationError(_("Add judges to the panel first."))
    entries = list(contest.entries.values_list("pk", "unit_id"))
    sheets = [
        Assignment(judge=judge, entry_id=entry_id)
        for judge in judges
        for entry_id, unit_id in entries
        if not (contest.exclude_same_unit and judge.unit_id == unit_id)
    ]
    created = Assignment.objects.bulk_create(sheets, ignore_conflicts=True, batch_size=2000)
    contest.status = ContestStatus.JUDGING
    contest.save(update_fields=["status"])
    return len(created)


# --- score sheets ---------------------------------------------------------------------------------
@transaction.atomic
def sheet_save(*, actor: User, assignment: Assignment, values: dict[int, Decimal], reason: str = "") -> Assignment:
    """Save a judge's whole sheet at once, under a lock on the sheet: two tabs saving at the same moment
    write one after the other, and the total is always the sum of the scores it holds.

    While judging is open only the judge writes the own sheet. Once the organiser has closed judging the
    scores are locked: the organiser may correct a sheet with a reason, kept in the history, and the
    results are computed again (until they are final)."""
    sheet = Assignment.objects.for_actor(actor).select_for_update().filter(pk=assignment.pk).first()
    if sheet is None:
        raise Http404
    contest = sheet.judge.contest
    own = sheet.judge.user_id == actor.pk
    correcting = contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED)
    if contest.status == ContestStatus.JUDGING:
        if not own:
            raise PermissionDenied
    elif correcting:
        if own and not can_manage(actor, contest):
            raise ValidationError(_("Judging is closed: the scores are locked."))
        require_manage(actor, contest)
        if not reason.strip():
            raise ValidationError({"reason": _("Judging is closed: a change needs a reason, which the history keeps.")})
    else:
        raise ValidationError(_("This score sheet cannot be changed now."))
    criteria = list(contest.criteria.order_by("position", "pk"))
    errors = {}
    for c in criteria:
        value = values.get(c.pk)
        if value is None:
            errors[f"c{c.pk}"] = _("Score “%(name)s”.") % {"name": c.name}
        elif not (Decimal("0") <= value <= c.max_score):
            errors[f"c{c.pk}"] = _("“%(name)s” takes 0 to %(max)s.") % {"name": c.name, "max": c.max_score}
    if errors:
        raise ValidationError(errors)
    existing = {s.criterion_id: s for s in sheet.scores.all()}
    for c in criteria:
        score = existing.get(c.pk) or Score(assignment=sheet, criterion=c)
        if score.pk and score.value == values[c.pk]:
            continue
        score.value = values[c.pk]
        score._change_reason = reason.strip()[:100] or "judge"
        score.save()
    sheet.total = scoring.sheet_total(values, [(c.pk, c.weight, c.max_score) for c in criteria])
    sheet.completed_at = sheet.completed_at or timezone.now()
    sheet.version += 1
    sheet._change_reason = reason.strip()[:100] or "judge"
    sheet.save(update_fields=["total", "completed_at", "version"])
    if correcting:
        _compute_results(actor, contest)
    return sheet


@transaction.atomic
def judging_close(*, actor: User, contest: Contest) -> int:
    """Lock the scores and rank the entries; refused while a judge has sheets to finish."""
    contest = _lock(actor, contest)
    if contest.status != ContestStatus.JUDGING:
        raise ValidationError(_("Judging is not open."))
    pending = list(
        contest.judges.filter(assignments__completed_at__isnull=True).values_list("name", flat=True).distinct()
    )
    if pending:
        raise ValidationError(
            _("These judges have sheets to finish: %(names)s. Remind them, or remove them from the panel.")
            % {"names": "、".join(pending)}
        )
    contest.status = ContestStatus.CLOSED
    contest.judging_closed_at = timezone.now()
    contest.save(update_fields=["status", "judging_closed_at"])
    return _compute_results(actor, contest)


def _compute_results(actor: User, contest: Contest) -> int:
    """Rank every entry with at least one completed sheet, from scratch (a correction re-ranks)."""
    criteria = list(contest.criteria.order_by("position", "pk").values_list("pk", flat=True))
    totals: dict[int, list[Decimal]] = {}
    sheets = Assignment.objects.for_actor(actor, manage=True).filter(judge__contest=contest, completed_at__isnull=False)
    for entry_id, total in sheets.values_list("entry_id", "total"):
        totals.setdefault(entry_id, []).append(total)
    sums: dict[tuple[int, int], list[Decimal]] = {}
    scores = Score.objects.for_actor(actor, manage=True).filter(
        assignment__judge__contest=contest, assignment__completed_at__isnull=False
    )
    for entry_id, criterion_id, value in scores.values_list("assignment__entry_id", "criterion_id", "value"):
        sums.setdefault((entry_id, criterion_id), []).append(value)
    submitted = dict(contest.entries.values_list("pk", "submitted_at"))
    rows = []
    for entry_id, entry_totals in totals.items():
        means = tuple(
            sum(sums.get((entry_id, c), [Decimal(0)]), Decimal(0)) / max(len(sums.get((entry_id, c), [])), 1)
            for c in criteria
        )
        score = scoring.combine(entry_totals, contest.combine)
        rows.append((entry_id, score, len(entry_totals), means, submitted[entry_id]))
    ranked = scoring.rank_entries(rows, tie_break=contest.tie_break, prize_counts=contest.prize_counts)
    contest.results.all().delete()
    Result.objects.bulk_create(
        [
            Result(contest=contest, entry_id=r.entry_id, score=r.score, judges=r.judges, rank=r.rank, prize=r.prize)
            for r in ranked
        ]
    )
    return len(ranked)


@transaction.atomic
def results_publish(*, actor: User, contest: Contest) -> Contest:
    """The results go on public notice (公示) for the contest's notice period: names and units shown."""
    contest = _lock(actor, contest)
    if contest.status != ContestStatus.CLOSED:
        raise ValidationError(_("Close judging before publishing the results."))
    now = timezone.now()
    contest.status = ContestStatus.PUBLISHED
    contest.published_at = now
    contest.notice_ends_at = now + timedelta(days=contest.notice_days)
    contest.full_clean()
    contest.save()
    return contest


HONOUR_LEVEL = {OrganizationKind.CITY: HonourLevel.CITY, OrganizationKind.ZONE: HonourLevel.CITY}


@dataclass(frozen=True)
class Finalised:
    honours: int
    skipped: list[str]


def results_finalise(*, actor: User, contest: Contest, now=None) -> Finalised:
    """See ``_finalise``: the honours' names and the notices are written in the portal's language."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return _finalise(actor=actor, contest=contest, now=now)


@transaction.atomic
def _finalise(*, actor: User, contest: Contest, now=None) -> Finalised:
    """After the notice period the results are final: each prize of an individual entry becomes an honour
    on the member's record (members.services.honour_add), each winner gets a certificate number and a
    notice. A team's prize stays with its unit (the unit's page lists it)."""
    contest = _lock(actor, contest)
    now = now or timezone.now()
    if contest.status != ContestStatus.PUBLISHED:
        raise ValidationError(_("Publish the results first."))
    if now < contest.notice_ends_at:
        raise ValidationError(
            _("The public notice runs until %(when)s.")
            % {"when": f"{timezone.localtime(contest.notice_ends_at):%Y-%m-%d %H:%M}"}
        )
    year = timezone.localdate(now).year
    level = HONOUR_LEVEL.get(contest.organizer.kind, HonourLevel.UNIT)
    honours, skipped = 0, []
    winners = (
        contest.results.exclude(prize="").select_related("entry__member", "entry__member__unit").order_by("rank", "pk")
    )
    for seq, result in enumerate(winners, start=1):
        result.certificate_no = f"{year}-{contest.pk:04d}-{seq:04d}"
        prize = Prize(result.prize).label
        member = result.entry.member
        if contest.mode == EntryMode.INDIVIDUAL and result.honour_id is None:
            data = {
                "title": HonourTitle.CONTEST_PRIZE,
                "name": f"{contest.title} {prize}"[:100],
                "level": level,
                "year": year,
                "awarded_by": contest.organizer.name[:100],
            }
            try:
                with transaction.atomic():
                    result.honour = honour_add(actor=actor, member=member, data=data)
                honours += 1
            except (PermissionDenied, Http404):
                skipped.append(member.name)  # moved to a unit the organiser does not manage
        result.save(update_fields=["certificate_no", "honour"])
        if member.user_id:
            notification_enqueue(
                recipient_id=member.user_id,
                kind="contest_prize",
                key=f"contest_prize:{member.user_id}:{result.pk}",
                title=_("%(contest)s: %(prize)s") % {"contest": contest.title, "prize": prize},
                body=_("Your certificate is ready to download."),
                url=f"/contests/results/{result.pk}/certificate.pdf",
            )
    contest.status = ContestStatus.FINAL
    contest.final_at = now
    contest.save(update_fields=["status", "final_at"])
    return Finalised(honours, skipped)


# --- entries --------------------------------------------------------------------------------------
def _own_member(actor: User) -> Member:
    scope = scope_for(actor)
    if not scope.member_id:
        raise PermissionDenied
    # Locked: one person's two submissions at the same moment count one after the other.
    return Member.objects.for_actor(actor).select_for_update().get(pk=scope.member_id)


def _check_work(contest: Contest, data: dict, upload) -> dict:
    fields: dict = {"title": (data.get("title") or "").strip(), "text": "", "video_url": ""}
    errors = {}
    if not fields["title"]:
        errors["title"] = _("Give the work a title.")
    if contest.allow_text:
        fields["text"] = (data.get("text") or "").strip()
    if contest.allow_video:
        fields["video_url"] = (data.get("video_url") or "").strip()
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        fields["file"], fields["content_type"] = clean_work_file(upload, contest=contest)
    return fields


@transaction.atomic
def entry_submit(*, actor: User, contest: Contest, data: dict, upload=None) -> Entry:
    """A member submits a work (until the deadline, within the contest's number per person or team)."""
    member = _own_member(actor)
    contest = get_for_actor(Contest, actor, pk=contest.pk)
    if not Contest.objects.for_actor(actor).filter(audience_q(scope_for(actor)), pk=contest.pk).exists():
        raise PermissionDenied  # an officer reads another unit's contest, but enters only the own audience's
    if not contest.accepting:
        raise ValidationError(_("The contest takes no more entries."))
    team = (data.get("team_name") or "").strip()
    if contest.mode == EntryMode.TEAM and not team:
        raise ValidationError({"team_name": _("Name your unit's team.")})
    mine = Entry.objects.for_actor(actor).filter(contest=contest)
    mine = (
        mine.filter(unit_id=member.unit_id, team_name=team)
        if contest.mode == EntryMode.TEAM
        else mine.filter(member=member)
    )
    if mine.count() >= contest.entries_per_entrant:
        raise ValidationError(
            _("Each entrant may submit %(n)d work(s): replace the one you submitted instead.")
            % {"n": contest.entries_per_entrant}
        )
    fields = _check_work(contest, data, upload)
    if not (fields.get("file") or fields["text"] or fields["video_url"]):
        raise ValidationError({"file": _("Attach the work, type it in or give its video link.")})
    entry = Entry(contest=contest, member=member, unit_id=member.unit_id, team_name=team, **fields)
    for _attempt in range(5):  # a fresh code if the random one is taken in this contest
        if not Entry.objects.for_actor(actor).filter(contest=contest, code=entry.code).exists():
            break
        entry.code = Entry._meta.get_field("code").default()
    entry.full_clean(exclude=["file"])
    entry.save()
    return entry


def _own_entry(actor: User, entry: Entry) -> Entry:
    scope = scope_for(actor)
    locked = Entry.objects.for_actor(actor).select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise Http404
    if locked.member_id != scope.member_id:
        raise PermissionDenied
    if not locked.contest.accepting:
        raise ValidationError(_("The submission deadline has passed: the entry can no longer change."))
    return locked


@transaction.atomic
def entry_replace(*, actor: User, entry: Entry, data: dict, upload=None) -> Entry:
    entry = _own_entry(actor, entry)
    fields = _check_work(entry.contest, data, upload)
    old_file = entry.file.name if "file" in fields and entry.file else None
    for key, value in fields.items():
        setattr(entry, key, value)
    if not (entry.file or entry.text or entry.video_url):
        raise ValidationError({"file": _("Attach the work, type it in or give its video link.")})
    entry.submitted_at = timezone.now()
    entry.full_clean(exclude=["file"])
    entry.save()
    if old_file:
        storage = entry.file.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    return entry


@transaction.atomic
def entry_withdraw(*, actor: User, entry: Entry) -> None:
    entry = _own_entry(actor, entry)
    name = entry.file.name if entry.file else None
    storage = entry.file.storage
    entry.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


# --- reminders ------------------------------------------------------------------------------------
def judges_remind(*, actor: User, contest: Contest) -> int:
    """A notice now to every judge with sheets left (once a day per judge and contest)."""
    from notifications.services import notification_send

    contest = get_for_actor(Contest, actor, manage=True, pk=contest.pk)
    today = timezone.localdate()
    sent = 0
    rows = (
        contest.judges.filter(assignments__completed_at__isnull=True)
        .values_list("user_id")
        .distinct()
        .order_by("user_id")
    )
    for (user_id,) in rows:
        note = notification_send(
            recipient_id=user_id,
            kind="contest_judge",
            key=f"contest_judge:{user_id}:contest:{contest.pk}:{today.isoformat()}",
            title=_("Score sheets waiting: %(title)s") % {"title": contest.title},
            url="/contests/judging/",
        )
        sent += note is not None
    return sent
