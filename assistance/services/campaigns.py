"""Campaigns, their rosters and the grants made from them: one grant per file, campaign and purpose, in budget."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from members.ledger import Spending, city_union_id, post_spending, post_spendings, source_of
from members.scoping import scope_for

from ..models import Campaign, CampaignBudget, CampaignKind, Grant, HardshipCase, RosterEntry, Source, Status
from ._common import lock, lock_numbers, require_city, require_unit_manager, validated


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
    # The one-line-per-purpose constraint is left to the database, whose refusal below names the file: full_clean's
    # own message for it names the model's fields ("包含 Campaign，Case 和 用途 的 名单条目 已经存在").
    validated(entry, validate_constraints=False)
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


def _no_budget() -> ValidationError:
    return ValidationError({"source": _("The campaign has no budget from this source.")})


def _over_budget(campaign: Campaign, budget: CampaignBudget) -> ValidationError:
    return ValidationError(
        _("The %(source)s budget of %(campaign)s (%(budget)s yuan) would be exceeded.")
        % {"source": budget.get_source_display(), "campaign": campaign.name, "budget": budget.amount}
    )


def _double_aid(campaign: Campaign, number: str) -> ValidationError:
    return ValidationError(
        _("No double aid: %(number)s already has a grant in %(campaign)s for this purpose.")
        % {"number": number, "campaign": campaign.name},
        code="double_aid",
    )


def _spending_kind(campaign: Campaign) -> str:
    return "assistance.winter" if campaign.kind == CampaignKind.WINTER else "assistance.hardship"


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
        raise _no_budget()
    if _spent(campaign, source) + amount > budget.amount:
        raise _over_budget(campaign, budget)
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
        raise _double_aid(campaign, case.number) from None
    if source == Source.UNION:  # government aid and charity are not the union's money
        post_spending(
            actor=actor,
            kind=_spending_kind(campaign),
            union_id=city_union_id(),  # the campaigns are the city union's
            on=granted_on,
            amount=amount,
            source=source_of(grant),
            payee=case.number,
            summary=campaign.name,
        )
    return grant


@transaction.atomic
def grants_from_roster(*, actor, campaign: Campaign, granted_on: date) -> tuple[int, int]:
    """Create the grants of every roster line that has none yet, all or nothing. Returns (created, skipped).

    The rules of :func:`grant_create`, each checked once for the whole batch, so that its cost does not grow
    with the roster by a dozen statements a line: the roster's files are locked in one statement (in the
    order of their ids) and a line whose file is no longer filed, or already has its grant, is skipped; each
    source's budget row is locked once and must hold what is spent plus the batch's total; the grants and
    their history rows are inserted together; the union's share is posted through
    ``members.ledger.post_spendings``, one posting per grant as ``grant_create`` writes it."""
    require_city(actor)
    entries = list(campaign.roster.order_by("pk"))
    if not entries:
        return 0, 0
    cases = lock_numbers(actor, (e.case_id for e in entries))
    done = set(campaign.grants.values_list("case_id", "purpose"))  # read under the files' locks
    todo = [e for e in entries if (e.case_id, e.purpose) not in done and cases[e.case_id][0] == Status.FILED]
    if not todo:
        return 0, len(entries)
    _check_budgets(campaign, todo)
    numbers = {pk: number for pk, (_status, number) in cases.items()}
    grants = _insert_grants(actor, campaign, todo, granted_on, numbers=numbers)
    union_grants = [g for g in grants if g.source == Source.UNION]  # government aid and charity are not the union's
    if union_grants:
        union_id, kind = city_union_id(), _spending_kind(campaign)  # the campaigns are the city union's
        post_spendings(
            actor=actor,
            spendings=[
                Spending(
                    kind=kind,
                    union_id=union_id,
                    on=granted_on,
                    amount=grant.amount,
                    source=source_of(grant),
                    payee=numbers[grant.case_id],
                    summary=campaign.name,
                )
                for grant in union_grants
            ],
        )
    return len(todo), len(entries) - len(todo)


def _check_budgets(campaign: Campaign, entries: list[RosterEntry]) -> None:
    """Each source's budget row locked (in the order of the rows) and checked once for the batch's total."""
    totals: dict[str, Decimal] = {}
    for entry in entries:
        totals[entry.source] = totals.get(entry.source, Decimal("0")) + entry.amount
    budgets = {
        b.source: b
        for b in CampaignBudget.objects.select_for_update().filter(campaign=campaign, source__in=totals).order_by("pk")
    }
    spent = dict(campaign.grants.filter(source__in=totals).order_by().values_list("source").annotate(s=Sum("amount")))
    for source, total in totals.items():  # in the order the roster first names them
        if source not in budgets:
            raise _no_budget()
        if spent.get(source, Decimal("0")) + total > budgets[source].amount:
            raise _over_budget(campaign, budgets[source])


def _insert_grants(
    actor, campaign: Campaign, entries: list[RosterEntry], granted_on: date, *, numbers: dict[int, str]
) -> list[Grant]:
    grants = [
        Grant(
            case_id=entry.case_id,
            campaign=campaign,
            purpose=entry.purpose,
            amount=entry.amount,
            source=entry.source,
            granted_on=granted_on,
            approved_by=actor,
        )
        for entry in entries
    ]
    for grant in grants:
        # The file is locked, the campaign and the approver are in hand: their existence is not asked
        # again per grant (the foreign keys hold it in the database).
        validated(grant, exclude=["case", "campaign", "approved_by"], validate_constraints=False)
    try:
        with transaction.atomic():
            bulk_create_with_history(grants, Grant)
    except IntegrityError:
        # Only a grant written without the file's lock can get here (the lines already granted are skipped).
        taken = set(campaign.grants.values_list("case_id", "purpose"))
        clash = next((g for g in grants if (g.case_id, g.purpose) in taken), None)
        if clash is None:
            raise
        raise _double_aid(campaign, numbers[clash.case_id]) from None
    return grants


@transaction.atomic
def grant_mark_received(*, actor, grant: Grant, received_on: date) -> Grant:
    require_unit_manager(actor, grant.case)
    grant = Grant.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=grant.pk)
    if received_on < grant.granted_on or received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date received must lie between the grant date and today.")})
    grant.received_on = received_on
    grant.save(update_fields=["received_on"])
    return grant
