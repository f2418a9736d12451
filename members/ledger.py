"""The union's funds ledger (经费台账) as the other apps see it: "this payment happened, post it" and "it was
undone, reverse it", without importing the app that keeps the ledger.

The arrows point toward ``members``: welfare, assistance and activities call :func:`post_spending` (or
:func:`post_spendings` for a batch) and :func:`reverse_spending` inside their own transaction; the funds app
registers the handlers from its ``AppConfig.ready()``. A handler's ValidationError (a posting that would
overspend the union's approved budget) rolls the caller's whole write back. Without a registered handler (the
funds app not installed) the calls do nothing.

``kind`` names what was paid, e.g. ``"welfare.festival"``; the funds app maps each kind to a budget category
(as data an administrator can change). ``source`` is ``(app label, model name, pk)``: a source posts once and is
reversed once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple


class SourceRef(NamedTuple):
    app_label: str
    model: str
    pk: str


class Spending(NamedTuple):
    """One payment of a batch for :func:`post_spendings`: the arguments of :func:`post_spending` but the actor."""

    kind: str
    union_id: int | None
    on: date
    amount: Decimal
    source: SourceRef
    payee: str = ""
    summary: str = ""


def source_of(obj) -> SourceRef:
    """The reference of a model instance as a posting's source."""
    return SourceRef(obj._meta.app_label, obj._meta.model_name, str(obj.pk))


def city_union_id() -> int | None:
    """The city union's id (the union whose funds pay for city-wide campaigns and recuperation)."""
    from .models import Organization, OrganizationKind

    return Organization.objects.filter(kind=OrganizationKind.CITY).values_list("pk", flat=True).first()


#: The kinds of spending other apps post, with what they are (the funds app maps each to a category).
SPENDING_KINDS: dict[str, str] = {
    "welfare.festival": "festival gifts (集体福利)",
    "welfare.birthday": "birthday gifts (集体福利)",
    "welfare.other": "other welfare (集体福利)",
    "assistance.hardship": "hardship aid from union funds (困难职工帮扶)",
    "assistance.winter": "winter warmth from union funds (送温暖)",
    "assistance.recuperation": "recuperation of model workers (疗休养)",
    "activities.culture_sports": "activity costs: culture and sports (文体活动)",
    "activities.education": "activity costs: staff education (职工教育)",
}

_post: Callable[..., Any] | None = None
_post_many: Callable[..., Any] | None = None
_reverse: Callable[..., Any] | None = None


def register_ledger(
    *, post: Callable[..., Any], reverse: Callable[..., Any], post_many: Callable[..., Any] | None = None
) -> None:
    """``post(*, actor, kind, union_id, on, amount, source, payee, summary)``, ``reverse(*, actor, source, on)``
    and ``post_many(*, actor, spendings)`` (optional: without it a batch is posted one by one through ``post``):
    the funds app's handlers."""
    global _post, _post_many, _reverse
    _post, _post_many, _reverse = post, post_many, reverse


def post_spending(
    *,
    actor,
    kind: str,
    union_id: int,
    on: date,
    amount: Decimal,
    source: SourceRef,
    payee: str = "",
    summary: str = "",
) -> Any:
    """Post money paid from the union's funds (``union_id``: the city union or a unit) to its ledger. Call it
    inside the transaction that records the payment; it raises ValidationError when the budget refuses."""
    if kind not in SPENDING_KINDS:
        raise ValueError(f"unknown spending kind {kind!r}: add it to members.ledger.SPENDING_KINDS")
    if _post is None or not amount:
        return None
    return _post(
        actor=actor, kind=kind, union_id=union_id, on=on, amount=amount, source=source, payee=payee, summary=summary
    )


def post_spendings(*, actor, spendings: Sequence[Spending]) -> list[Any]:
    """Post a batch of payments at once, as :func:`post_spending` would one by one (one posting each, in this
    order): the handler checks each budget line once for the batch's total and refuses the whole batch with
    the message the first posting to go over it would get. Call it inside the transaction that records the
    payments."""
    for spending in spendings:
        if spending.kind not in SPENDING_KINDS:
            raise ValueError(f"unknown spending kind {spending.kind!r}: add it to members.ledger.SPENDING_KINDS")
    spendings = [s for s in spendings if s.amount]
    if _post is None or not spendings:
        return []
    if _post_many is None:
        return [_post(actor=actor, **s._asdict()) for s in spendings]
    return _post_many(actor=actor, spendings=spendings)


def reverse_spending(*, actor, source: SourceRef, on: date | None = None) -> Any:
    """Reverse the posting of ``source`` (once; nothing when it never posted)."""
    if _reverse is None:
        return None
    return _reverse(actor=actor, source=source, on=on)
