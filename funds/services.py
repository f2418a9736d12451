"""Every write of the funds app: budgets, their approval and adjustments, postings and their reversal, the
handlers other apps reach through ``members.ledger``, the organ's allocation. Dues are in ``funds.dues``."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from members.ledger import SourceRef, Spending
from members.models import Organization, OrganizationKind
from members.scoping import require_manage, unscoped
from members.uploads import check_upload

from .models import (
    ZERO,
    Adjustment,
    AdjustmentLine,
    Allocation,
    Budget,
    BudgetLine,
    BudgetStatus,
    Category,
    Direction,
    DuesRule,
    KindMapping,
    MonthTotal,
    Posting,
)

#: What a voucher's attachment may be (an invoice, a scanned receipt), by the type its content shows.
ATTACHMENT_KINDS = ("pdf", "jpg", "png")

#: Why the budget check and the ledger handlers read beyond the actor's rows.
_LEDGER = (
    "the funds ledger: a payment the calling app already checked for the actor is posted to its union's "
    "ledger, against that union's budget line (locked)"
)


def validated(obj, **kwargs) -> None:
    with unscoped("full_clean's uniqueness and constraint checks: table-wide by nature, they return no rows"):
        obj.full_clean(**kwargs)


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def ledger_union(org: Organization) -> Organization:
    """The union whose funds pay for something of ``org``: a unit's own union, the city union for the city
    union itself and for a liaison zone (a zone has no funds of its own)."""
    if org.kind == OrganizationKind.ZONE:
        return org.parent
    return org


def require_union(actor, union: Organization, *, manage: bool = True) -> None:
    if union.kind not in (OrganizationKind.CITY, OrganizationKind.UNIT):
        raise ValidationError({"union": _("Funds are kept by the city union and the unit unions, not by a zone.")})
    if manage:
        require_manage(actor, union)


# --- Budgets -----------------------------------------------------------------------------------------
def leaf_categories() -> list[Category]:
    return list(Category.objects.filter(is_leaf=True).order_by("sort_order", "code"))


@transaction.atomic
def budget_create(*, actor, union: Organization, year: int) -> Budget:
    """A draft budget of the union for the year, one line per category; the amounts of the year before (when
    it had a budget) are copied as a start."""
    require_union(actor, union)
    if Budget.objects.for_actor(actor).filter(union=union, year=year).exists():
        raise ValidationError(
            {"year": _("%(union)s already has a budget for %(year)s.") % {"union": union, "year": year}}
        )
    budget = Budget(union=union, year=year, created_by=actor)
    validated(budget)
    budget.save()
    previous = dict(
        BudgetLine.objects.for_actor(actor)
        .filter(budget__union=union, budget__year=year - 1)
        .values_list("category_id", "amount")
    )
    BudgetLine.objects.bulk_create(
        [BudgetLine(budget=budget, category=c, amount=previous.get(c.pk, ZERO)) for c in leaf_categories()]
    )
    return budget


def _lock_budget(actor, budget: Budget) -> Budget:
    require_manage(actor, budget)
    return Budget.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=budget.pk)


def _clean_amounts(amounts: dict[int, Decimal], valid_ids: set[int]) -> dict[int, Decimal]:
    out = {}
    for category_id, value in amounts.items():
        if category_id not in valid_ids:
            raise ValidationError(_("Unknown budget category."))
        if value is None or value < 0:
            raise ValidationError(_("Budget amounts are zero or more."))
        out[category_id] = money(value)
    return out


@transaction.atomic
def budget_set_lines(*, actor, budget: Budget, amounts: dict[int, Decimal]) -> Budget:
    """Enter the amounts of a draft budget (category id → yuan)."""
    budget = _lock_budget(actor, budget)
    if budget.is_approved:
        raise ValidationError(_("The budget is approved: change it by an adjustment."))
    lines = {line.category_id: line for line in budget.lines.all()}
    for category_id, amount in _clean_amounts(amounts, set(lines)).items():
        line = lines[category_id]
        if line.amount != amount:
            line.amount = amount
            line.full_clean()
            line.save(update_fields=["amount"])
    return budget


@transaction.atomic
def budget_approve(*, actor, budget: Budget, approved_on: date, note: str) -> Budget:
    """Record the committee's approval: from now on the budget is in force."""
    budget = _lock_budget(actor, budget)
    if budget.is_approved:
        raise ValidationError(_("The budget is already approved."))
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("The date of approval cannot be in the future.")})
    if not note.strip():
        raise ValidationError({"approval_note": _("Name the committee decision (meeting and date).")})
    budget.status = BudgetStatus.APPROVED
    budget.approved_on = approved_on
    budget.approval_note = note.strip()
    budget.approved_by = actor
    budget.approved_at = timezone.now()
    validated(budget)
    budget.save()
    return budget


