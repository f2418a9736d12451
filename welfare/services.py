"""Every write of the welfare app: distributions, their rosters, the cap check, sign-off, caps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from members.ledger import post_spending, source_of
from members.models import Organization
from members.scoping import get_for_actor, require_city_admin, require_manage, unscoped

from .defaults import portal_province
from .models import (
    Category,
    CategoryCap,
    Distribution,
    DistributionStatus,
    FestivalCap,
    GiftForm,
    MemberBudget,
    Recipient,
    WelfarePolicy,
)
from .selectors import eligible_members

#: Why the cap check reads budget rows outside the actor's units.
_ROSTER_BUDGETS = (
    "the cap check: the yearly budget rows of this batch's own roster (the batch was checked for the actor), "
    "whichever unit a person on it belongs to today"
)


def gift_date(on: date | datetime) -> date:
    """The date of a gift: an aware moment counts on its Asia/Shanghai date (and year)."""
    if isinstance(on, datetime):
        return timezone.localdate(on)
    return on


def policy_for(year: int) -> WelfarePolicy:
    policy = WelfarePolicy.objects.filter(year=year, province=portal_province()).first()
    if policy is None:
        raise ValidationError(
            {
                "date": _("No welfare policy is set for %(year)s: the city administrator adds one first.")
                % {"year": year}
            }
        )
    return policy


def _check_form_and_cap(distribution: Distribution) -> CategoryCap:
    cap = CategoryCap.objects.filter(policy=distribution.policy, category=distribution.category).first()
    if cap is None or cap.cap is None:
        raise ValidationError(
            {"category": _("The %(year)s policy sets no cap for this category yet.") % {"year": distribution.year}}
        )
    # The national rule: festival and birthday gifts are never money, whatever a policy says.
    never_money = distribution.category in (Category.FESTIVAL, Category.BIRTHDAY)
    if not cap.allows(distribution.form) or (never_money and distribution.form == GiftForm.MONEY):
        raise ValidationError(
            {
                "form": _("%(form)s is not an allowed form for %(category)s.")
                % {"form": distribution.get_form_display(), "category": distribution.get_category_display()}
            }
        )
    return cap


@transaction.atomic
def distribution_create(
    *,
    actor,
    organization: Organization,
    category: str,
    festival: str,
    on: date | datetime,
    item: str,
    form: str,
    amount: Decimal,
) -> Distribution:
    """A draft batch with its generated roster (festival: eligible members; birthday: born that month)."""
    # The model's rule: a unit's officers manage its batches, a city-wide batch is the city
    # administrators' (404 outside the scope, 403 for a zone lead who only reads).
    require_manage(actor, Distribution(organization=organization))
    on = gift_date(on)
    festival = festival if category == Category.FESTIVAL else ""
    if category == Category.FESTIVAL and not festival:
        raise ValidationError({"festival": _("Choose the festival of a festival gift.")})
    distribution = Distribution(
        organization=organization,
        policy=policy_for(on.year),
        category=category,
        festival=festival,
        date=on,
        item=item.strip(),
        form=form,
        amount=amount,
        created_by=actor,
    )
    distribution.full_clean()
    _check_form_and_cap(distribution)
    distribution.save()
    Recipient.objects.bulk_create(
        [
            Recipient(distribution=distribution, member_id=pk, amount=amount)
            for pk in eligible_members(actor=actor, distribution=distribution)
            .order_by("pk")
            .values_list("pk", flat=True)
        ],
        batch_size=2000,
    )
    return distribution


def _require_draft(distribution: Distribution) -> None:
    if not distribution.is_draft:
        raise ValidationError(_("This batch is confirmed: its roster and amounts can no longer change."))


def _lock_draft(actor, distribution: Distribution) -> Distribution:
    """Check the actor manages the batch (404 outside the scope, 403 without the right), lock its row
    and check it is still a draft: a roster change and a confirmation of the same batch cannot
    interleave (the confirmation takes the same lock). of=("self",): only the batch row, not the
    shared policy row the join reaches, so batches do not serialise on their policy."""
    require_manage(actor, distribution)
    locked = (
        Distribution.objects.for_actor(actor, manage=True)
        .select_for_update(of=("self",))
        .select_related("policy", "organization")
        .get(pk=distribution.pk)
    )
    _require_draft(locked)
    return locked


@transaction.atomic
def recipient_remove(*, actor, recipient: Recipient, reason: str) -> Recipient:
    _lock_draft(actor, recipient.distribution)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for removing this person.")})
    recipient.included = False
    recipient.reason = reason.strip()
    recipient.full_clean()
    recipient.save(update_fields=["included", "reason"])
    return recipient


@transaction.atomic
def recipient_add(*, actor, distribution: Distribution, member_id: int, reason: str) -> Recipient:
    """Put an eligible member (back) on the roster, with a reason."""
    distribution = _lock_draft(actor, distribution)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for adding this person.")})
    member = eligible_members(actor=actor, distribution=distribution).filter(pk=member_id).first()
    if member is None:
        raise ValidationError({"member": _("This person is not eligible for this batch.")})
    recipient, _created = distribution.recipients.get_or_create(member=member, defaults={"amount": distribution.amount})
    if recipient.included and not _created:
        raise ValidationError({"member": _("This person is already on the roster.")})
    recipient.included = True
    recipient.added_manually = True
    recipient.reason = reason.strip()
    recipient.full_clean()
    recipient.save()
    return recipient


@transaction.atomic
def distribution_set_amount(*, actor, distribution: Distribution, amount: Decimal) -> Distribution:
    """Change the amount per person of a draft batch (and of everyone on its roster)."""
    distribution = _lock_draft(actor, distribution)
    distribution.amount = amount
    distribution.full_clean()
    distribution.save(update_fields=["amount"])
    distribution.recipients.update(amount=amount)
    return distribution


@transaction.atomic
def distribution_delete(*, actor, distribution: Distribution) -> None:
    _lock_draft(actor, distribution).delete()


# --- The cap check -------------------------------------------------------------------------------
@dataclass(frozen=True)
class CapProblem:
    recipient_id: int
    member_id: int
    name: str
    what: str  # the category or the festival whose cap is exceeded
    spent: Decimal
    cap: Decimal
    adding: Decimal

    @property
    def over_by(self) -> Decimal:
        return self.spent + self.adding - self.cap


def _limits(distribution: Distribution) -> list[tuple[str, Decimal, str]]:
    """(festival key of the budget row, cap, label): the category's cap and the festival's share."""
    cap = _check_form_and_cap(distribution)
    limits = [("", cap.cap, distribution.get_category_display())]
    if distribution.festival:
        share = FestivalCap.objects.filter(policy=distribution.policy, festival=distribution.festival).first()
        if share is not None:
            limits.append((distribution.festival, share.cap, distribution.get_festival_display()))
    return limits


@dataclass(frozen=True)
class _Line:
    """One person on the roster, as the cap check needs them (no full member rows)."""

    pk: int
    member_id: int
    name: str
    amount: Decimal


def _roster_lines(distribution: Distribution) -> list[_Line]:
    rows = (
        distribution.recipients.filter(included=True)
        .order_by("member_id")
        .values_list("pk", "member_id", "member__name", "amount")
    )
    return [_Line(*row) for row in rows]


def _budget_rows(distribution: Distribution, limits):
    """The budget rows of everyone on the roster for this batch's year, category and festival share."""
    return MemberBudget.objects.filter(
        member_id__in=distribution.recipients.filter(included=True).values("member_id"),
        year=distribution.year,
        category=distribution.category,
        festival__in=[key for key, _cap, _label in limits],
    )


