"""The batch of grants from a roster checks each rule once for the whole roster, and writes exactly what
granting its lines one by one with ``grant_create`` writes: the same grants, history rows, ledger postings
(one per grant, its own payee and source) and monthly totals; the same refusals, with nothing written; the
same lines skipped. Its query count does not grow with the roster."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from simple_history.models import HistoricalRecords

from assistance import services
from assistance.models import Grant, Purpose, Source, Status
from funds.defaults import ensure_defaults
from funds.models import MonthTotal, Posting
from tests.factories import MemberFactory
from tests.funds.conftest import approved_budget

from .factories import CampaignFactory, HardshipCaseFactory, RosterEntryFactory

pytestmark = pytest.mark.django_db

#: The batch's statements, whatever the roster's length (the loop of grant_create made a dozen a line).
MAX_QUERIES = 30


def one_by_one(*, actor, campaign, granted_on) -> tuple[int, int]:
    """The batch as it was: ``grant_create`` for each roster line without a grant whose file is filed. The
    reference the batch must match."""
    entries = list(campaign.roster.select_related("case").order_by("pk"))
    done = set(campaign.grants.values_list("case_id", "purpose"))
    created = skipped = 0
    with transaction.atomic():
        for entry in entries:
            if (entry.case_id, entry.purpose) in done or entry.case.status != Status.FILED:
                skipped += 1
                continue
            services.grant_create(
                actor=actor,
                case=entry.case,
                campaign=campaign,
                purpose=entry.purpose,
                amount=entry.amount,
                source=entry.source,
                granted_on=granted_on,
            )
            created += 1
    return created, skipped


def _without(row: dict, *names: str) -> dict:
    return {k: v for k, v in row.items() if k not in names}


def written() -> dict:
    """Every row a batch writes, without ids and timestamps; a grant is named by its file and purpose (the
    postings and history rows by the grant they belong to), the postings in the order they were written."""
    key = {g.pk: (g.case_id, g.campaign_id, g.purpose) for g in Grant.objects.all()}
    grants = Grant.objects.values_list(
        "case_id", "campaign_id", "purpose", "amount", "source", "granted_on", "approved_by_id", "received_on"
    )
    history = [
        {**_without(h, "id", "history_id", "history_date", "created_at"), "grant": key[h["id"]]}
        for h in Grant.history.values()
    ]
    postings = []
    for p in Posting.objects.order_by("pk").values():
        source = key[int(p["source_pk"])] if p["source_model"] == "grant" else p["source_pk"]
        postings.append({**_without(p, "id", "created_at", "source_pk"), "source": source})
    return {
        "grants": sorted(grants),
        "history": sorted(history, key=lambda h: (h["grant"], h["history_type"])),
        "postings": postings,
        "month_totals": sorted(MonthTotal.objects.values_list("union_id", "year", "month", "category_id", "total")),
    }


def outcome(fn, **kwargs) -> tuple[object, dict]:
    """What ``fn`` returns (or the messages it is refused with) and what it wrote, then rolled back."""
    with transaction.atomic():
        try:
            result = fn(**kwargs)
        except ValidationError as exc:
            result = exc.messages
        rows = written()
        transaction.set_rollback(True)
    return result, rows


@pytest.fixture
def on_the_page(city_admin):
    """As on the batch page: the request's user is the history user of what is written."""
    request = RequestFactory().post("/")
    request.user = city_admin
    HistoricalRecords.context.request = request
    yield
    del HistoricalRecords.context.request


def filed(tree, unit: str = "a"):
    return HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree[unit]))


@pytest.fixture
def roster(tree, city_admin):
    """A campaign whose roster mixes units, purposes, sources and amounts, with a line already granted (from
    union funds, so that the ledger has spent something) and a line whose file has been closed since; the
    city union has an approved budget with room for the batch."""
    ensure_defaults()
    approved_budget(city_admin, tree["city"], amounts={"2204": "50000"})
    campaign = CampaignFactory(created_by=city_admin, budgets={Source.UNION: Decimal("40000"), Source.CHARITY: 9000})
    lines = [
        ("a", Purpose.UNIVERSITY, "3000", Source.UNION),
        ("b", Purpose.HIGH_SCHOOL, "1500", Source.CHARITY),
        ("c", Purpose.UNIVERSITY, "1234.56", Source.UNION),
        ("a", Purpose.HIGH_SCHOOL, "1500", Source.UNION),
        ("b", Purpose.UNIVERSITY, "3000", Source.CHARITY),
        ("c", Purpose.LIVING, "800", Source.UNION),
    ]
    for unit, purpose, amount, source in lines:
        RosterEntryFactory(
            campaign=campaign, case=filed(tree, unit), purpose=purpose, amount=Decimal(amount), source=source
        )
    case = filed(tree, "b")  # a second purpose of the same file
    RosterEntryFactory(campaign=campaign, case=case, purpose=Purpose.UNIVERSITY, amount=Decimal("3000"))
    RosterEntryFactory(campaign=campaign, case=case, purpose=Purpose.HIGH_SCHOOL, amount=Decimal("1500"))
    granted = RosterEntryFactory(campaign=campaign, case=filed(tree, "a"), amount=Decimal("2000"))
    services.grant_create(
        actor=city_admin,
        case=granted.case,
        campaign=campaign,
        purpose=granted.purpose,
        amount=granted.amount,
        source=granted.source,
        granted_on=timezone.localdate(),
    )
    RosterEntryFactory(campaign=campaign, case=HardshipCaseFactory(closed=True, member=MemberFactory(unit=tree["c"])))
    return campaign


