"""Dues (会费): wage bases (encrypted), the monthly payroll deduction list, and the arrears.

A list is imported all or nothing: every problem is reported with its row and column as Excel numbers them
(第 5 行 C 列（会费）…), and nothing is saved while one remains.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from members.excel import HostileFile, check_xlsx, read_roster
from members.ledger import SourceRef
from members.models import Member, MemberStatus, Organization, OrganizationKind
from members.scoping import require_manage, unscoped

from .models import ZERO, DuesImport, DuesPayment, WageBase
from .services import _record, category_for, money, rule_for, validated

#: Headers each column is recognised by (the payroll's own spellings).
CARD = ("会员证号", "会员证编号", "会员号")
NAME = ("姓名", "职工姓名", "会员姓名")
DUES = ("会费", "扣缴会费", "代扣会费", "会费金额", "金额")
BASE = ("工资基数", "缴费基数", "会费基数", "基本工资")
MAX_ERRORS = 50
EXEMPT_STATUSES = (MemberStatus.RETAINED,)


def _norm(value) -> str:
    return str(value).strip().replace(" ", "").replace("\u3000", "") if value is not None else ""


def open_sheet(data: bytes, known: set[str], norm) -> tuple:
    """An uploaded xlsx list checked (size, zip bomb, XML) and read below its header row, the first row holding a
    header in ``known`` (compared after ``norm``); returns the roster and its normalised headers. A hostile or
    broken file is a ValidationError with the check's Chinese message."""
    try:
        check_xlsx(data)
        roster = read_roster(data, is_header=lambda v: norm(v) in known)
    except HostileFile as exc:
        raise ValidationError(str(exc)) from None
    return roster, [norm(h) for h in roster.headers]


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if len(self.items) < MAX_ERRORS:
            self.items.append(text)

    def raise_if_any(self) -> None:
        if self.items:
            more = [_("… and more: correct these first.")] if len(self.items) >= MAX_ERRORS else []
            raise ValidationError(self.items + more)


def _where(row: int, col: int, header: str) -> str:
    return _("Row %(row)s, column %(col)s (%(header)s)") % {
        "row": row,
        "col": get_column_letter(col + 1),
        "header": header,
    }


