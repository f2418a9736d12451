"""Every list page of the members app does the same number of queries at 10 and at 100 rows."""

from datetime import date

import pytest

from members.audit import record_access
from members.models import Committee, Honour
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def _same_count(client, url, django_assert_num_queries, expected: int) -> None:
    client.get(url)
    for size in (10, 100):
        with django_assert_num_queries(expected):
            response = client.get(f"{url}?per_page={size}&within=all")
        assert response.status_code == 200


def test_honour_list(client, city_admin, tree, django_assert_num_queries):
    for i, m in enumerate(MemberFactory.create_batch(110, unit=tree["a"])):
        Honour.objects.create(member=m, title="model_worker", level="city", year=2000 + i % 25)
    client.force_login(city_admin)
    _same_count(client, "/members/honours/", django_assert_num_queries, 4)


def test_access_records(client, city_admin, officer_a, tree, django_assert_num_queries):
    for i, m in enumerate(MemberFactory.create_batch(110, unit=tree["a"])):
        actor = officer_a if i % 2 else city_admin
        record_access(actor=actor, action="reveal_id", what="ID number", obj=m, ref=m.name)
    client.force_login(city_admin)
    _same_count(client, "/members/access-records/", django_assert_num_queries, 5)


def test_committee_list(client, city_admin, tree, django_assert_num_queries):
    for i in range(110):
        unit = OrganizationFactory(parent=tree["zone1"], sort_order=10 + i)
        Committee.objects.create(unit=unit, term_start=date(2022, 1, 1 + i % 28), term_years=5)
    client.force_login(city_admin)
    _same_count(client, "/members/committees/", django_assert_num_queries, 4)
