"""The funds objects of the URL matrix, all of unit A: an approved budget with a proposed adjustment, a manual
voucher with its attachment, an activity cost of unit A's activity."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities.costs import cost_add
from activities.models import Activity
from funds import services
from funds.defaults import ensure_defaults
from funds.models import Category
from tests.factories import pdf


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    ensure_defaults()
    a = tree["a"]
    today = timezone.localdate()
    sports = Category.objects.get(code="2102")
    budget = services.budget_create(actor=officer_a, union=a, year=today.year)
    services.budget_set_lines(actor=officer_a, budget=budget, amounts={sports.pk: Decimal("5000")})
    services.budget_approve(actor=officer_a, budget=budget, approved_on=today, note="第1次会议")
    adjustment = services.adjustment_create(
        actor=officer_a, budget=budget, reason="增加场地费", amounts={sports.pk: Decimal("6000")}
    )
    posting = services.posting_create(
        actor=officer_a,
        union=a,
        on=today,
        category=sports,
        amount=Decimal("100"),
        payee="体育馆",
        voucher_number="记-001",
        attachment=SimpleUploadedFile("invoice.pdf", pdf(), content_type="application/pdf"),
    )
    activity = Activity.objects.filter(organizer=a).order_by("pk").first()
    cost = cost_add(
        actor=officer_a, activity_id=activity.pk, kind="venue", amount=Decimal("50"), paid_on=today, payee="体育馆"
    )
    ids.update(
        budget=budget.pk,
        adjustment=adjustment.pk,
        posting=posting.pk,
        funds_activity=activity.pk,
        activity_cost=cost.pk,
        unit_a=a.pk,
    )
    ids["stored_files"] = [*ids.get("stored_files", []), posting.attachment.name]
