"""The household and no-double-aid rules under concurrent requests (PostgreSQL, real threads)."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from assistance import services
from assistance.models import Grant, HardshipCase, Source
from tests.factories import MemberFactory, valid_id_number

from .conftest import open_case
from .factories import HardshipCaseFactory

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8  # bounded: PostgreSQL max_connections is shared by the team


def race(fn, args_list):
    """Run fn(*args) in parallel threads released together; returns (successes, refusals)."""
    barrier = threading.Barrier(len(args_list))
    ok, refused, errors = [], [], []

    def worker(args):
        try:
            barrier.wait()
            ok.append(fn(*args))
        except ValidationError as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(a,)) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return ok, refused


def test_concurrent_files_for_the_same_member_make_one(require_postgres, officer_a, tree):
    member = MemberFactory(unit=tree["a"])
    ok, refused = race(lambda: open_case(officer_a, member), [()] * THREADS)
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert HardshipCase.objects.filter(member=member).count() == 1
    assert all(ok[0].number in str(r) for r in refused)


def test_concurrent_files_sharing_a_household_member_make_one(require_postgres, officer_a, tree):
    spouse = valid_id_number(77777, gender="F")
    applicants = [MemberFactory(unit=tree["a"]) for _ in range(THREADS)]
    ok, refused = race(
        lambda m: open_case(officer_a, m, [services.Person("王芳", "配偶", spouse)]), [(m,) for m in applicants]
    )
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert HardshipCase.objects.count() == 1


def test_concurrent_grants_for_one_campaign_and_purpose_make_one(
    require_postgres, officer_a, city_admin, applicant_a, campaign
):
    case = HardshipCaseFactory(filed=True, member=applicant_a)
    today = timezone.localdate()

    def grant():
        return services.grant_create(
            actor=city_admin,
            case=case,
            campaign=campaign,
            purpose="university",
            amount=Decimal("100"),
            source=Source.UNION,
            granted_on=today,
        )

    ok, refused = race(grant, [()] * THREADS)
    assert len(ok) == 1 and len(refused) == THREADS - 1
    assert Grant.objects.count() == 1


def test_concurrent_batches_grant_each_roster_line_once(require_postgres, officer_a, city_admin, tree, campaign):
    for _ in range(3):
        case = HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"]))
        services.roster_add(actor=officer_a, campaign=campaign, case=case, purpose="high_school", source="union")
    today = timezone.localdate()
    race(lambda: services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=today), [()] * 4)
    assert Grant.objects.count() == 3


def test_concurrent_grants_do_not_overspend_a_budget(require_postgres, officer_a, city_admin, tree, winter):
    cases = [HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"])) for _ in range(THREADS)]
    today = timezone.localdate()  # charity budget 8000: room for four grants of 2000

    def grant(case):
        return services.grant_create(
            actor=city_admin,
            case=case,
            campaign=winter,
            purpose="living",
            amount=Decimal("2000"),
            source=Source.CHARITY,
            granted_on=today,
        )

    ok, refused = race(grant, [(c,) for c in cases])
    assert len(ok) == 4 and len(refused) == THREADS - 4
    assert sum(g.amount for g in Grant.objects.all()) == Decimal("8000")


def test_a_batch_racing_single_grants_of_its_lines_grants_each_line_once(
    require_postgres, officer_a, city_admin, tree, campaign
):
    from funds.models import Posting

    cases = [HardshipCaseFactory(filed=True, member=MemberFactory(unit=tree["a"])) for _ in range(3)]
    for case in cases:
        services.roster_add(actor=officer_a, campaign=campaign, case=case, purpose="high_school", source="union")
    today = timezone.localdate()

    def act(case):
        if case is None:  # the batch skips a line granted before it locked the files
            return services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=today)
        return services.grant_create(
            actor=city_admin,
            case=case,
            campaign=campaign,
            purpose="high_school",
            amount=Decimal("1500"),
            source=Source.UNION,
            granted_on=today,
        )

    ok, refused = race(act, [(None,), *((c,) for c in cases)])
    batch = next(r for r in ok if isinstance(r, tuple))
    assert batch[0] + len(ok) - 1 == 3 and {e.code for e in refused} <= {"double_aid"}
    assert sorted(Grant.objects.values_list("case_id", flat=True)) == sorted(c.pk for c in cases)
    assert Posting.objects.count() == 3
