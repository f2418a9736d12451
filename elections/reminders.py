"""Reminders: the term-end reminder leads to "start the election"; each step's deadline is watched."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta

from django.urls import resolve, reverse
from django.utils.translation import gettext as _

from notifications.reminders import Reminder
from notifications.sources import city_admins, unit_officers
from notifications.sources import committee_terms as term_reminders

from .models import Election, Status

#: Days before a step's deadline when the officers hear of it (and again on the day after it passed).
DAYS_BEFORE = 7


def committee_terms(today: date) -> Iterator[Reminder]:
    """notifications' committee-term reminders (same kind, key and recipients), linked to the election page:
    the plan with the unit filled in."""
    start = reverse("elections:create")
    for reminder in term_reminders(today):
        unit_id = resolve(reminder.url).kwargs["unit_pk"]
        yield dataclasses.replace(reminder, url=f"{start}?unit={unit_id}")


#: status -> the deadline field of the step
DUE = {Status.DRAFT: "plan_due", Status.NOMINATING: "nominations_due", Status.VOTING: "result_due"}


def _what(status: str) -> str:
    return {
        Status.DRAFT: _("the plan to the city union"),
        Status.NOMINATING: _("the candidate list"),
        Status.VOTING: _("the result to the city union"),
    }[status]


def step_deadlines(today: date) -> Iterator[Reminder]:
    """Officers of the unit, 7 days before a step's deadline; the officers and the city administrators the
    day after it passed. Once each (the key holds the deadline and the stage)."""
    elections = Election.objects.filter(status__in=list(DUE)).select_related("unit")
    officers, admins = None, None
    for election in elections:
        due = getattr(election, DUE[election.status])
        if due is None:
            continue
        if due - timedelta(days=DAYS_BEFORE) <= today <= due:
            stage, people = "soon", None
        elif today == due + timedelta(days=1):
            stage, people = "overdue", True
        else:
            continue
        if officers is None:
            officers, admins = unit_officers(), city_admins()
        recipients = set(officers.get(election.unit_id, []))
        if people:
            recipients |= set(admins)
        title = (
            _("%(title)s: %(what)s is due on %(date)s")
            if stage == "soon"
            else _("%(title)s: %(what)s was due on %(date)s and is late")
        ) % {"title": election.title, "what": _what(election.status), "date": f"{due:%Y-%m-%d}"}
        url = reverse("elections:detail", args=[election.pk])
        for user_id in sorted(recipients):
            yield Reminder(
                f"election_{stage}", user_id, f"election:{election.pk}:{election.status}", due, title, "", url
            )
