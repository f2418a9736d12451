"""The one xlsx writer: Chinese headers under any interface language, formats, totals, formula safety."""

import io
from datetime import date
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from members import sheets


def _written(wb):
    out = io.BytesIO()
    wb.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).active


def test_a_sheet_is_chinese_formatted_and_safe_whatever_the_interface_language():
    wb = sheets.new_workbook()
    cols = [sheets.Col(_("Name"), 12), sheets.Col(_("Date"), 12, "date"), sheets.Col(_("Amount (yuan)"), 12, "money")]
    with translation.override("en"):
        sheet = sheets.Sheet(wb, _("Members"), cols, heading=_("Members"))
        sheet.row(["=1+1", date(2026, 1, 2), Decimal("12.50")])
        sheet.row(["张三", date(2026, 1, 3), Decimal("7.50")])
        sheet.totals([_("Total"), None, Decimal("20.00")])
    ws = _written(wb)
    assert ws.title == "会员" and ws["A1"].value == "会员"
    assert [c.value for c in ws[2]] == ["姓名", "日期", "金额（元）"]
    assert ws["A3"].value == "=1+1" and ws["A3"].data_type == "s" and ws["A3"].quotePrefix
    assert ws["A4"].value == "张三" and not ws["A4"].quotePrefix  # the control: plain text stays plain
    assert ws["B3"].number_format == "yyyy-mm-dd" and ws["C3"].number_format == "#,##0.00"
    assert ws["A5"].value == "合计" and ws["A5"].font.b and ws["C5"].value == 20
    assert ws.freeze_panes == "A3" and ws.print_title_rows == "$1:$2"  # the heading and header on every page
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"  # page numbers
    assert sheet.rows_written == 2  # data rows only
