"""Campaigns, their rosters and the grants made from them: one grant per file, campaign and purpose, in budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.scoping import scope_for

from ..models import Campaign, CampaignBudget, Grant, HardshipCase, RosterEntry, Status
from ._common import lock, require_city, require_unit_manager, validated


@transaction.atomic
def campaign_create(*, actor, data: dict, budgets: dict[str, Decimal]) -> Campaign:
    require_city(actor)
    campaign = Campaign(created_by=actor, **data)
    validated(campaign)
    campaign.save()
    for source, amount in budgets.items():
        if amount is None:
            continue
        budget = CampaignBudget(campaign=campaign, source=source, amount=amount)
        validated(budget)
        budget.save()
    return campaign


@transaction.atomic
def roster_add(
    *, actor, campaign: Campaign, case: HardshipCase, purpose: str, source: str, amount: Decimal | None = None
) -> RosterEntry:
    """Put a filed case on a campaign's roster: its unit union within the application window, or the city union."""
    require_unit_manager(actor, case)
    if case.status != Status.FILED:
        raise ValidationError(
            _("Only approved and filed cases can go on a roster (%(number)s is not).") % {"number": case.number}
        )
    today = timezone.localdate()
    if not scope_for(actor).is_city_admin and not campaign.opens_on <= today <= campaign.closes_on:
        raise ValidationError(
            _("Applications to %(campaign)s are taken from %(start)s to %(end)s.")
            % {"campaign": campaign.name, "start": campaign.opens_on, "end": campaign.closes_on}
        )
    amount = amount if amount is not None else campaign.amount_for(purpose)
    if amount is None:
        raise ValidationError({"amount": _("The campaign sets no amount for this purpose; enter one.")})
    if not campaign.budgets.filter(source=source).exists():
        raise ValidationError({"source": _("The campaign has no budget from this source.")})
    entry = RosterEntry(campaign=campaign, case=case, purpose=purpose, amount=amount, source=source, added_by=actor)
    validated(entry)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError(
            _("%(number)s is already on this roster for this purpose.") % {"number": case.number}
        ) from None
    return entry


@transaction.atomic
def roster_remove(*, actor, entry: RosterEntry) -> None:
    require_unit_manager(actor, entry.case)
    if entry.case.grants.filter(campaign=entry.campaign, purpose=entry.purpose).exists():
        raise ValidationError(_("A grant was already made from this roster line."))
    entry.delete()


def _spent(campaign: Campaign, source: str) -> Decimal:
    """Granted so far from one source of the campaign, in every unit: the budget is the whole city's."""
    return campaign.grants.filter(source=source).aggregate(s=Sum("amount"))["s"] or Decimal("0")


@transaction.atomic
def grant_create(
    *, actor, case: HardshipCase, campaign: Campaign, purpose: str, amount: Decimal, source: str, granted_on: date
) -> Grant:
    """One grant; refused if the file already has one for this campaign and purpose, or the budget is spent."""
    require_city(actor, case)
    case = lock(actor, case)
    if case.status != Status.FILED:
        raise ValidationError(
            _("Only approved and filed cases receive grants (%(number)s is not).") % {"number": case.number}
        )
    budget = CampaignBudget.objects.select_for_update().filter(campaign=campaign, source=source).first()
    if budget is None:
        raise ValidationError({"source": _("The campaign has no budget from this source.")})
    if _spent(campaign, source) + amount > budget.amount:
        raise ValidationError(
            _("The %(source)s budget of %(campaign)s (%(budget)s yuan) would be exceeded.")
            % {"source": budget.get_source_display(), "campaign": campaign.name, "budget": budget.amount}
        )
    grant = Grant(
        case=case,
        campaign=campaign,
        purpose=purpose,
        amount=amount,
        source=source,
        granted_on=granted_on,
        approved_by=actor,
    )
    validated(grant, validate_constraints=False)
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        raise ValidationError(
            _("No double aid: %(number)s already has a grant in %(campaign)s for this purpose.")
            % {"number": case.number, "campaign": campaign.name},
            code="double_aid",
        ) from None
    return grant


@transaction.atomic
def grants_from_roster(*, actor, campaign: Campaign, granted_on: date) -> tuple[int, int]:
    """Create the grants of every roster line that has none yet, all or nothing. Returns (created, skipped)."""
    require_city(actor)
    entries = list(campaign.roster.select_related("case").order_by("pk"))
    done = set(campaign.grants.values_list("case_id", "purpose"))
    created = skipped = 0
    for entry in entries:
        if (entry.case_id, entry.purpose) in done or entry.case.status != Status.FILED:
            skipped += 1
            continue
        grant_create(
            actor=actor,
            case=entry.case,
            campaign=campaign,
            purpose=entry.purpose,
            amount=entry.amount,
            source=entry.source,
            granted_on=granted_on,
        )
        created += 1
    return created, skipped


@transaction.atomic
def grant_mark_received(*, actor, grant: Grant, received_on: date) -> Grant:
    require_unit_manager(actor, grant.case)
    grant = Grant.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=grant.pk)
    if received_on < grant.granted_on or received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received must lie between the grant date and today.")})
    grant.received_on = received_on
    grant.save(update_fields=["received_on"])
    return grant
