"""The costs of an activity (prizes, venue, materials), posted to the organiser's union funds ledger through
``members.ledger`` (职工活动支出: 文体活动 or 职工教育 by the activity's kind) and reversed when removed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.ledger import post_spending, reverse_spending, source_of
from members.scoping import unscoped

from .models import ActivityCost, ActivityKind
from .selectors import activity_get

#: Kinds whose costs are staff education (职工教育); the others are culture and sports (文体活动).
EDUCATION_KINDS = {ActivityKind.TRAINING, ActivityKind.THEME_EDUCATION, ActivityKind.READING}


@transaction.atomic
def cost_add(
    *, actor, activity_id: int, kind: str, amount: Decimal, paid_on: date, payee: str, note: str = ""
) -> ActivityCost:
    activity = activity_get(actor=actor, pk=activity_id, manage=True, lock=True)
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("The date cannot be in the future.")})
    cost = ActivityCost(
        activity=activity,
        kind=kind,
        amount=amount,
        paid_on=paid_on,
        payee=payee.strip(),
        note=note.strip(),
        created_by=actor,
    )
    with unscoped("full_clean's constraint checks return no rows"):
        cost.full_clean()
    cost.save()
    post_spending(
        actor=actor,
        kind="activities.education" if activity.kind in EDUCATION_KINDS else "activities.culture_sports",
        union_id=activity.organizer_id,
        on=paid_on,
        amount=cost.amount,
        source=source_of(cost),
        payee=cost.payee,
        summary=f"{activity.title} · {cost.get_kind_display()}",
    )
    return cost


@transaction.atomic
def cost_remove(*, actor, cost_id: int) -> None:
    """Remove a cost recorded by mistake; its posting is reversed in the ledger."""
    cost = ActivityCost.objects.for_actor(actor).select_for_update(of=("self",)).filter(pk=cost_id).first()
    if cost is None:
        from django.http import Http404

        raise Http404
    activity_get(actor=actor, pk=cost.activity_id, manage=True)
    reverse_spending(actor=actor, source=source_of(cost))
    cost.delete()
