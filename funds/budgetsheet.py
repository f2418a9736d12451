"""A budget's lines from an xlsx (预算导入): the template lists every sub-item by code and name with its amount;
the upload fills a draft budget's lines, or, for an approved budget, proposes an adjustment with the file's
amounts and a reason (an approved budget changes only by an approved adjustment).

All or nothing: every problem is reported with its row as Excel numbers it and its column by its header
(第 5 行 E 列（金额（元））…), and nothing is saved while one remains. Amounts are read as people type them
(１２，０００．５０ / ¥12,000.50 / 12000.5元). A blank amount is 0 in a draft; in an adjustment it leaves the
line as it is (an adjustment names what it changes). Categories missing from the file keep their amounts.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.sheets import Col, chinese, new_workbook, write_sheet

from . import services
from .dues import Problems, _where, is_blank, open_sheet, parse_amount
from .models import ZERO, Adjustment, Budget, Category, Direction

#: Headers each column is recognised by (compared after NFKC, without spaces: 金额（元） is 金额(元)).
CODE = ("编码", "科目编码", "代码", "编号")
NAME = ("子项", "科目", "科目名称", "名称", "项目")
AMOUNT = ("金额(元)", "金额", "预算金额", "预算金额(元)", "预算数", "预算数(元)", "调整后金额", "调整后金额(元)")
#: Informational columns of the template (recognised as headers, not read).
OTHER = ("收支", "类别")
#: What a budget line can hold (max_digits 14, two decimals).
LIMIT = Decimal("1000000000000")


def _norm(value) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split()) if value is not None else ""


def _code(value) -> str:
    """A code cell: "2104", 2104 or 2104.0 (a number typed in Excel) all read "2104"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(value)
    return _norm(value)


@dataclass
class BudgetFile:
    """What an uploaded budget says: amounts by category id, and how many blank amounts it had."""

    amounts: dict[int, Decimal] = field(default_factory=dict)
    blank: list[int] = field(default_factory=list)  # category ids whose amount cell was blank
    rows: int = 0


@dataclass
class ImportResult:
    filled: int
    blank: int
    missing: int
    adjustment: Adjustment | None = None


