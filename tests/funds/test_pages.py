"""The funds pages: budget entry and approval, the ledger, execution and statement (their totals are the
postings'), exports, scope (another unit 404, a zone lead reads, the audit committee reads only), query counts."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from funds import services
from funds.models import Budget, Posting
from members.models import Role
from members.services import role_assign
from tests.factories import UserFactory, pdf

from .conftest import approved_budget, cat

pytestmark = pytest.mark.django_db


def _post(actor, union, code, amount, voucher):
    return services.posting_create(
        actor=actor,
        union=union,
        on=timezone.localdate(),
        category=cat(code),
        amount=Decimal(amount),
        payee="某某",
        voucher_number=voucher,
    )


def _sheet(response):
    return load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]


def test_the_officer_enters_and_approves_a_budget_on_screen(client, tree, officer_a):
    client.force_login(officer_a)
    year = timezone.localdate().year
    r = client.post(reverse("funds:budget_new"), {"union": tree["a"].pk, "year": year})
    budget = Budget.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("funds:budget", args=[budget.pk])
    r = client.post(reverse("funds:budget_lines", args=[budget.pk]), {f"amount_{cat('2102').pk}": "12,000.50"})
    assert budget.lines.get(category=cat("2102")).amount == Decimal("12000.50")
    r = client.post(reverse("funds:budget_lines", args=[budget.pk]), {f"amount_{cat('2102').pk}": "abc"}, follow=True)
    assert "文体活动支出" in r.content.decode()  # the error names the category
    r = client.post(
        reverse("funds:budget_approve", args=[budget.pk]),
        {"approved_on": timezone.localdate().isoformat(), "note": "工会委员会第2次会议"},
        follow=True,
    )
    budget.refresh_from_db()
    assert budget.is_approved
    r = client.post(
        reverse("funds:adjustment_new", args=[budget.pk]),
        {"reason": "增加场地费", f"amount_{cat('2102').pk}": "15000"},
    )
    adj = budget.adjustments.get()
    client.post(
        reverse("funds:adjustment_approve", args=[adj.pk]),
        {"approved_on": timezone.localdate().isoformat(), "note": "第3次会议"},
    )
    assert budget.lines.get(category=cat("2102")).amount == Decimal("15000")
    page = client.get(reverse("funds:budget", args=[budget.pk])).content.decode()
    assert "增加场地费" in page and "12000.50 → 15000.00" in page


def test_a_manual_voucher_with_its_attachment(client, tree, officer_a, officer_b):
    client.force_login(officer_a)
    r = client.post(
        reverse("funds:posting_new"),
        {
            "union": tree["a"].pk,
            "date": timezone.localdate().isoformat(),
            "category": cat("2301").pk,
            "amount": "350.00",
            "payee": "南通培训中心",
            "voucher_number": "记-012",
            "summary": "工会干部培训",
            "attachment": SimpleUploadedFile("发票.pdf", pdf(), content_type="application/pdf"),
        },
    )
    posting = Posting.objects.get()
    assert r.status_code == 302 and posting.attachment.name.endswith(".pdf") and "发票" not in posting.attachment.name
    assert client.get(reverse("funds:posting_attachment", args=[posting.pk])).status_code == 200
    client.force_login(officer_b)
    assert client.get(reverse("funds:posting_attachment", args=[posting.pk])).status_code == 404
    assert client.get(reverse("funds:posting", args=[posting.pk])).status_code == 404


def test_a_fake_attachment_is_refused_with_a_message(client, tree, officer_a):
    client.force_login(officer_a)
    r = client.post(
        reverse("funds:posting_new"),
        {
            "union": tree["a"].pk,
            "date": timezone.localdate().isoformat(),
            "category": cat("2301").pk,
            "amount": "350",
            "payee": "x",
            "voucher_number": "记-1",
            "attachment": SimpleUploadedFile("a.pdf", b"MZ not a pdf", content_type="application/pdf"),
        },
    )
    assert r.status_code == 200 and not Posting.objects.exists()
    assert "PDF" in r.content.decode()


def test_the_statement_totals_equal_the_sum_of_the_postings(client, tree, officer_a):
    approved_budget(officer_a, tree["a"], amounts={"2102": "5000", "2104": "8000", "11": "6000"})
    for i, (code, amount) in enumerate([("2102", "1200.10"), ("2104", "3000"), ("11", "2500.55"), ("19", "100")]):
        _post(officer_a, tree["a"], code, amount, f"记-{i}")
    first = Posting.objects.filter(category=cat("2102")).get()
    services.posting_reverse(actor=officer_a, posting=first, reason="错账")
    client.force_login(officer_a)
    year = timezone.localdate().year
    r = client.get(reverse("funds:statement"), {"union": tree["a"].pk, "year": year})
    income = sum(p.amount for p in Posting.objects.filter(category__direction="income"))
    spending = sum(p.amount for p in Posting.objects.filter(category__direction="expenditure"))
    assert r.context["ex"].income_total.actual == income == Decimal("2600.55")
    assert r.context["ex"].expenditure_total.actual == spending == Decimal("3000")
    assert r.context["ex"].balance == income - spending
    ws = _sheet(client.get(reverse("funds:statement_export"), {"union": tree["a"].pk, "year": year}))
    values = {row[1]: row[3] for row in ws.iter_rows(min_row=3, values_only=True)}
    assert values["收入合计"] == float(income) or Decimal(str(values["收入合计"])) == income


def test_execution_page_and_export(client, tree, officer_a, django_assert_num_queries):
    approved_budget(officer_a, tree["a"], amounts={"2102": "5000"})
    for i in range(5):
        _post(officer_a, tree["a"], "2102", "100", f"记-{i}")
    client.force_login(officer_a)
    url = reverse("funds:execution")
    client.get(url)  # warm the session and the scope
    with django_assert_num_queries(8):
        r = client.get(url, {"union": tree["a"].pk})
    assert r.status_code == 200 and 'data-testid="chart-budget-vs-actual"' in r.content.decode()
    ws = _sheet(client.get(reverse("funds:execution_export"), {"union": tree["a"].pk}))
    assert ws.cell(row=1, column=1).value.startswith("市财政局")


def test_ledger_list_filters_and_a_pinned_query_count(client, tree, officer_a, django_assert_num_queries):
    for i in range(30):
        _post(officer_a, tree["a"], "19", "10", f"记-{i:03d}")
    client.force_login(officer_a)
    url = reverse("funds:ledger")
    client.get(url)
    with django_assert_num_queries(7):
        r = client.get(url, {"q": "记-01"})
    assert len(r.context["page"]) == 10
    ws = _sheet(client.get(reverse("funds:ledger_export")))
    assert ws.max_row == 2 + 30


def test_another_units_officer_sees_nothing_and_the_zone_lead_reads(client, tree, officer_a, officer_b, zone_lead):
    budget = approved_budget(officer_a, tree["a"], amounts={"2102": "5000"})
    _post(officer_a, tree["a"], "2102", "100", "记-1")
    client.force_login(officer_b)
    assert client.get(reverse("funds:budget", args=[budget.pk])).status_code == 404
    assert client.get(reverse("funds:execution"), {"union": tree["a"].pk}).status_code == 404
    assert not client.get(reverse("funds:ledger")).context["page"].object_list
    r = client.post(reverse("funds:budget_lines", args=[budget.pk]), {f"amount_{cat('2102').pk}": "1"})
    assert r.status_code == 404
    client.force_login(zone_lead)
    assert client.get(reverse("funds:budget", args=[budget.pk])).status_code == 200
    assert len(client.get(reverse("funds:ledger")).context["page"].object_list) == 1
    r = client.post(reverse("funds:adjustment_new", args=[budget.pk]), {"reason": "x", f"amount_{cat('2102').pk}": "1"})
    assert r.status_code == 403


def test_the_funds_audit_committee_reads_its_unions_ledger_and_changes_nothing(client, tree, officer_a, officer_b):
    budget = approved_budget(officer_a, tree["a"], amounts={"2102": "5000"})
    posting = _post(officer_a, tree["a"], "2102", "100", "记-1")
    _post(officer_b, tree["b"], "19", "100", "记-1")
    auditor = UserFactory(username="auditor_a")
    role_assign(user=auditor, organization=tree["a"], role=Role.FUNDS_AUDITOR)
    client.force_login(auditor)
    assert client.get(reverse("funds:budget", args=[budget.pk])).status_code == 200
    rows = client.get(reverse("funds:ledger")).context["page"].object_list
    assert [p.pk for p in rows] == [posting.pk]  # unit A's only
    assert client.get(reverse("funds:statement"), {"union": tree["a"].pk}).status_code == 200
    assert client.get(reverse("funds:statement"), {"union": tree["b"].pk}).status_code == 404
    r = client.post(reverse("funds:posting_reverse", args=[posting.pk]), {"reason": "x"})
    assert r.status_code == 403 and not Posting.objects.filter(reverses=posting).exists()
    r = client.post(reverse("funds:adjustment_new", args=[budget.pk]), {"reason": "x", f"amount_{cat('2102').pk}": "1"})
    assert r.status_code == 403
    assert client.get(reverse("funds:posting_new")).status_code == 403


def test_a_plain_member_gets_the_own_dues_only(client, member_a):
    client.force_login(member_a)
    assert client.get(reverse("funds:index"))["Location"] == reverse("funds:my_dues")
    assert client.get(reverse("funds:my_dues")).status_code == 200
    assert client.get(reverse("funds:ledger")).status_code == 403


def test_the_monthly_totals_kept_beside_the_postings_equal_a_rebuild(tree, officer_a, city_admin):
    from funds.models import MonthTotal

    _post(officer_a, tree["a"], "19", "100.10", "记-1")
    p = _post(officer_a, tree["a"], "2102", "40", "记-2")
    services.posting_reverse(actor=officer_a, posting=p, reason="x")
    services.allocation_record(actor=officer_a, union=tree["a"], on=timezone.localdate(), payroll_total=Decimal("1000"))
    kept = sorted(MonthTotal.objects.values_list("union_id", "year", "month", "category_id", "total"))
    services.rebuild_month_totals()
    assert sorted(MonthTotal.objects.values_list("union_id", "year", "month", "category_id", "total")) == kept
