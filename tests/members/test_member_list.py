"""The member list: filters, search, sorting, paging, scope and a fixed number of queries."""

from datetime import date

import pytest

from members.models import Member
from members.pagination import UNIT_ORDER, UnitOrderPaginator
from tests.factories import MemberFactory, OrganizationFactory, valid_id_number

pytestmark = pytest.mark.django_db


def rows(response) -> int:
    return response.content.decode().count('data-testid="member-row"')


def test_unit_order_pages_are_exactly_the_sorted_list(tree):
    """The fast paginator gives the same rows, page by page, as a plain sort of the whole list."""
    zone = tree["zone1"]
    units = [OrganizationFactory(name=f"单位{i}", parent=zone, sort_order=s) for i, s in enumerate([5, 1, 5, 3])]
    for i, unit in enumerate(units):
        MemberFactory.create_batch(3 + 4 * i, unit=unit, name=factory_name(i))
    expected = list(Member.objects.order_by(*UNIT_ORDER).values_list("pk", flat=True))
    for size in (1, 4, 7, 10):
        paginator = UnitOrderPaginator(Member.objects.all(), size)
        got = [m.pk for n in paginator.page_range for m in paginator.page(n)]
        assert got == expected, size
        assert paginator.count == len(expected)
    assert list(UnitOrderPaginator(Member.objects.none(), 10).page(1)) == []


def factory_name(i: int) -> str:
    return "王" + "甲乙丙丁"[i]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gender=F", {"f"}),
        ("status=retained", {"old"}),
        ("employment_type=agency", {"agency"}),
        ("political_status=party_member", {"party"}),
        ("age=u30", {"young"}),
        ("age=60%2B", {"old"}),
        ("age=40-49", {"f"}),
        ("q=13900000042", {"f"}),
        ("q=NT0000042", {"f"}),
        ("q=nt0000042", {"f"}),
        ("q=欧阳", {"young"}),
    ],
)
def test_filters_and_search(client, officer_a, tree, query, expected):
    today = date.today()
    people = {
        "f": MemberFactory(
            unit=tree["a"],
            gender="F",
            id_number=valid_id_number(1, gender="F", born=date(today.year - 45, 1, 1)),
            mobile="13900000042",
            card_number="NT0000042",
        ),
        "old": MemberFactory(
            unit=tree["a"], status="retained", id_number=valid_id_number(2, born=date(today.year - 62, 1, 1))
        ),
        "agency": MemberFactory(
            unit=tree["a"], employment_type="agency", id_number=valid_id_number(3, born=date(today.year - 35, 3, 3))
        ),
        "party": MemberFactory(
            unit=tree["a"],
            political_status="party_member",
            id_number=valid_id_number(4, born=date(today.year - 33, 3, 3)),
        ),
        "young": MemberFactory(
            unit=tree["a"], name="欧阳娜", id_number=valid_id_number(5, born=date(today.year - 25, 1, 1))
        ),
    }
    client.force_login(officer_a)
    page = client.get(f"/members/?{query}&per_page=100").content.decode()
    shown = {key for key, m in people.items() if f"/members/{m.pk}/" in page}
    assert shown == expected


def test_sorting_by_name_card_and_join_date(client, officer_a, tree):
    a = MemberFactory(unit=tree["a"], name="白一", card_number="NT3", join_date=date(2010, 1, 1))
    b = MemberFactory(unit=tree["a"], name="白二", card_number="NT1", join_date=date(2020, 1, 1))
    client.force_login(officer_a)
    for sort, first, second in [("card", b, a), ("-card", a, b), ("join", a, b), ("-join", b, a)]:
        page = client.get(f"/members/?sort={sort}&q=白").content.decode()
        assert page.index(f"/members/{first.pk}/") < page.index(f"/members/{second.pk}/"), sort


def test_an_officer_of_another_unit_sees_none_of_these_members_through_any_filter(client, officer_a, officer_b, tree):
    hidden = MemberFactory(unit=tree["a"], card_number="NT7777777", mobile="13977777777")
    queries = ["", "q=NT7777777", "q=13977777777", f"unit={tree['a'].pk}", "sort=card", "sort=-unit"]
    client.force_login(officer_a)  # the control: the unit's own officer finds the member by every one
    for query in queries:
        assert f"/members/{hidden.pk}/" in client.get(f"/members/?{query}").content.decode(), query
    client.force_login(officer_b)
    for query in queries:
        assert f"/members/{hidden.pk}/" not in client.get(f"/members/?{query}").content.decode(), query


@pytest.mark.parametrize("sort", ["unit", "name", "-join"])
def test_query_count_is_the_same_at_10_and_100_rows(client, officer_a, tree, django_assert_num_queries, sort):
    MemberFactory.create_batch(60, unit=tree["a"])
    MemberFactory.create_batch(60, unit=OrganizationFactory(parent=tree["zone1"]))
    client.force_login(officer_a)
    client.get(f"/members/?sort={sort}")  # the scope, the permissions and the list's total are kept from here on
    counts = []
    for size in (10, 100):
        with django_assert_num_queries(3) as ctx:
            response = client.get(f"/members/?per_page={size}&sort={sort}")
        counts.append(len(ctx.captured_queries))
        assert rows(response) == min(size, 61)
    assert counts[0] == counts[1]


def test_search_finds_a_member_by_card_mobile_or_name(client, tree, officer_a):
    zhang = MemberFactory(unit=tree["a"], name="张伟", card_number="NT0012345", mobile="13800000001")
    li = MemberFactory(unit=tree["a"], name="李娜", card_number="NT0099999", mobile="13712340001")
    client.force_login(officer_a)

    def found(q):
        return {m.pk for m in client.get("/members/", {"q": q}).context["page"].object_list}

    assert found("NT0012345") == {zhang.pk}
    assert found("nt0012345") == {zhang.pk}  # typed in lower case
    assert found("13712340001") == {li.pk}
    assert zhang.pk in found("张伟") and li.pk not in found("张伟")  # (factory names of other members may start so)
    assert found("NT00") == set()  # a card number is matched whole, not as a prefix
