"""The welfare sheet of the yearly report: what each unit spent per category against the caps.

Like the spending report (selectors.spending_report): the yearly budget rows of confirmed batches
summed per unit, against the cap per member × the unit's current members. Five queries whatever
the number of members.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from members.choices import CURRENT_STATUSES
from members.models import Member, OrganizationKind
from members.workbook import Col, SheetWriter, report_units

from .defaults import portal_province
from .models import Category, CategoryCap, MemberBudget, WelfarePolicy


def welfare_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    units = list(
        report_units(actor=actor, organization=organization)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__name", "sort_order", "name")
    )
    ids = [u.pk for u in units]
    current = dict(
        Member.objects.filter(status__in=CURRENT_STATUSES, unit_id__in=ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    policy = WelfarePolicy.objects.filter(year=year, province=portal_province()).first()
    caps = {c.category: c.cap for c in CategoryCap.objects.filter(policy=policy, cap__isnull=False)} if policy else {}
    spent = {
        (u, c): t
        for u, c, t in MemberBudget.objects.filter(year=year, festival="", member__unit_id__in=ids)
        .values_list("member__unit_id", "category")
        .annotate(total=Sum("spent"))
        .order_by()
    }
    categories = [c for c in Category if c.value in caps]
    cols = [Col(_("Liaison zone"), 14), Col(_("Unit"), 24), Col(_("Current members"), 10, "count", True)]
    for c in categories:
        cols += [
            Col(_("%(category)s spent") % {"category": c.label}, 13, "money", True),
            Col(_("%(category)s cap × members") % {"category": c.label}, 15, "money", True),
        ]
    cols += [Col(_("Total spent (yuan)"), 14, "money", True), Col(_("Over the cap"), 18)]
    writer.columns(cols)
    zero = Decimal("0.00")
    for unit in units:
        n = current.get(unit.pk, 0)
        line: list = [unit.parent.name if unit.parent.kind == OrganizationKind.ZONE else "", unit.name, n]
        over, total = [], zero
        for c in categories:
            got = spent.get((unit.pk, c.value)) or zero
            allowed = caps[c.value] * n
            line += [got, allowed]
            total += got
            if got > allowed:
                over.append(str(c.label))
        writer.row([*line, total, "、".join(over)])
    writer.totals(_("Total (%(n)s units)") % {"n": len(units)})
    if policy is None:
        writer.note(
            _("No welfare policy is recorded for %(year)s: there are no caps to compare with.") % {"year": year}
        )
    else:
        writer.note(
            _("Caps of the %(year)s %(province)s policy; spending of confirmed batches.")
            % {"year": year, "province": policy.province}
        )