def test_the_batch_writes_what_granting_each_line_writes(city_admin, roster, on_the_page):
    today = timezone.localdate()
    before = written()
    expected = outcome(one_by_one, actor=city_admin, campaign=roster, granted_on=today)
    got = outcome(services.grants_from_roster, actor=city_admin, campaign=roster, granted_on=today)
    assert expected[0] == (8, 2)
    assert got == expected
    assert len(got[1]["postings"]) == len(before["postings"]) + 6  # the union's grants only, one posting each
    new_history = [h for h in got[1]["history"] if h not in before["history"]]
    assert len(new_history) == 8 and {h["history_user_id"] for h in new_history} == {city_admin.pk}
    assert got[1]["month_totals"] != before["month_totals"]


def test_a_batch_over_a_campaign_budget_writes_nothing_and_names_the_budget(city_admin, roster):
    roster.budgets.filter(source=Source.UNION).update(
        amount=Decimal("12000")
    )  # 2,000 granted: the batch's 11,034.56 do not fit
    before = written()
    expected = outcome(one_by_one, actor=city_admin, campaign=roster, granted_on=timezone.localdate())
    got = outcome(services.grants_from_roster, actor=city_admin, campaign=roster, granted_on=timezone.localdate())
    assert got == expected == ([f"将超出{roster.name}的工会经费预算（12000.00元）。"], before)


def test_a_batch_over_a_funds_budget_line_writes_nothing_and_names_the_line(city_admin, tree, roster):
    from funds.models import BudgetLine

    BudgetLine.objects.filter(budget__union=tree["city"], category__code="2204").update(amount=Decimal("7000"))
    before = written()
    expected = outcome(one_by_one, actor=city_admin, campaign=roster, granted_on=timezone.localdate())
    got = outcome(services.grants_from_roster, actor=city_admin, campaign=roster, granted_on=timezone.localdate())
    assert got == expected
    [message] = got[0]
    # 2,000 spent before the batch, 3,000 and 1,234.56 posted, then 1,500 would take it 734.56 over.
    assert "困难职工帮扶支出" in message and "6234.56" in message and "1500.00" in message and "734.56" in message
    assert got[1] == before


def test_lines_already_granted_or_no_longer_filed_are_skipped(city_admin, tree):
    campaign = CampaignFactory(created_by=city_admin)
    granted = RosterEntryFactory(campaign=campaign, case=filed(tree), amount=Decimal("1000"))
    services.grant_create(
        actor=city_admin,
        case=granted.case,
        campaign=campaign,
        purpose=granted.purpose,
        amount=Decimal("900"),
        source=Source.UNION,
        granted_on=timezone.localdate(),
    )
    closed = RosterEntryFactory(campaign=campaign, case=filed(tree))
    closed.case.status = Status.CLOSED
    closed.case.save(update_fields=["status"])
    fresh = RosterEntryFactory(campaign=campaign, case=filed(tree, "b"), amount=Decimal("1000"))
    created, skipped = services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=timezone.localdate())
    assert (created, skipped) == (1, 2)
    assert sorted(campaign.grants.values_list("case_id", "amount")) == sorted(
        [(granted.case_id, Decimal("900")), (fresh.case_id, Decimal("1000"))]
    )
    assert Posting.objects.filter(payee=closed.case.number).count() == 0


def test_the_batch_query_count_does_not_grow_with_the_roster(city_admin, tree, django_assert_max_num_queries):
    ensure_defaults()
    approved_budget(city_admin, tree["city"], amounts={"2204": "1000000"})
    today = timezone.localdate()

    def campaign_of(size: int):
        campaign = CampaignFactory(
            created_by=city_admin, budgets={Source.UNION: Decimal("1000000"), Source.CHARITY: Decimal("1000000")}
        )
        for i in range(size):
            RosterEntryFactory(
                campaign=campaign,
                case=filed(tree, "abc"[i % 3]),
                source=Source.CHARITY if i % 4 == 0 else Source.UNION,
                amount=Decimal("1000") + i,
            )
        return campaign

    services.grants_from_roster(actor=city_admin, campaign=campaign_of(1), granted_on=today)  # warm caches
    counts = {}
    for size in (5, 50):
        campaign = campaign_of(size)
        with django_assert_max_num_queries(MAX_QUERIES) as captured, transaction.atomic():
            assert services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=today) == (size, 0)
            transaction.set_rollback(True)
        counts[size] = len(captured)
    assert counts[5] == counts[50], counts