def _problems(lines: list[_Line], budgets: dict, limits) -> list[CapProblem]:
    problems = []
    for line in lines:
        for key, cap, label in limits:
            spent = budgets.get((line.member_id, key), Decimal("0"))
            if spent + line.amount > cap:
                problems.append(CapProblem(line.pk, line.member_id, line.name, label, spent, cap, line.amount))
    return problems


def cap_problems(distribution: Distribution) -> list[CapProblem]:
    """The people this batch would take over a cap (a preview: no locks; confirm checks again)."""
    return cap_check(distribution).problems


@dataclass(frozen=True)
class CapCheck:
    """The cap check of a draft batch as one summary: how many people would go over, by how much in all
    and at most, per cap; and the largest amount per person that would pass for everyone on the roster."""

    problems: list[CapProblem]
    largest_amount: Decimal | None = None  # None: nobody on the roster

    @property
    def people(self) -> int:
        return len({p.recipient_id for p in self.problems})

    def _over_by_person(self) -> dict[int, Decimal]:
        over: dict[int, Decimal] = {}
        for p in self.problems:
            over[p.recipient_id] = max(over.get(p.recipient_id, Decimal("0")), p.over_by)
        return over

    @property
    def total_over(self) -> Decimal:
        return sum(self._over_by_person().values(), Decimal("0"))

    @property
    def max_over(self) -> Decimal:
        return max(self._over_by_person().values(), default=Decimal("0"))

    @property
    def by_cap(self) -> list[tuple[str, Decimal, int]]:
        """(the cap's label, the cap, how many people it stops), in the order of the limits."""
        counts: dict[tuple[str, Decimal], int] = {}
        for p in self.problems:
            counts[(p.what, p.cap)] = counts.get((p.what, p.cap), 0) + 1
        return [(what, cap, n) for (what, cap), n in counts.items()]

    @property
    def recipient_ids(self) -> set[int]:
        return {p.recipient_id for p in self.problems}


