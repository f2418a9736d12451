"""The funds sheet of the yearly report workbook: each union's income, spending and budget for the year.

Three queries whatever the number of postings: the unions, their budget lines summed by direction, their
postings summed by direction."""

from __future__ import annotations

from django.db.models import Sum
from django.utils.translation import gettext as _

from members.models import Organization, OrganizationKind
from members.sheets import Col, SheetWriter
from members.workbook import report_units

from .models import ZERO, BudgetLine, BudgetStatus, MonthTotal


def funds_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    unions = list(report_units(actor=actor, organization=organization).order_by("sort_order", "name"))
    if organization is None or organization.kind == OrganizationKind.CITY:
        # The city union's own funds, for those who read it as an organisation (the city's administrators).
        city = Organization.objects.for_actor(actor).filter(kind=OrganizationKind.CITY).first()
        if city is not None:
            unions.insert(0, city)
    ids = [u.pk for u in unions]
    budgets = {
        (r["budget__union_id"], r["category__direction"]): r["s"]
        for r in BudgetLine.objects.for_actor(actor)
        .filter(budget__union_id__in=ids, budget__year=year, budget__status=BudgetStatus.APPROVED)
        .values("budget__union_id", "category__direction")
        .annotate(s=Sum("amount"))
        .order_by()
    }
    actual = {
        (r["union_id"], r["category__direction"]): r["s"]
        for r in MonthTotal.objects.for_actor(actor)
        .filter(union_id__in=ids, year=year)
        .values("union_id", "category__direction")
        .annotate(s=Sum("total"))
        .order_by()
    }
    writer.columns(
        [
            Col(_("Union"), 26),
            Col(_("Income budget (yuan)"), 15, "money", True),
            Col(_("Income (yuan)"), 15, "money", True),
            Col(_("Expenditure budget (yuan)"), 15, "money", True),
            Col(_("Expenditure (yuan)"), 15, "money", True),
            Col(_("Balance of the year (yuan)"), 15, "money", True),
        ]
    )
    for u in unions:
        inc, exp = actual.get((u.pk, "income"), ZERO), actual.get((u.pk, "expenditure"), ZERO)
        writer.row(
            [u.name, budgets.get((u.pk, "income"), ZERO), inc, budgets.get((u.pk, "expenditure"), ZERO), exp, inc - exp]
        )
    writer.totals(_("Total"))
    writer.note(_("Budgets approved by each union's committee (with approved adjustments); postings of the ledger."))
