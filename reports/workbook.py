"""The yearly workbook: one sheet per registered builder (members.registry.report_sheets), in Chinese."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from members.registry import report_sheets
from members.workbook import SheetWriter


def scope_label(organization) -> str:
    return organization.name if organization is not None and organization.kind != "city" else _("The whole city")


def build_workbook(*, actor, year: int, organization, out, on_sheet: Callable[[int, int], None] | None = None) -> int:
    """Write the workbook to ``out`` (a path or a binary file); ``on_sheet(done, total)`` after each sheet.

    Returns the number of data rows written in all sheets (headings, headers and totals not counted)."""
    sheets = report_sheets()
    rows = 0
    with translation.override("zh-hans"):
        wb = Workbook()
        wb.remove(wb.active)
        scope = scope_label(organization)
        for done, sheet in enumerate(sheets, start=1):
            title = str(sheet.title)[:31]
            ws = wb.create_sheet(title)
            heading = _("%(year)s %(title)s · %(scope)s") % {"year": year, "title": title, "scope": scope}
            writer = SheetWriter(ws, heading=heading)
            sheet.builder(writer, actor=actor, year=year, organization=organization)
            rows += writer.data_rows
            if on_sheet:
                on_sheet(done, len(sheets))
        wb.properties.title = _("Union yearly report %(year)s") % {"year": year}
        wb.properties.creator = _("Nantong City Organ Union")
        wb.save(out)
    return rows


def download_name(*, year: int, organization) -> str:
    with translation.override("zh-hans"):
        return _("Union yearly report %(year)s") % {"year": year} + f"-{scope_label(organization)}.xlsx"