def cap_check(distribution: Distribution) -> CapCheck:
    """The cap check of a draft batch (a preview: no locks; confirm checks again)."""
    if not distribution.is_draft:
        return CapCheck([])
    limits = _limits(distribution)
    with unscoped(_ROSTER_BUDGETS):
        rows = list(_budget_rows(distribution, limits).values_list("member_id", "festival", "spent"))
    budgets = {(m, f): s for m, f, s in rows}
    lines = _roster_lines(distribution)
    room = [cap - budgets.get((line.member_id, key), Decimal("0")) for line in lines for key, cap, _label in limits]
    largest = max(min(room), Decimal("0")) if room else None
    return CapCheck(_problems(lines, budgets, limits), largest)


@transaction.atomic
def distribution_remove_over_cap(*, actor, distribution: Distribution, reason: str) -> list[Recipient]:
    """Take everyone this draft batch would take over a cap out of its roster in one go, each with the
    reason (kept on the line and in its history)."""
    distribution = _lock_draft(actor, distribution)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for removing these people.")})
    ids = cap_check(distribution).recipient_ids
    if not ids:
        raise ValidationError(_("Nobody on the roster would go over a cap."))
    removed = list(distribution.recipients.filter(pk__in=ids, included=True).select_related("member"))
    for recipient in removed:
        recipient.included = False
        recipient.reason = reason[:200]
        recipient._change_reason = reason[:100]  # django-simple-history's change reason
        recipient.full_clean()
        recipient.save(update_fields=["included", "reason"])
    return removed


class CapExceeded(ValidationError):
    def __init__(self, problems: list[CapProblem]):
        self.problems = problems
        super().__init__(
            _("%(count)s people would go over a cap: remove them or lower the amount.") % {"count": len(problems)}
        )


@transaction.atomic
def distribution_confirm(*, actor, distribution: Distribution) -> Distribution:
    """Confirm a batch: every person's yearly budget rows are locked, checked and charged in one go.

    Missing rows are created in a fixed order, then all are locked in a fixed order (member,
    festival), so two batches confirmed at the same time wait for each other instead of both
    passing the check; the charge is one set-based UPDATE per amount.
    """
    distribution = _lock_draft(actor, distribution)
    limits = _limits(distribution)
    lines = _roster_lines(distribution)
    if not lines:
        raise ValidationError(_("Nobody is on the roster."))
    year, category = distribution.year, distribution.category
    with unscoped(_ROSTER_BUDGETS):
        existing = set(_budget_rows(distribution, limits).values_list("member_id", "festival"))
        missing = sorted({(line.member_id, key) for line in lines for key, _cap, _label in limits} - existing)
        MemberBudget.objects.bulk_create(
            [MemberBudget(member_id=m, year=year, category=category, festival=f) for m, f in missing],
            ignore_conflicts=True,  # a batch confirmed at the same moment created it first
            batch_size=2000,
        )
        locked = (
            _budget_rows(distribution, limits)
            .select_for_update()
            .order_by("member_id", "festival")
            .values_list("member_id", "festival", "spent")
        )
        problems = _problems(lines, {(m, f): s for m, f, s in locked}, limits)
        if problems:
            raise CapExceeded(problems)
        for amount in sorted({line.amount for line in lines}):
            on_roster = distribution.recipients.filter(included=True, amount=amount).values("member_id")
            _budget_rows(distribution, limits).filter(member_id__in=on_roster).update(spent=F("spent") + amount)
    distribution.status = DistributionStatus.CONFIRMED
    distribution.confirmed_by = actor
    distribution.confirmed_at = timezone.now()
    distribution.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    _post_to_funds(actor, distribution, sum((line.amount for line in lines), Decimal("0")))
    return distribution