def amount_text(value) -> str:
    """The text of an amount as people type it, made plain: full-width digits and signs (１２．５０), thousands
    separators (1,234 / 1，234), a currency sign (¥ ￥ RMB) or unit (元), and spaces removed."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = "".join(text.split()).replace(",", "")
    for sign in ("¥", "RMB", "CNY"):
        text = text.removeprefix(sign)
    return text.removesuffix("元")


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not unicodedata.normalize("NFKC", value).strip())


def parse_amount(value, *, limit: Decimal = Decimal("10000000")) -> Decimal:
    """An amount typed in a sheet: a number, or a text like "12.50" / "12.50元" / "1,234.50" / "¥１２"."""
    if is_blank(value):
        raise ValueError(_("is empty"))
    if isinstance(value, bool):
        raise ValueError(_("is not an amount"))
    if isinstance(value, float):
        value = repr(value)
    text = amount_text(value)
    try:
        if "_" in text:  # Decimal would read 1_000 as 1000: no sheet means that
            raise InvalidOperation
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not an amount") % {"value": str(value)[:20]}) from None
    if not amount.is_finite():
        raise ValueError(_("“%(value)s” is not an amount") % {"value": str(value)[:20]})
    if amount < 0:
        raise ValueError(_("is negative"))
    if amount >= limit:  # before quantize, which cannot hold 1E+26 to the fen
        raise ValueError(_("is implausibly large"))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("has more than two decimals"))
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Line:
    row: int
    card: str
    name: str
    amount: Decimal
    member_id: int = 0


def read_list(
    data: bytes, value_headers: tuple[str, ...], value_label: str, problems: Problems
) -> tuple[list[Line], tuple]:
    """The lines of an xlsx list: card number, name and an amount column (``value_headers``)."""
    roster, headers = open_sheet(data, set(CARD + NAME + value_headers), _norm)

    def column(names: tuple[str, ...], label: str) -> int:
        for i, h in enumerate(headers):
            if h in names:
                return i
        problems.add(
            _("Row %(row)s: no column “%(label)s” (one of: %(names)s).")
            % {"row": roster.header_row, "label": label, "names": "、".join(names)}
        )
        return -1

    c_card, c_name, c_value = column(CARD, "会员证号"), column(NAME, "姓名"), column(value_headers, value_label)
    problems.raise_if_any()
    lines, seen = [], {}
    for number, values in roster.rows:
        card, name = _norm(values[c_card]), _norm(values[c_name])
        if isinstance(values[c_card], float) and values[c_card].is_integer():
            card = str(int(values[c_card]))
        ok = True
        if not card:
            problems.add(_where(number, c_card, headers[c_card]) + _(": the card number is empty."))
            ok = False
        elif card in seen:
            problems.add(
                _where(number, c_card, headers[c_card])
                + _(": card number %(card)s is already on row %(first)s.") % {"card": card, "first": seen[card]}
            )
            ok = False
        else:
            seen[card] = number
        if not name:
            problems.add(_where(number, c_name, headers[c_name]) + _(": the name is empty."))
            ok = False
        try:
            amount = parse_amount(values[c_value])
        except ValueError as exc:
            problems.add(_where(number, c_value, headers[c_value]) + "：" + str(exc) + "。")
            ok = False
        if ok:
            lines.append(Line(number, card, name, amount))
    return lines, (c_card, c_name, c_value, headers)


def _match_members(
    union: Organization, lines: list[Line], cols, problems: Problems, *, check_exempt: bool = True
) -> list[Line]:
    c_card, c_name, _c_value, headers = cols
    with unscoped("the import matches card numbers of the union's own members (the actor manages the union)"):
        found = {
            card: (pk, name, status)
            for card, pk, name, status in Member.objects.filter(
                unit=union, card_number__in=[line.card for line in lines]
            ).values_list("card_number", "pk", "name", "status")
        }
    out = []
    for line in lines:
        hit = found.get(line.card)
        if hit is None:
            problems.add(
                _where(line.row, c_card, headers[c_card])
                + _(": no member of %(union)s has card number %(card)s.") % {"union": union, "card": line.card}
            )
            continue
        pk, name, status = hit
        if name != line.name:
            problems.add(
                _where(line.row, c_name, headers[c_name])
                + _(": card number %(card)s belongs to %(name)s, not %(given)s.")
                % {"card": line.card, "name": name, "given": line.name}
            )
            continue
        out.append(Line(line.row, line.card, line.name, line.amount, pk))
        if check_exempt and status in EXEMPT_STATUSES and line.amount > 0:
            problems.add(
                _where(line.row, cols[2], headers[cols[2]])
                + _(": %(name)s keeps a retained membership and pays no dues.") % {"name": name}
            )
    return out


def _require_unit(actor, union: Organization) -> None:
    if union.kind != OrganizationKind.UNIT:
        raise ValidationError({"union": _("Dues are collected by the unit unions.")})
    require_manage(actor, union)


@transaction.atomic
def dues_import(*, actor, union: Organization, month: date, data: bytes, file_name: str = "") -> DuesImport:
    """Record one month's payroll deduction list of the union and post its total to 会费收入."""
    _require_unit(actor, union)
    month = month.replace(day=1)
    problems = Problems()
    lines, cols = read_list(data, DUES, "会费", problems)
    lines = _match_members(union, lines, cols, problems)
    problems.raise_if_any()
    if not lines:
        raise ValidationError(_("The list has no members."))
    with unscoped("the once-a-month check reads the listed members' payments of that month"):
        paid = dict(
            DuesPayment.objects.filter(month=month, member_id__in=[line.member_id for line in lines]).values_list(
                "member_id", "unit_id"
            )
        )
    for line in lines:
        if line.member_id in paid:
            problems.add(
                _("Row %(row)s: %(name)s's dues for %(month)s are already recorded.")
                % {"row": line.row, "name": line.name, "month": f"{month:%Y-%m}"}
            )
    problems.raise_if_any()
    total = sum((line.amount for line in lines), ZERO)
    batch = DuesImport(
        union=union, month=month, file_name=file_name[-200:], rows=len(lines), total=total, created_by=actor
    )
    validated(batch)
    batch.save()
    DuesPayment.objects.bulk_create(
        (
            DuesPayment(member_id=line.member_id, unit=union, month=month, amount=line.amount, dues_import=batch)
            for line in lines
        ),
        batch_size=5000,
    )
    if total > 0:
        _record(
            union_id=union.pk,
            on=month,
            category=category_for("funds.dues"),
            amount=total,
            created_by=actor,
            source=SourceRef("funds", "duesimport", str(batch.pk)),
            kind="funds.dues",
            payee=_("%(count)s members") % {"count": len(lines)},
            summary=_("Dues of %(month)s (payroll deduction list)") % {"month": f"{month:%Y-%m}"},
        )
    return batch


@transaction.atomic
def wage_base_set(*, actor, member: Member, year: int, base: Decimal) -> WageBase:
    """Enter a member's wage base for the year (stored encrypted; the monthly dues follow the year's rule)."""
    require_manage(actor, member)
    if base is None or base < 0:
        raise ValidationError({"base": _("The wage base is zero or more.")})
    row = WageBase.objects.for_actor(actor, manage=True).filter(member=member, year=year).first() or WageBase(
        member=member, year=year
    )
    row.set_base(base, rule_for(year))
    validated(row)
    row.save()
    return row


@transaction.atomic
def wage_bases_import(*, actor, union: Organization, year: int, data: bytes) -> int:
    """The year's wage bases of the union's members from the payroll's xlsx (会员证号, 姓名, 工资基数)."""
    _require_unit(actor, union)
    problems = Problems()
    lines, cols = read_list(data, BASE, "工资基数", problems)
    # Retained members (exempt from dues) may still have a base on the payroll's list: it is kept, harmlessly.
    lines = _match_members(union, lines, cols, problems, check_exempt=False)
    problems.raise_if_any()
    rule = rule_for(year)
    with unscoped("the import replaces the wage bases of the union's own members (the actor manages the union)"):
        existing = {
            w.member_id: w for w in WageBase.objects.filter(year=year, member_id__in=[x.member_id for x in lines])
        }
        new, changed = [], []
        for line in lines:
            row = existing.get(line.member_id) or WageBase(member_id=line.member_id, year=year)
            row.set_base(line.amount, rule)
            (changed if row.pk else new).append(row)
        WageBase.objects.bulk_create(new, batch_size=2000)
        WageBase.objects.bulk_update(changed, ["base_encrypted", "base_masked", "monthly_dues"], batch_size=2000)
    return len(lines)


def months_due(year: int, today: date) -> int:
    """How many months of the year are due by ``today``."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month


def money_or_zero(value) -> Decimal:
    return money(value or ZERO)
