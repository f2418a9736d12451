"""The retention periods of docs/data-map.md as a job (PIPL art. 19: kept no longer than needed).

Each app registers its rules (``register_retention_rule``) from ``AppConfig.ready()`` — members imports no other
app. A rule finds what has passed its period (``due(today)``, a queryset) and removes or anonymises it
(``apply(queryset)``, returns the rows changed). ``retention_run`` runs every rule, as a dry run (counts only) or
for real, and records the run (``RetentionRun``). A real run needs a dry run of the last ``DRY_RUN_VALID_DAYS``
days: the report comes first. The weekly schedule (``members.schedules``) is created switched off; a city
administrator switches it on in the admin (定时任务 → ``retention``) after reading a dry run
(``python manage.py apply_retention``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import MemberStatus
from .models import (
    AccessAction,
    AccessRecord,
    CorrectionRequest,
    CorrectionStatus,
    LoginEvent,
    Member,
    RetentionRun,
    Role,
    RoleAssignment,
)
from .registry import notify
from .scoping import require_city_admin, unscoped

DRY_RUN_VALID_DAYS = 7
WHY = "the retention job reads and removes what has passed its period in every unit"


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: object  # what it removes, in words
    period: object  # how long it is kept, in words
    due: Callable[[date], QuerySet]
    apply: Callable[[QuerySet], int]
    #: An append-only record (the access record, the login log): its table, and the moment before which a real
    #: run may delete its rows. The run writes it into ``RetentionRun.cutoffs``, where the table's PostgreSQL
    #: trigger looks for it (migration 0017): nothing else may delete or change such a row.
    table: str = ""
    cutoff: Callable[[date], datetime] | None = None


_rules: dict[str, RetentionRule] = {}


def register_retention_rule(rule: RetentionRule) -> None:
    _rules[rule.key] = rule


def retention_rules() -> list[RetentionRule]:
    return [_rules[k] for k in sorted(_rules)]


def years_before(today: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for 29 February): where a period of years starts."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


# --- members' own rules ----------------------------------------------------------------------------
ENDED = (MemberStatus.WITHDRAWN, MemberStatus.EXPELLED, MemberStatus.TRANSFERRED_OUT, MemberStatus.DECEASED)


def _former_members_due(today: date) -> QuerySet:
    """Members whose membership ended (withdrawn, expelled, transferred out of the system, died) 10 years ago,
    not yet anonymised."""
    ended = (
        Member.objects.filter(status__in=ENDED)
        .exclude(name=ANONYMOUS)
        .annotate(last_change=Max("changes__on"))
        .filter(last_change__lt=years_before(today, 10))
    )
    return Member.objects.filter(pk__in=ended.values("pk"))


ANONYMOUS = "（已匿名）"


def _anonymise_members(qs: QuerySet) -> int:
    """Name, ID number and mobile replaced (the record stays for the statistics, with no person in it); the
    login, if any, deactivated. The history rows of those fields are cleared too."""
    done = 0
    for member in qs.select_related("user").iterator(chunk_size=500):
        member.name = ANONYMOUS
        member.id_number_encrypted = ""
        member.id_number_hash = f"anonymised:{member.pk}"
        member.id_number_masked = "*" * 18
        member.mobile = ""
        member.native_place = ""
        member.notes = ""
        Member.objects.filter(pk=member.pk).update(
            name=member.name,
            id_number_encrypted="",
            id_number_hash=member.id_number_hash,
            id_number_masked=member.id_number_masked,
            mobile="",
            native_place="",
            notes="",
        )
        member.history.all().update(name=ANONYMOUS, id_number_masked="*" * 18, mobile="", native_place="", notes="")
        if member.user_id and member.user.is_active:
            type(member.user).objects.filter(pk=member.user_id).update(is_active=False)
        done += 1
    if done:
        from .countcache import members_changed

        members_changed()  # the updates above bypass the signals: the member list's kept counts go stale
    return done


def _answered_corrections_due(today: date) -> QuerySet:
    return CorrectionRequest.objects.exclude(status=CorrectionStatus.OPEN).filter(
        answered_at__lt=timezone.make_aware(datetime.combine(years_before(today, 3), time.min))
    )


def _delete(qs: QuerySet) -> int:
    return qs.delete()[0]


# --- the append-only records (issue 16): deleted only here, only what is older than its period -------------
#: The reason the AppendOnlyQuerySet looks for before it lets a delete through (members.models).
PURGE_REASON = "the named retention purge of {table}: every row older than the run's cutoff"


def _days_before(today: date, days: int) -> datetime:
    """The start of the day ``days`` before ``today`` in the portal's time zone: rows before it are older."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))