def _post_to_funds(actor, distribution: Distribution, total: Decimal) -> None:
    """The batch's total to the union's funds ledger (集体福利); the union's budget may refuse it, and then the
    whole confirmation is rolled back."""
    kind = distribution.category if distribution.category in (Category.FESTIVAL, Category.BIRTHDAY) else "other"
    post_spending(
        actor=actor,
        kind=f"welfare.{kind}",
        union_id=distribution.organization_id,
        on=distribution.date,
        amount=total,
        source=source_of(distribution),
        payee=distribution.item,
        summary=f"{distribution.get_festival_display() or distribution.get_category_display()} · {distribution.item}",
    )


# --- Sign-off ------------------------------------------------------------------------------------
@transaction.atomic
def recipient_sign(*, actor, recipient: Recipient, received_on: date, received_by: str = "") -> Recipient:
    """Record that the person received the gift (or who received it on their behalf)."""
    distribution = get_for_actor(
        Distribution.objects.select_related("organization"), actor, manage=True, pk=recipient.distribution_id
    )
    if distribution.is_draft:
        raise ValidationError(_("Confirm the batch before recording sign-offs."))
    if not recipient.included:
        raise ValidationError(_("This person was removed from the roster."))
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date of receipt cannot be in the future.")})
    recipient.received_on = received_on
    recipient.received_by = received_by.strip()
    recipient.signed_recorded_by = actor
    recipient.full_clean()
    recipient.save(update_fields=["received_on", "received_by", "signed_recorded_by"])
    return recipient


# --- Policies ------------------------------------------------------------------------------------
@transaction.atomic
def policy_create(*, actor, year: int, province: str, copy_from: WelfarePolicy | None = None) -> WelfarePolicy:
    """A new year's policy, its caps copied from another one (the administrator then edits them)."""
    require_city_admin(actor)
    policy = WelfarePolicy(year=year, province=province.strip())
    if copy_from is not None:
        policy.document = copy_from.document
        policy.include_retained = copy_from.include_retained
        policy.include_non_establishment = copy_from.include_non_establishment
    policy.full_clean()
    policy.save()
    if copy_from is not None:
        CategoryCap.objects.bulk_create(
            CategoryCap(
                policy=policy,
                category=c.category,
                cap=c.cap,
                allow_goods=c.allow_goods,
                allow_coupon=c.allow_coupon,
                allow_money=c.allow_money,
            )
            for c in copy_from.caps.all()
        )
        FestivalCap.objects.bulk_create(
            FestivalCap(policy=policy, festival=f.festival, cap=f.cap) for f in copy_from.festival_caps.all()
        )
    return policy


@transaction.atomic
def policy_update(*, actor, policy: WelfarePolicy, caps: list[dict], festival_caps: dict[str, Decimal | None]) -> None:
    """Save a policy's caps: ``caps`` = [{category, cap, allow_goods, allow_coupon, allow_money}],
    ``festival_caps`` = {festival: cap or None (no split for that festival)}."""
    require_city_admin(actor)
    policy.full_clean()
    policy.save()
    for data in caps:
        row, _created = CategoryCap.objects.get_or_create(policy=policy, category=data["category"])
        for field in ("cap", "allow_goods", "allow_coupon", "allow_money"):
            setattr(row, field, data[field])
        if row.category in (Category.FESTIVAL, Category.BIRTHDAY) and row.allow_money:
            raise ValidationError(
                {"allow_money": _("The national rule allows no money for festival or birthday gifts.")}
            )
        row.full_clean()
        row.save()
    for festival, cap in festival_caps.items():
        if cap is None:
            FestivalCap.objects.filter(policy=policy, festival=festival).delete()
        else:
            FestivalCap.objects.update_or_create(policy=policy, festival=festival, defaults={"cap": cap})
    total = CategoryCap.objects.filter(policy=policy, category=Category.FESTIVAL).values_list("cap", flat=True).first()
    split = [c for c in festival_caps.values() if c is not None]
    if total is not None and split and max(split) > total:
        raise ValidationError(_("A festival's share cannot be more than the whole festival cap."))
