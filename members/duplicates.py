"""Duplicate checks that look across the whole city, without leaking across units (issue #17).

A member's ID number is unique in the city, and a household has one open hardship file in the city: the
checks must read every unit. What they *say* depends on where the hit is:

- inside the actor's read scope, the hit is named as before (the member, the file, its state);
- outside it, the actor learns only that a membership (or an open file) exists in another unit and that the
  city union has been told; the city's administrators get a notice naming both sides, and the hit is written
  to the access record (action "duplicate"). The city union resolves it.

One rule, ``duplicate_hit`` (a form's check: returns the message) and ``raise_duplicate`` (a service's check inside
its transaction, with ``@records_duplicate_hits`` outside it): the member form and the roster import
(``id_duplicate_message``; issue #15 calls it for the import's duplicate-ID message) and the one-household check of
hardship files all use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from .audit import record_access
from .models import AccessAction, Organization, Role, RoleAssignment
from .registry import notify
from .scoping import scope_for, unscoped

#: What kind of record was found: the neutral sentence for an actor outside its unit, and the notice's title.
KINDS = {
    "member": (
        "A person with this ID number is already a member of another unit. The city union has been told and "
        "will sort it out with both units.",
        "Duplicate ID number: a member of %(other)s, entered again by %(actor)s (%(unit)s)",
    ),
    "hardship_file": (
        "This household already has an open hardship file in another unit. The city union has been told and "
        "will sort it out with both units.",
        "Second hardship file for one household: file %(ref)s of %(other)s, asked again by %(actor)s (%(unit)s)",
    ),
}


def _actor_label(actor) -> tuple[str, str]:
    member = getattr(actor, "member", None)
    name = (member.name if member else "") or actor.get_full_name() or actor.username
    unit = member.unit.name if member and member.unit_id else ""
    return name, unit


class DuplicateHit(ValidationError):
    """A duplicate in another unit, raised from inside a service's transaction: the transaction rolls back, and
    ``records_duplicate_hits`` (around the service, outside its transaction) then writes the access record and
    the city's notice, so that the refusal does not take the record with it."""

    def __init__(self, message: str, *, pending: Callable[[], None]):
        super().__init__(message, code="duplicate_elsewhere")
        self.pending: Callable[[], None] | None = pending

    def record(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending()


def records_duplicate_hits(service):
    """Put around (outside) ``@transaction.atomic`` of a service that may raise ``DuplicateHit``."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except DuplicateHit as exc:
            exc.record()
            raise

    return wrapper


def duplicate_hit(
    *, actor, kind: str, unit_id: int | None, inside: str, ref: str = "", obj: Any = None, request=None
) -> str:
    """The message for a duplicate found in a city-wide check, the hit recorded at once (a form's check).

    ``unit_id`` is the unit that holds the existing record; ``inside`` is the message naming it, shown when the
    actor may read that unit. Outside the actor's scope: the hit is recorded, the city administrators are told
    (both sides named) and the neutral message of ``kind`` is returned. ``ref`` is a reference of the existing
    record for the city (a file number, a card number), never an ID number."""
    if scope_for(actor).can_read_unit(unit_id):
        return inside
    _record_hit(actor=actor, kind=kind, unit_id=unit_id, ref=ref, obj=obj, request=request)
    return _(KINDS[kind][0])


def raise_duplicate(
    *, actor, kind: str, unit_id: int | None, inside: str, ref: str = "", obj: Any = None, code: str = "duplicate"
) -> None:
    """The same rule for a service inside its transaction: raises ValidationError naming the record inside the
    actor's scope, or ``DuplicateHit`` with the neutral message (recorded by ``records_duplicate_hits``)."""
    if scope_for(actor).can_read_unit(unit_id):
        raise ValidationError(inside, code=code)
    raise DuplicateHit(
        _(KINDS[kind][0]),
        pending=lambda: _record_hit(actor=actor, kind=kind, unit_id=unit_id, ref=ref, obj=obj, request=None),
    )


def _record_hit(*, actor, kind: str, unit_id: int | None, ref: str, obj: Any, request) -> None:
    _neutral, title = KINDS[kind]
    with unscoped("a duplicate in another unit: the city administrators are told which unit holds it"):
        other = Organization.objects.filter(pk=unit_id).values_list("name", flat=True).first() or "—"
        admins = list(
            RoleAssignment.objects.filter(role=Role.CITY_ADMIN, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
    name, unit = _actor_label(actor)
    with translation.override(settings.LANGUAGE_CODE):
        text = _(title) % {"other": other, "actor": name, "unit": unit or "—", "ref": ref or "—"}
        what = _("Duplicate check: %(kind)s in another unit") % {"kind": _kind_label(kind)}
    record_access(
        actor=actor, action=AccessAction.DUPLICATE, what=what, obj=obj, unit=unit_id, ref=ref, request=request
    )
    notify(recipient_ids=admins, kind="duplicate", key=f"duplicate:{kind}:{ref}:{actor.pk}", title=text, body=text)


def _kind_label(kind: str) -> str:
    return {"member": _("a member"), "hardship_file": _("an open hardship file")}[kind]


def id_duplicate_message(*, actor, existing, request=None) -> str:
    """The message for an ID number that is already a member's (``existing``): the member form and the roster
    import call this. Inside the actor's scope it names the member; outside it says only that a membership
    exists in another unit (and the city is told)."""
    inside = _("A member with this ID number is already registered: %(name)s (%(unit)s, card %(card)s).") % {
        "name": existing.name,
        "unit": existing.unit.name if existing.unit_id else "—",
        "card": existing.card_number or "—",
    }
    if actor is None:
        return _("A member with this ID number is already registered.")
    return duplicate_hit(
        actor=actor,
        kind="member",
        unit_id=existing.unit_id,
        inside=inside,
        ref=existing.card_number or f"#{existing.pk}",
        obj=existing,
        request=request,
    )