@transaction.atomic
def adjustment_create(*, actor, budget: Budget, reason: str, amounts: dict[int, Decimal]) -> Adjustment:
    """A proposed adjustment: the new amounts of the categories that change, with the reason."""
    budget = _lock_budget(actor, budget)
    if not budget.is_approved:
        raise ValidationError(_("A draft budget is changed directly; adjustments are for an approved one."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the adjustment.")})
    current = dict(budget.lines.values_list("category_id", "amount"))
    changes = {k: v for k, v in _clean_amounts(amounts, set(current)).items() if v != current[k]}
    if not changes:
        raise ValidationError(_("The adjustment changes no amount."))
    adjustment = Adjustment(budget=budget, reason=reason.strip(), created_by=actor)
    validated(adjustment)
    adjustment.save()
    AdjustmentLine.objects.bulk_create(
        AdjustmentLine(adjustment=adjustment, category_id=k, old_amount=current[k], new_amount=v)
        for k, v in sorted(changes.items())
    )
    return adjustment


@transaction.atomic
def adjustment_approve(*, actor, adjustment: Adjustment, approved_on: date, note: str) -> Adjustment:
    """Record the committee's approval of an adjustment and put its amounts in force (a new version). An
    amount cannot go below what the category has already spent."""
    budget = _lock_budget(actor, adjustment.budget)
    adjustment = Adjustment.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=adjustment.pk)
    if adjustment.is_approved:
        raise ValidationError(_("The adjustment is already approved."))
    if approved_on > timezone.localdate():
        raise ValidationError({"approved_on": _("The date of approval cannot be in the future.")})
    if not note.strip():
        raise ValidationError({"approval_note": _("Name the committee decision (meeting and date).")})
    changes = list(adjustment.lines.select_related("category"))
    lines = {
        line.category_id: line
        for line in budget.lines.select_for_update(of=("self",)).filter(
            category_id__in=[c.category_id for c in changes]
        )
    }
    for change in changes:
        spent = _spent(budget.union_id, budget.year, change.category_id)
        if change.category.direction == Direction.EXPENDITURE and change.new_amount < spent:
            raise ValidationError(
                _("%(category)s has already spent %(spent)s yuan: its budget cannot go down to %(amount)s yuan.")
                % {"category": change.category.label, "spent": spent, "amount": change.new_amount}
            )
        line = lines[change.category_id]
        line.amount = change.new_amount
        line.save(update_fields=["amount"])
    budget.version += 1
    budget.save(update_fields=["version"])
    adjustment.status = BudgetStatus.APPROVED
    adjustment.version = budget.version
    adjustment.approved_on = approved_on
    adjustment.approval_note = note.strip()
    adjustment.approved_by = actor
    adjustment.approved_at = timezone.now()
    adjustment.save()
    return adjustment


@transaction.atomic
def adjustment_delete(*, actor, adjustment: Adjustment) -> None:
    _lock_budget(actor, adjustment.budget)
    if adjustment.is_approved:
        raise ValidationError(_("An approved adjustment stays on record."))
    adjustment.delete()


# --- Postings ----------------------------------------------------------------------------------------
class BudgetExceeded(ValidationError):
    """A posting that would take its category over the approved budget, with the figures."""

    def __init__(self, *, category: Category, budget: Decimal, spent: Decimal, amount: Decimal):
        self.figures = {"budget": budget, "spent": spent, "amount": amount}
        super().__init__(
            _(
                "Over budget: %(category)s has a budget of %(budget)s yuan, %(spent)s yuan is spent, and this "
                "posting of %(amount)s yuan would take it %(over)s yuan over. Record an approved budget "
                "adjustment first."
            )
            % {
                "category": category.label,
                "budget": budget,
                "spent": spent,
                "amount": amount,
                "over": spent + amount - budget,
            },
            code="over_budget",
        )


def _spent(union_id: int, year: int, category_id: int) -> Decimal:
    """What the union's postings of the category add up to in the year (reversals count negative), in yuan
    and fen (SQLite's SUM comes back with eleven places: 6234.56000000000)."""
    with unscoped(_LEDGER):
        return money(
            Posting.objects.filter(
                union_id=union_id, category_id=category_id, date__gte=date(year, 1, 1), date__lte=date(year, 12, 31)
            ).aggregate(s=Sum("amount"))["s"]
            or ZERO
        )


def _add_to_month(*postings: Posting) -> None:
    """Add postings to their months' totals, one UPDATE per month and category (the row is created once; the
    UPDATE takes its row lock; the rows in the order of their keys, as every caller takes them)."""
    sums: dict[tuple[int, int, int, int], Decimal] = {}
    for posting in postings:
        key = (posting.union_id, posting.date.year, posting.date.month, posting.category_id)
        sums[key] = sums.get(key, ZERO) + posting.amount
    with unscoped(_LEDGER):
        for (union_id, year, month, category_id), amount in sorted(sums.items()):
            key = {"union_id": union_id, "year": year, "month": month, "category_id": category_id}
            if not MonthTotal.objects.filter(**key).update(total=F("total") + amount):
                MonthTotal.objects.bulk_create([MonthTotal(**key)], ignore_conflicts=True)
                MonthTotal.objects.filter(**key).update(total=F("total") + amount)


def rebuild_month_totals(union_id: int | None = None) -> int:
    """Recompute the monthly totals from the postings (after a bulk load, or to check them)."""
    from django.db.models.functions import ExtractMonth, ExtractYear

    with unscoped("rebuilding the monthly totals from every posting: maintenance, city-wide by design"):
        postings = Posting.objects.all() if union_id is None else Posting.objects.filter(union_id=union_id)
        rows = (
            postings.annotate(y=ExtractYear("date"), m=ExtractMonth("date"))
            .values("union_id", "y", "m", "category_id")
            .annotate(s=Sum("amount"))
            .order_by()
        )
        (MonthTotal.objects.all() if union_id is None else MonthTotal.objects.filter(union_id=union_id)).delete()
        return len(
            MonthTotal.objects.bulk_create(
                (
                    MonthTotal(
                        union_id=r["union_id"], year=r["y"], month=r["m"], category_id=r["category_id"], total=r["s"]
                    )
                    for r in rows.iterator(chunk_size=5000)
                ),
                batch_size=5000,
            )
        )


def _check_budget(union_id: int, year: int, category: Category, amounts: list[Decimal]) -> None:
    """Under the lock of the category's budget line: refuse expenditure the approved budget does not cover.
    ``amounts`` are the postings to the line in their order (one, or a batch's): the refusal names the first
    that would take the line over, with what is spent before it, as posting them one by one would.
    A union without an approved budget for the year has no budget in force: its postings are recorded and the
    execution page says so."""
    amounts = [a for a in amounts if a > 0]
    if category.direction != Direction.EXPENDITURE or not amounts:
        return
    budget = Budget.objects.filter(union_id=union_id, year=year, status=BudgetStatus.APPROVED).first()
    if budget is None:
        return
    line = BudgetLine.objects.select_for_update().filter(budget=budget, category=category).first()
    limit = line.amount if line is not None else ZERO
    spent = _spent(union_id, year, category.pk)
    for amount in amounts:
        if spent + amount > limit:
            raise BudgetExceeded(category=category, budget=limit, spent=spent, amount=amount)
        spent += amount


def _new_posting(
    *,
    union_id: int,
    on: date,
    category: Category,
    amount: Decimal,
    created_by,
    source: SourceRef | None = None,
    kind: str = "",
    **fields,
) -> Posting:
    """The posting, not yet checked against the budget nor saved; refused at once for an amount or category
    no posting may have."""
    amount = money(amount)
    if amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if not category.is_leaf:
        raise ValidationError({"category": _("Choose a sub-item of the category.")})
    posting = Posting(union_id=union_id, date=on, category=category, amount=amount, created_by=created_by, **fields)
    if source is not None:
        posting.source_app, posting.source_model, posting.source_pk = source
        posting.source_kind = kind
    return posting


def _record(**spec) -> Posting:
    """Check against the budget and save one posting built by ``_new_posting(**spec)``; its month's total follows."""
    posting = _new_posting(**spec)
    with unscoped(_LEDGER):
        _check_budget(posting.union_id, posting.date.year, posting.category, [posting.amount])
        validated(posting, validate_constraints=False)
        try:
            with transaction.atomic():
                posting.save()
        except IntegrityError:
            if posting.source_app:
                raise ValidationError(_("This payment is already posted to the ledger."), code="posted") from None
            raise ValidationError(
                {"voucher_number": _("Voucher number %(number)s is already used.") % {"number": posting.voucher_number}}
            ) from None
        _add_to_month(posting)
    return posting


def _record_many(postings: list[Posting]) -> list[Posting]:
    """Record a batch of postings from other apps (each with its source), as ``_record`` would one by one:
    each budget line locked and checked once for the batch (in the order of the lines), one INSERT, one
    UPDATE per monthly total."""
    lines: dict[tuple[int, int, int], list[Posting]] = {}
    for posting in postings:
        lines.setdefault((posting.union_id, posting.date.year, posting.category_id), []).append(posting)
    with unscoped(_LEDGER):
        for (union_id, year, _category_id), group in sorted(lines.items()):
            _check_budget(union_id, year, group[0].category, [p.amount for p in group])
        for posting in postings:
            # The union, the category and the author were just read (or are the actor): their
            # existence is not asked again per posting (the foreign keys hold it in the database).
            validated(posting, exclude=["union", "category", "created_by"], validate_constraints=False)
        try:
            with transaction.atomic():
                Posting.objects.bulk_create(postings)
        except IntegrityError:
            raise ValidationError(_("This payment is already posted to the ledger."), code="posted") from None
        _add_to_month(*postings)
    return postings


@transaction.atomic
def posting_create(
    *,
    actor,
    union: Organization,
    on: date,
    category: Category,
    amount: Decimal,
    payee: str,
    voucher_number: str,
    summary: str = "",
    attachment=None,
) -> Posting:
    """A ledger entry by hand (income or spending with its voucher)."""
    require_union(actor, union)
    if on > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    if not voucher_number.strip():
        raise ValidationError({"voucher_number": _("Enter the voucher number.")})
    fields = {"payee": payee.strip(), "summary": summary.strip(), "voucher_number": voucher_number.strip()}
    if attachment is not None:
        kind = check_upload(attachment, field="attachment", allowed=ATTACHMENT_KINDS)
        attachment.name = f"{uuid.uuid4().hex}{kind.ext}"  # the stored name says nothing about the file
        fields.update(attachment=attachment, attachment_type=kind.mime)
    return _record(union_id=union.pk, on=on, category=category, amount=amount, created_by=actor, **fields)


def _reverse(*, original: Posting, on: date, actor, summary: str) -> Posting:
    if original.is_reversal:
        raise ValidationError(_("A reversal is not reversed again: enter a new posting."))
    if Posting.objects.filter(reverses=original).exists():
        raise ValidationError(_("This posting is already reversed."), code="reversed")
    reversal = Posting(
        union_id=original.union_id,
        date=max(on, original.date),
        category_id=original.category_id,
        amount=-original.amount,
        payee=original.payee,
        summary=summary[:200],
        reverses=original,
        created_by=actor,
    )
    try:
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        raise ValidationError(_("This posting is already reversed."), code="reversed") from None
    _add_to_month(reversal)
    return reversal


@transaction.atomic
def posting_reverse(*, actor, posting: Posting, reason: str) -> Posting:
    """Put a manual entry right by its reversal (the entry stays; the ledger shows both)."""
    require_manage(actor, posting)
    original = Posting.objects.for_actor(actor, manage=True).select_for_update(of=("self",)).get(pk=posting.pk)
    if not original.is_manual:
        raise ValidationError(_("This posting came from another page: it is reversed when its source is undone."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the reversal.")})
    with unscoped(_LEDGER):
        return _reverse(
            original=original,
            on=timezone.localdate(),
            actor=actor,
            summary=_("Reversal: %(reason)s") % {"reason": reason.strip()},
        )


# --- The handlers of members.ledger --------------------------------------------------------------------
def category_for(kind: str) -> Category:
    mapping = KindMapping.objects.select_related("category").filter(kind=kind).first()
    if mapping is None:
        from .defaults import MAPPING, ensure_defaults

        if kind in MAPPING:  # a known kind whose row is missing gets its national default back
            ensure_defaults()
            mapping = KindMapping.objects.select_related("category").filter(kind=kind).first()
    if mapping is None:
        raise ValidationError(_("No budget category is set for payments of kind %(kind)s.") % {"kind": kind})
    return mapping.category


def handle_post(
    *, actor, kind: str, union_id: int, on: date, amount: Decimal, source: SourceRef, payee: str, summary: str
):
    """members.ledger.post_spending: the calling app checked the actor's rights over the payment."""
    with unscoped(_LEDGER):
        union = ledger_union(Organization.objects.get(pk=union_id))
        return _record(
            union_id=union.pk,
            on=on,
            category=category_for(kind),
            amount=amount,
            created_by=actor,
            source=source,
            kind=kind,
            payee=payee[:100],
            summary=summary[:200],
        )


def handle_post_many(*, actor, spendings: list[Spending]) -> list[Posting]:
    """members.ledger.post_spendings: ``handle_post`` for a batch, one posting per spending, in its order."""
    with unscoped(_LEDGER):
        orgs = Organization.objects.select_related("parent").in_bulk({s.union_id for s in spendings})
        categories = {kind: category_for(kind) for kind in dict.fromkeys(s.kind for s in spendings)}
        postings = []
        for s in spendings:
            if s.union_id not in orgs:
                raise Organization.DoesNotExist(f"no union {s.union_id}")
            postings.append(
                _new_posting(
                    union_id=ledger_union(orgs[s.union_id]).pk,
                    on=s.on,
                    category=categories[s.kind],
                    amount=s.amount,
                    created_by=actor,
                    source=s.source,
                    kind=s.kind,
                    payee=s.payee[:100],
                    summary=s.summary[:200],
                )
            )
        return _record_many(postings)


def handle_reverse(*, actor, source: SourceRef, on: date | None):
    """members.ledger.reverse_spending: the source was undone; reverse its posting once."""
    with unscoped(_LEDGER):
        original = (
            Posting.objects.select_for_update()
            .filter(source_app=source.app_label, source_model=source.model, source_pk=source.pk, reverses__isnull=True)
            .first()
        )
        if original is None:
            return None
        return _reverse(
            original=original,
            on=on or timezone.localdate(),
            actor=actor,
            summary=_("Reversal: %(summary)s") % {"summary": original.summary or original.source_kind},
        )


# --- The organ's allocation (拨缴经费) ---------------------------------------------------------------------
def rule_for(year: int) -> DuesRule:
    rule = DuesRule.objects.filter(from_year__lte=year).order_by("-from_year").first()
    return rule or DuesRule(from_year=year)


@transaction.atomic
def allocation_record(*, actor, union: Organization, on: date, payroll_total: Decimal, note: str = "") -> Allocation:
    """The organ's allocation for a period: rate × payroll, of which the union keeps its share (as data), posted
    to 拨缴经费收入."""
    require_union(actor, union)
    if on > timezone.localdate():
        raise ValidationError({"date": _("The date cannot be in the future.")})
    rule = rule_for(on.year)
    amount = money(money(payroll_total) * rule.allocation_rate * rule.allocation_kept_share)
    allocation = Allocation(
        union=union,
        date=on,
        payroll_total=money(payroll_total),
        rate=rule.allocation_rate,
        kept_share=rule.allocation_kept_share,
        amount=amount,
        note=note.strip(),
        created_by=actor,
    )
    validated(allocation)
    allocation.save()
    _record(
        union_id=union.pk,
        on=on,
        category=category_for("funds.allocation"),
        amount=amount,
        created_by=actor,
        source=SourceRef("funds", "allocation", str(allocation.pk)),
        kind="funds.allocation",
        payee=str(union),
        summary=_("Allocation: %(share)s of %(rate)s of a payroll of %(payroll)s yuan")
        % {
            "share": f"{rule.allocation_kept_share:.0%}",
            "rate": f"{rule.allocation_rate:.0%}",
            "payroll": allocation.payroll_total,
        },
    )
    return allocation


def get_manageable_union(actor, pk: int) -> Organization:
    union = Organization.objects.filter(pk=pk, kind__in=[OrganizationKind.CITY, OrganizationKind.UNIT]).first()
    if union is None:
        raise Http404
    require_manage(actor, union)
    return union