def template(budget: Budget) -> bytes:
    """The template of a budget: one row per sub-item (收支, 编码, 类别, 子项, 金额（元）) with its current amount."""
    from io import BytesIO

    amounts = dict(budget.lines.values_list("category_id", "amount"))
    rows = [
        (
            chinese(gettext_lazy("Income") if c.direction == Direction.INCOME else gettext_lazy("Expenditure")),
            c.code,
            c.parent.name if c.parent_id else c.name,
            c.name,
            amounts.get(c.pk, ZERO),
        )
        for c in Category.objects.filter(is_leaf=True).select_related("parent").order_by("sort_order", "code")
    ]
    wb = new_workbook()
    write_sheet(
        wb,
        gettext_lazy("Budget"),
        [Col("收支", 8), Col("编码", 10), Col("类别", 18), Col("子项", 22), Col("金额（元）", 16, "money")],
        rows,
        heading=chinese(gettext_lazy("%(union)s budget of %(year)s (fill in the amounts; keep the codes)"))
        % {"union": budget.union.name, "year": budget.year},
    )
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def read_budget(data: bytes) -> BudgetFile:
    """The amounts of a budget file by category; a ValidationError lists every problem at its row and column."""
    roster, headers = open_sheet(data, {_norm(h) for h in CODE + NAME + AMOUNT + OTHER}, _norm)
    problems = Problems()

    def column(names: tuple[str, ...], *, required: bool) -> int:
        wanted = {_norm(n) for n in names}
        for i, h in enumerate(headers):
            if h in wanted:
                return i
        if required:
            problems.add(
                _("Row %(row)s: no column “%(label)s” (one of: %(names)s).")
                % {"row": roster.header_row, "label": names[0], "names": "、".join(names)}
            )
        return -1

    c_code, c_name, c_amount = column(CODE, required=False), column(NAME, required=False), column(AMOUNT, required=True)
    if c_code < 0 and c_name < 0:
        problems.add(
            _("Row %(row)s: no column “%(label)s” (one of: %(names)s).")
            % {"row": roster.header_row, "label": CODE[0], "names": "、".join(CODE + NAME)}
        )
    problems.raise_if_any()

    cats = list(Category.objects.select_related("parent"))
    by_code = {c.code: c for c in cats}
    leaves_by_name = {_norm(c.name): c for c in cats if c.is_leaf}
    out, seen = BudgetFile(), {}
    for number, values in roster.rows:
        code = _code(values[c_code]) if c_code >= 0 else ""
        name = _norm(values[c_name]) if c_name >= 0 else ""
        raw = values[c_amount]
        if not code and not name:
            if not is_blank(raw):
                col = c_code if c_code >= 0 else c_name
                problems.add(
                    _where(number, col, roster.headers[col]) + _(": the amount has no code or sub-item beside it.")
                )
            continue  # a heading or a note beside the table
        if code:
            cat = by_code.get(code)
            if cat is None:
                problems.add(
                    _where(number, c_code, roster.headers[c_code])
                    + _(": there is no category with code %(code)s.") % {"code": code}
                )
                continue
            if name and name not in (_norm(cat.name), _norm(cat.label)):
                problems.add(
                    _where(number, c_name, roster.headers[c_name])
                    + _(": code %(code)s is “%(name)s”, not “%(given)s”.")
                    % {"code": code, "name": cat.name, "given": values[c_name]}
                )
                continue
        else:
            cat = leaves_by_name.get(name)
            if cat is None:
                problems.add(
                    _where(number, c_name, roster.headers[c_name])
                    + _(": there is no sub-item “%(name)s”; enter its code.") % {"name": values[c_name]}
                )
                continue
        if not cat.is_leaf:
            if not is_blank(raw):
                col = c_code if code else c_name
                problems.add(
                    _where(number, col, roster.headers[col])
                    + _(": %(name)s is a heading; enter the amounts on its sub-items.") % {"name": cat.name}
                )
            continue
        if cat.pk in seen:
            col = c_code if code else c_name
            problems.add(
                _where(number, col, roster.headers[col])
                + _(": %(name)s is already on row %(first)s.") % {"name": cat.name, "first": seen[cat.pk]}
            )
            continue
        seen[cat.pk] = number
        out.rows += 1
        if is_blank(raw):
            out.blank.append(cat.pk)
            continue
        try:
            out.amounts[cat.pk] = parse_amount(raw, limit=LIMIT)
        except ValueError as exc:
            problems.add(_where(number, c_amount, roster.headers[c_amount]) + "：" + str(exc) + "。")
    problems.raise_if_any()
    if not out.rows:
        raise ValidationError(_("The file has no budget lines: start from the template."))
    return out


@transaction.atomic
def budget_import(*, actor, budget: Budget, data: bytes, reason: str = "") -> ImportResult:
    """Fill a draft budget's lines from the file, or propose an adjustment of an approved one (with ``reason``)."""
    budget = services._lock_budget(actor, budget)  # 404 outside the scope, 403 without the right, first
    if budget.is_approved and not reason.strip():
        raise ValidationError(
            {"reason": _("The budget is approved: the file proposes an adjustment; give its reason.")}
        )
    sheet = read_budget(data)
    leaves = {c.pk for c in services.leaf_categories()}
    missing = len(leaves - set(sheet.amounts) - set(sheet.blank))
    if budget.is_approved:
        adjustment = services.adjustment_create(actor=actor, budget=budget, reason=reason, amounts=sheet.amounts)
        return ImportResult(len(sheet.amounts), len(sheet.blank), missing, adjustment)
    amounts = {**dict.fromkeys(sheet.blank, ZERO), **sheet.amounts}
    services.budget_set_lines(actor=actor, budget=budget, amounts=amounts)
    return ImportResult(len(sheet.amounts), len(sheet.blank), missing)