def _records_rule(key: str, model, days_setting: str, label, period) -> RetentionRule:
    table = model._meta.db_table

    def cutoff(today: date) -> datetime:
        return _days_before(today, getattr(settings, days_setting))

    def due(today: date) -> QuerySet:
        return model.objects.filter(at__lt=cutoff(today))

    def apply(qs: QuerySet) -> int:
        with unscoped(PURGE_REASON.format(table=table)):
            return qs.delete()[0]

    return RetentionRule(key, label, period, due, apply, table=table, cutoff=cutoff)


def register_members_rules() -> None:
    register_retention_rule(
        _records_rule(
            "records-access",
            AccessRecord,
            "ACCESS_RECORD_RETENTION_DAYS",
            gettext_lazy("the access record"),
            gettext_lazy("ACCESS_RECORD_RETENTION_DAYS days (3 years by default)"),
        )
    )
    register_retention_rule(
        _records_rule(
            "records-login",
            LoginEvent,
            "LOGIN_LOG_RETENTION_DAYS",
            gettext_lazy("the login log"),
            gettext_lazy("LOGIN_LOG_RETENTION_DAYS days (1 year by default, at least 6 months)"),
        )
    )
    register_retention_rule(
        RetentionRule(
            "members-former",
            gettext_lazy("Former members' records: name, ID number and mobile anonymised"),
            gettext_lazy("10 years after the membership ended"),
            _former_members_due,
            _anonymise_members,
        )
    )
    register_retention_rule(
        RetentionRule(
            "members-corrections",
            gettext_lazy("Answered correction requests"),
            gettext_lazy("3 years after the answer"),
            _answered_corrections_due,
            _delete,
        )
    )


# --- the run -----------------------------------------------------------------------------------------
def _last_dry_run(today: date) -> RetentionRun | None:
    since = timezone.now() - timedelta(days=DRY_RUN_VALID_DAYS)
    return RetentionRun.objects.filter(dry_run=True, started_at__gte=since, finished_at__isnull=False).first()


@transaction.atomic
def retention_run(*, actor=None, dry_run: bool = True, today: date | None = None) -> RetentionRun:
    """Run every rule (``dry_run``: count only) and record the run; the city administrators are told."""
    if actor is not None:  # the command and the schedule run without one; a person must be a city administrator
        require_city_admin(actor)
    today = today or timezone.localdate()
    with unscoped(WHY):
        return _run(actor=actor, dry_run=dry_run, today=today)


def _run(*, actor, dry_run: bool, today: date) -> RetentionRun:
    if not dry_run and _last_dry_run(today) is None:
        raise ValidationError(
            _("Run a dry run first (python manage.py apply_retention) and read its report; it is valid %(days)s days.")
            % {"days": DRY_RUN_VALID_DAYS}
        )
    cutoffs = {r.table: r.cutoff(today).isoformat() for r in retention_rules() if r.table and r.cutoff}
    run = RetentionRun.objects.create(dry_run=dry_run, started_by=actor, cutoffs=cutoffs)
    report, total = {}, 0
    with translation.override(settings.LANGUAGE_CODE):
        for rule in retention_rules():
            due = rule.due(today)
            count = due.count() if dry_run else rule.apply(due)
            if rule.table and not dry_run:  # a purge of an append-only record is itself a line of the access record
                _record_purge(rule, count, cutoffs[rule.table], actor)
            report[rule.key] = {"label": str(rule.label), "period": str(rule.period), "count": count}
            total += count
        run.report, run.total, run.finished_at = report, total, timezone.now()
        run.save(update_fields=["report", "total", "finished_at"])
        admins = list(
            RoleAssignment.objects.filter(role=Role.CITY_ADMIN, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
        kind = _("Retention dry run") if dry_run else _("Retention run")
        title = _("%(kind)s: %(total)s rows past their period") % {"kind": kind, "total": total}
        body = "\n".join(f"{r['label']}（{r['period']}）：{r['count']}" for r in report.values())
    notify(recipient_ids=admins, kind="retention", key=f"retention:{run.pk}", title=title, body=body)
    return run


def _record_purge(rule: RetentionRule, rows: int, cutoff: str, actor) -> None:
    from .audit import record_access

    record_access(
        actor=actor,
        action=AccessAction.PURGE,
        what=_("Retention purge of %(record)s") % {"record": rule.label},
        rows=rows,
        filters=_("before %(time)s") % {"time": f"{timezone.localtime(datetime.fromisoformat(cutoff)):%Y-%m-%d %H:%M}"},
    )


def scheduled_run() -> RetentionRun:
    """What the weekly schedule does once a city administrator has switched it on: a real run when a dry run of
    the last week was read, otherwise a dry run (and next week the real one)."""
    with unscoped(WHY):
        has_report = _last_dry_run(timezone.localdate()) is not None
    return retention_run(dry_run=not has_report)
