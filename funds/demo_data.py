"""Demo data (seed_demo): this year's approved budgets of the city union and of every unit, a year of dues of
the financial bureau (wage bases, then one payroll deduction list per month, imported as an officer would),
the organ's allocation and a few vouchers. The postings of the demo welfare batches and grants come through
members.ledger when those apps seed them (they run first). Running it again changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils import timezone
from openpyxl import Workbook

from members.models import Member, MemberStatus, Organization, OrganizationKind
from members.scoping import unscoped

from . import dues, services
from .defaults import ensure_defaults
from .models import Budget, Category, DuesImport, Posting, WageBase

#: Yuan per member and year, by category code (a unit's budget scales with its members).
PER_MEMBER = {
    "11": "300",
    "12": "1200",
    "14": "200",
    "2101": "150",
    "2102": "400",
    "2103": "50",
    "2104": "1500",
    "2109": "100",
    "2204": "150",
    "2205": "100",
    "2301": "80",
    "2302": "40",
}
CITY = {"13": "200000", "19": "20000", "2204": "300000", "2205": "200000", "2109": "150000", "2102": "150000"}
DEMO_UNIT = "市财政局"


def seed(*, stdout, rng) -> None:
    ensure_defaults()
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return
    today = timezone.localdate()
    year = today.year
    with unscoped("demo data: the city administrator's seeding of every union"):
        sizes = dict(
            Member.objects.filter(status=MemberStatus.ACTIVE)
            .values("unit_id")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "n")
        )
        unions = list(Organization.objects.filter(kind__in=[OrganizationKind.CITY, OrganizationKind.UNIT]))
        codes = {c.code: c for c in Category.objects.filter(is_leaf=True)}
        created = 0
        for union in unions:
            if Budget.objects.filter(union=union, year=year).exists():
                continue
            if union.kind == OrganizationKind.CITY:
                amounts = {code: Decimal(v) for code, v in CITY.items()}
            else:
                n = max(sizes.get(union.pk, 0), 1)
                amounts = {code: Decimal(v) * n for code, v in PER_MEMBER.items()}
                amounts["2103"] = max(amounts["2103"], Decimal("3000"))  # the demo voucher below fits a small unit
            # What the other apps' demo data already spent is covered, with room to spare.
            spent = dict(
                Posting.objects.filter(union=union, date__year=year)
                .values("category__code")
                .annotate(s=Sum("amount"))
                .values_list("category__code", "s")
            )
            for code, s in spent.items():
                amounts[code] = max(amounts.get(code, Decimal("0")), (s * Decimal("1.5")).quantize(Decimal("1")))
            budget = services.budget_create(actor=admin, union=union, year=year)
            services.budget_set_lines(actor=admin, budget=budget, amounts={codes[c].pk: v for c, v in amounts.items()})
            services.budget_approve(
                actor=admin, budget=budget, approved_on=date(year, 1, 15), note=f"工会委员会{year}年第1次会议"
            )
            created += 1
        unit = Organization.objects.filter(name=DEMO_UNIT).first()
        months = 0
        if unit is not None:
            months = _dues_year(admin, unit, year, today, rng)
            if not Posting.objects.filter(union=unit, source_model="allocation").exists():
                services.allocation_record(
                    actor=admin,
                    union=unit,
                    on=date(year, 1, 20),
                    payroll_total=Decimal(sizes.get(unit.pk, 1) * 9000 * 12),
                )
                services.posting_create(
                    actor=admin,
                    union=unit,
                    on=date(year, 3, 8),
                    category=codes["2103"],
                    amount=Decimal("1280.00"),
                    payee="南通印务有限公司",
                    voucher_number=f"记-{year}-0001",
                    summary="三八节宣传展板制作",
                )
    stdout.write(f"Funds: {created} budgets of {year} approved, {months} months of dues imported for {DEMO_UNIT}.")


def _dues_year(admin, unit, year: int, today: date, rng) -> int:
    members = list(Member.objects.filter(unit=unit, status=MemberStatus.ACTIVE).order_by("pk"))
    if not WageBase.objects.filter(member__unit=unit, year=year).exists():
        wb = Workbook()
        ws = wb.active
        ws.append(["会员证号", "姓名", "工资基数"])
        for m in members:
            ws.append([m.card_number, m.name, rng.randrange(4000, 12000)])
        dues.wage_bases_import(actor=admin, union=unit, year=year, data=_bytes(wb))
    bases = dict(WageBase.objects.filter(member__unit=unit, year=year).values_list("member_id", "monthly_dues"))
    done = set(DuesImport.objects.filter(union=unit, month__year=year).values_list("month", flat=True))
    imported = 0
    for month in range(1, today.month):
        first = date(year, month, 1)
        if first in done:
            continue
        wb = Workbook()
        ws = wb.active
        ws.append(["会员证号", "姓名", "会费"])
        for m in members:
            if rng.random() < 0.97:  # a few people missed a month: the arrears page shows them
                ws.append([m.card_number, m.name, float(bases.get(m.pk, Decimal("0")))])
        dues.dues_import(
            actor=admin, union=unit, month=first, data=_bytes(wb), file_name=f"{year}年{month}月会费代扣.xlsx"
        )
        imported += 1
    return imported


def _bytes(wb) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
