"""The member list's searches and orders are served by indexes, so that they do not read a million members
(issue #23: `make bench-scale` found the pinyin and mobile searches and the city-wide name order at 0.3–0.4 s)."""

import pytest
from django.db import connection

from members.models import Member
from members.pinyin import NameOrder
from members.selectors import MemberFilters
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _plan(qs, *, bitmap_only: bool = False) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny: ask what the planner *could* use
        if bitmap_only:  # nor a walk through a whole B-tree, filtering each row: only an index condition is left
            cursor.execute("SET LOCAL enable_indexscan = off")
    return qs.explain()


@pytest.mark.parametrize(
    ("term", "index"),
    [("zhenghong", "member_name_search_trgm"), ("zxm", "member_name_search_trgm"), ("304766", "member_mobile_trgm")],
)
def test_a_search_by_pinyin_or_part_of_a_mobile_number_can_use_its_trigram_index(require_postgres, tree, term, index):
    MemberFactory.create_batch(3, unit=tree["a"])
    assert index in _plan(Member.objects.filter(MemberFilters._search_q(term)).order_by(), bitmap_only=True)


def test_the_city_wide_name_order_reads_its_index_not_a_sort(require_postgres, tree):
    MemberFactory.create_batch(3, unit=tree["a"])
    plan = _plan(Member.objects.order_by(NameOrder(), "pk")[:20])
    assert "member_name_order_idx" in plan and "Sort" not in plan.split("Index")[0]
