"""Budgets: approval, adjustments with their versions, and the overspend refusal with its figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from funds import services
from funds.models import Budget, BudgetStatus, Posting

from .conftest import approved_budget, cat

pytestmark = pytest.mark.django_db


def _manual(actor, union, code, amount, voucher="记-001", on=None):
    return services.posting_create(
        actor=actor,
        union=union,
        on=on or timezone.localdate(),
        category=cat(code),
        amount=Decimal(amount),
        payee="南通文具店",
        voucher_number=voucher,
    )


def test_a_draft_budget_has_a_line_per_leaf_category_and_is_in_force_once_approved(tree, officer_a):
    budget = services.budget_create(actor=officer_a, union=tree["a"], year=timezone.localdate().year)
    assert budget.lines.count() == 22
    assert budget.status == BudgetStatus.DRAFT
    approved = services.budget_approve(
        actor=officer_a, budget=budget, approved_on=timezone.localdate(), note="第1次会议"
    )
    assert approved.status == BudgetStatus.APPROVED and approved.approved_by == officer_a
    with pytest.raises(ValidationError):
        services.budget_set_lines(actor=officer_a, budget=approved, amounts={cat("2102").pk: Decimal("1")})


def test_overspend_is_refused_with_the_figures(tree, officer_a):
    approved_budget(officer_a, tree["a"], amounts={"2102": "1000"})
    _manual(officer_a, tree["a"], "2102", "700", "记-001")
    with pytest.raises(services.BudgetExceeded) as exc:
        _manual(officer_a, tree["a"], "2102", "400", "记-002")
    assert exc.value.figures == {"budget": Decimal("1000.00"), "spent": Decimal("700.00"), "amount": Decimal("400.00")}
    text = " ".join(exc.value.messages)
    assert "1000" in text and "700" in text and "400" in text
    assert Posting.objects.count() == 1


def test_an_approved_adjustment_covers_the_spending_and_keeps_its_version(tree, officer_a):
    budget = approved_budget(officer_a, tree["a"], amounts={"2102": "1000"})
    _manual(officer_a, tree["a"], "2102", "900", "记-001")
    adj = services.adjustment_create(
        actor=officer_a, budget=budget, reason="羽毛球赛增加场地费", amounts={cat("2102").pk: Decimal("1500")}
    )
    with pytest.raises(services.BudgetExceeded):  # proposed, not yet approved
        _manual(officer_a, tree["a"], "2102", "500", "记-002")
    services.adjustment_approve(actor=officer_a, adjustment=adj, approved_on=timezone.localdate(), note="第4次会议")
    _manual(officer_a, tree["a"], "2102", "500", "记-002")
    budget.refresh_from_db()
    adj.refresh_from_db()
    assert budget.version == 2 and adj.version == 2
    assert budget.lines.get(category=cat("2102")).history.count() == 2  # the line's versions


def test_an_adjustment_cannot_go_below_what_is_spent(tree, officer_a):
    budget = approved_budget(officer_a, tree["a"], amounts={"2102": "1000"})
    _manual(officer_a, tree["a"], "2102", "900")
    adj = services.adjustment_create(
        actor=officer_a, budget=budget, reason="压缩", amounts={cat("2102").pk: Decimal("800")}
    )
    with pytest.raises(ValidationError):
        services.adjustment_approve(actor=officer_a, adjustment=adj, approved_on=timezone.localdate(), note="x")


def test_income_is_never_refused_and_without_a_budget_in_force_spending_is_recorded(tree, officer_a):
    _manual(officer_a, tree["a"], "2102", "300", "记-001")  # no approved budget this year
    approved_budget(officer_a, tree["a"], amounts={})
    _manual(officer_a, tree["a"], "19", "5000", "记-002")  # other income, no budget line amount
    with pytest.raises(services.BudgetExceeded):
        _manual(officer_a, tree["a"], "2101", "1", "记-003")


def test_another_units_officer_cannot_touch_the_budget_or_post(tree, officer_a, officer_b, zone_lead):
    budget = approved_budget(officer_a, tree["a"], amounts={"2102": "1000"})
    with pytest.raises(Http404):
        services.adjustment_create(actor=officer_b, budget=budget, reason="x", amounts={cat("2102").pk: Decimal("9")})
    with pytest.raises(Http404):
        _manual(officer_b, tree["a"], "2102", "1")
    with pytest.raises(PermissionDenied):  # the zone lead reads unit A, manages nothing
        _manual(zone_lead, tree["a"], "2102", "1")
    with pytest.raises(Http404):  # a unit officer has nothing to do with the city union's funds
        services.budget_create(actor=officer_a, union=tree["city"], year=2030)


def test_a_manual_posting_is_reversed_once(tree, officer_a):
    posting = _manual(officer_a, tree["a"], "2102", "300")
    reversal = services.posting_reverse(actor=officer_a, posting=posting, reason="重复录入")
    assert reversal.amount == Decimal("-300.00") and reversal.reverses == posting
    with pytest.raises(ValidationError):
        services.posting_reverse(actor=officer_a, posting=posting, reason="again")
    with pytest.raises(ValidationError):
        services.posting_reverse(actor=officer_a, posting=reversal, reason="again")


def test_a_voucher_number_is_used_once_per_union(tree, officer_a, officer_b):
    _manual(officer_a, tree["a"], "19", "10", "记-007")
    with pytest.raises(ValidationError):
        _manual(officer_a, tree["a"], "19", "10", "记-007")
    _manual(officer_b, tree["b"], "19", "10", "记-007")


def test_the_budget_is_one_per_union_and_year(tree, officer_a):
    approved_budget(officer_a, tree["a"])
    with pytest.raises(ValidationError):
        services.budget_create(actor=officer_a, union=tree["a"], year=timezone.localdate().year)
    assert Budget.objects.count() == 1
