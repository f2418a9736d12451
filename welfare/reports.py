"""The welfare sheet of the yearly report: what each unit spent per category against the caps.

The spending report's figures (selectors.spending_for_units) for the units of the report's scope: the yearly
budget rows of confirmed batches summed per unit, against the cap per member × the unit's current members.
Five queries whatever the number of members.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from members.models import OrganizationKind
from members.sheets import Col, SheetWriter
from members.workbook import report_units

from .selectors import spending_for_units


def welfare_sheet(writer: SheetWriter, *, actor, year: int, organization) -> None:
    units = list(
        report_units(actor=actor, organization=organization)
        .select_related("parent")
        .order_by("parent__sort_order", "parent__name", "sort_order", "name")
    )
    report = spending_for_units(actor=actor, units=units, year=year)
    cols = [Col(_("Liaison zone"), 14), Col(_("Unit"), 24), Col(_("Current members"), 10, "count", True)]
    for c in report["categories"]:
        cols += [
            Col(_("%(category)s spent") % {"category": c.label}, 13, "money", True),
            Col(_("%(category)s cap × members") % {"category": c.label}, 15, "money", True),
        ]
    cols += [Col(_("Total spent (yuan)"), 14, "money", True), Col(_("Over the cap"), 18)]
    writer.columns(cols)
    for row in report["rows"]:
        unit = row["unit"]
        line: list = [unit.parent.name if unit.parent.kind == OrganizationKind.ZONE else "", unit.name, row["members"]]
        for cell in row["cells"]:
            line += [cell["spent"], cell["allowed"]]
        over = "、".join(str(cell["category"].label) for cell in row["cells"] if cell["over"])
        writer.row([*line, sum((cell["spent"] for cell in row["cells"]), Decimal("0.00")), over])
    writer.totals(_("Total (%(n)s units)") % {"n": len(units)})
    policy = report["policy"]
    if policy is None:
        writer.note(
            _("No welfare policy is recorded for %(year)s: there are no caps to compare with.") % {"year": year}
        )
    else:
        writer.note(
            _("Caps of the %(year)s %(province)s policy; spending of confirmed batches.")
            % {"year": year, "province": policy.province}
        )
