"""Who may see what: every role against the pages of the foundation."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
MEMBER_LIST_QUERIES = 3  # session, user, the page; the scope, permissions, counts, inbox and unit choices are kept


def test_anonymous_visitor_is_asked_to_log_in_everywhere_but_login_and_healthz(client, tree):
    m = MemberFactory(unit=tree["a"])
    for url in ["/", "/members/", f"/members/{m.pk}/", "/members/units/", "/notifications/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert client.get(reverse("login")).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


def test_officer_sees_only_the_own_units_members(client, officer_a, members_abc):
    client.force_login(officer_a)
    page = client.get("/members/?per_page=100").content.decode()
    for m in members_abc["a"]:
        assert m.name in page and m.card_number in page
    for m in members_abc["b"] + members_abc["c"]:
        assert m.card_number not in page


def test_officer_of_another_unit_gets_404_for_member_and_unit(client, officer_b, tree, members_abc):
    client.force_login(officer_b)
    assert client.get(f"/members/{members_abc['a'][0].pk}/").status_code == 404
    assert client.get(f"/members/units/{tree['a'].pk}/").status_code == 404
    assert client.get(f"/members/{members_abc['b'][0].pk}/").status_code == 200


def test_zone_lead_reads_the_zones_units_only(client, zone_lead, tree, members_abc):
    client.force_login(zone_lead)
    page = client.get("/members/?per_page=100").content.decode()
    for m in members_abc["a"] + members_abc["b"]:
        assert m.card_number in page
    for m in members_abc["c"]:
        assert m.card_number not in page
    assert client.get(f"/members/{members_abc['c'][0].pk}/").status_code == 404
    units = client.get("/members/units/").content.decode()
    assert "市财政局" in units and "市商务局" in units and "市公安局" not in units


def test_city_admin_sees_everything(client, city_admin, members_abc, tree):
    client.force_login(city_admin)
    page = client.get("/members/?per_page=100").content.decode()
    for m in members_abc["a"] + members_abc["b"] + members_abc["c"]:
        assert m.card_number in page
    assert client.get(f"/members/units/{tree['c'].pk}/").status_code == 200


def test_member_sees_own_record_but_not_the_list_or_others(client, member_a, members_abc):
    client.force_login(member_a)
    assert client.get("/members/").status_code == 403
    own = member_a.member
    assert client.get(f"/members/{own.pk}/").status_code == 200
    assert client.get(f"/members/{members_abc['a'][0].pk}/").status_code == 404


def test_filters_cannot_widen_the_scope(client, officer_a, tree, members_abc):
    """Asking for another unit by URL gives an empty, not a wider, list."""
    client.force_login(officer_a)
    own = client.get(f"/members/?unit={tree['a'].pk}").content.decode()
    assert all(m.card_number in own for m in members_abc["a"])  # the control: the filter works in scope
    page = client.get(f"/members/?unit={tree['c'].pk}").content.decode()
    for m in members_abc["c"]:
        assert m.card_number not in page


def test_admin_site_is_for_city_administrators_only(client, officer_a, city_admin):
    client.force_login(officer_a)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(city_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/members/member/").status_code == 200


def test_bad_list_parameters_are_ignored_not_a_500(client, officer_a, members_abc):
    client.force_login(officer_a)
    for qs in ["?page=abc", "?per_page=-3", "?sort=drop", "?unit=xyz", "?status=nope", "?page=99999"]:
        assert client.get("/members/" + qs).status_code == 200, qs


def test_member_list_query_count_does_not_grow_with_page_size(client, officer_a, tree, django_assert_num_queries):
    MemberFactory.create_batch(120, unit=tree["a"])
    client.force_login(officer_a)
    client.get("/members/")  # warm the session
    for size in (10, 100):
        # session, user, scope (roles, own member), count, unread badge, unit choices, page rows,
        # and the session save (savepoint, update, release): none of them per row
        with django_assert_num_queries(MEMBER_LIST_QUERIES):
            response = client.get(f"/members/?per_page={size}")
        assert response.content.decode().count('data-testid="member-row"') == size
