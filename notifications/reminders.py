"""Daily reminders: sources that apps register, and the once-only engine that sends them.

A source is a function ``source(today) -> Iterable[Reminder]`` registered under a name. The engine
collects every source's reminders for ``today`` (a date in Asia/Shanghai) and inserts them as
notifications keyed by (kind, recipient, subject, date); a key that exists already is skipped, so
running the day twice, two beat processes at once, or a redelivered task sends nothing twice.
Sources must compute in the database (a fixed number of queries however many members there are).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reminder:
    kind: str
    recipient_id: int
    subject: str  # what it is about, e.g. "unit:12" or "activity:5"
    on_date: date  # the local day the reminder belongs to
    title: str
    body: str = ""
    url: str = ""

    @property
    def key(self) -> str:
        return reminder_key(self.kind, self.recipient_id, self.subject, self.on_date)


def reminder_key(kind: str, recipient_id: int, subject: str, on_date: date) -> str:
    return f"{kind}:{recipient_id}:{subject}:{on_date.isoformat()}"[:200]


_sources: dict[str, Callable[[date], Iterable[Reminder]]] = {}


def register_reminder_source(name: str, source: Callable[[date], Iterable[Reminder]]) -> None:
    _sources[name] = source


def reminder_sources() -> dict[str, Callable[[date], Iterable[Reminder]]]:
    return dict(sorted(_sources.items()))


def run_daily_reminders(
    today: date, *, only: Iterable[str] | None = None, enqueue_email: bool = True, rescan: bool = False
) -> dict[str, int]:
    """Send every source's reminders for ``today``; returns how many each source newly sent.

    Texts are written in the portal's default language (Chinese). With ``enqueue_email=False`` the
    caller e-mails itself (the management command, which needs no broker). A source whose scan of the
    day is done (a ``ReminderRun`` row, written with its notices) is skipped: a second run of the day
    costs one query. ``rescan=True`` scans again (the notice keys still send nothing twice).
    """
    from django.conf import settings
    from django.utils import translation

    from members.scoping import unscoped

    from .models import ReminderRun
    from .services import notifications_send_many

    sent: dict[str, int] = {}
    wanted = set(only) if only else None
    done = set() if rescan else set(ReminderRun.objects.filter(day=today).values_list("source", flat=True))
    for name, source in reminder_sources().items():
        if wanted is not None and name not in wanted:
            continue
        if name in done:
            sent[name] = 0
            continue
        with (
            transaction.atomic(),
            translation.override(settings.LANGUAGE_CODE),
            unscoped("the daily reminder scan: every source reads the whole city by design"),
        ):
            sent[name] = len(notifications_send_many(list(source(today)), enqueue_email=enqueue_email))
            # A concurrent run that finished first keeps its row (and its notices): nothing twice.
            ReminderRun.objects.bulk_create(
                [ReminderRun(day=today, source=name, sent=sent[name])], ignore_conflicts=True
            )
        logger.info("reminders %s on %s: %d sent", name, today, sent[name])
    return sent
