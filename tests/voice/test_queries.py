"""Every list page and export runs the same number of queries at 10 and at 100 rows."""

import pytest
from django.urls import reverse

from tests.factories import MemberFactory
from tests.voice.conftest import xlsx_rows
from tests.voice.factories import TalkFactory, UnitHonourFactory, VoiceItemFactory


def _items(tree, n, sender=None):
    sender = sender or MemberFactory(unit=tree["a"])
    VoiceItemFactory.create_batch(n, sender=sender, attachment="voice/x.png")


@pytest.mark.parametrize("rows", [10, 100])
def test_inbox_query_count_is_pinned(tree, officer_a, client_for, django_assert_num_queries, rows):
    _items(tree, rows)
    c = client_for(officer_a)
    url = reverse("voice:inbox") + "?per_page=100"
    with django_assert_num_queries(8):
        response = c.get(url)
    assert len(response.context["page"]) == rows


@pytest.mark.parametrize("rows", [10, 100])
def test_inbox_of_the_city_admin_query_count_is_pinned(tree, city_admin, client_for, django_assert_num_queries, rows):
    _items(tree, rows)
    c = client_for(city_admin)
    with django_assert_num_queries(7):
        c.get(reverse("voice:inbox") + "?per_page=100&overdue=7")


@pytest.mark.parametrize("rows", [10, 100])
def test_inbox_export_query_count_is_pinned(tree, officer_a, client_for, django_assert_num_queries, rows):
    _items(tree, rows)
    c = client_for(officer_a)
    with django_assert_num_queries(4):  # + the access record
        response = c.get(reverse("voice:inbox_export"))
    assert len(xlsx_rows(response)) == rows + 1


@pytest.mark.parametrize("rows", [10, 100])
def test_my_items_query_count_is_pinned(tree, member_a, client_for, django_assert_num_queries, rows):
    _items(tree, rows, sender=member_a.member)
    c = client_for(member_a)
    with django_assert_num_queries(5):
        c.get(reverse("voice:index") + "?per_page=100")


@pytest.mark.parametrize("rows", [10, 100])
def test_talk_list_query_count_is_pinned(tree, officer_a, client_for, django_assert_num_queries, rows):
    for _ in range(rows):
        TalkFactory(member=MemberFactory(unit=tree["a"]))
    c = client_for(officer_a)
    with django_assert_num_queries(8):
        c.get(reverse("voice:talks") + "?per_page=100")


@pytest.mark.parametrize("rows", [10, 100])
def test_without_talk_query_count_is_pinned(tree, officer_a, client_for, django_assert_num_queries, rows):
    MemberFactory.create_batch(rows, unit=tree["a"])
    c = client_for(officer_a)
    with django_assert_num_queries(7):
        c.get(reverse("voice:talks_due") + "?per_page=100")


@pytest.mark.parametrize("rows", [10, 100])
def test_honour_list_query_count_is_pinned(tree, member_a, client_for, django_assert_num_queries, rows):
    for i in range(rows):
        UnitHonourFactory(unit=tree["a" if i % 2 else "b"], year=1950 + i, title="other", level="city")
    c = client_for(member_a)
    with django_assert_num_queries(5):
        c.get(reverse("voice:honours") + "?per_page=100")


def test_the_kept_total_of_members_without_a_talk_follows_talks_and_members(tree, officer_a, client_for):
    """The list's total is kept in the member count cache (issue #23): a talk recorded, a talk deleted (as the
    retention job does) and a member added are each seen on the very next page, not when the cache expires."""
    from django.utils import timezone

    from voice import services
    from voice.models import Talk

    people = MemberFactory.create_batch(3, unit=tree["a"])
    c = client_for(officer_a)
    url = reverse("voice:talks_due")

    def total() -> int:
        return c.get(url).context["page"].paginator.count

    before = total()
    assert total() == before  # kept: the second page reads the same total
    services.talk_create(
        actor=officer_a, member_id=people[0].pk, held_on=timezone.localdate(), talked_by="工会主席", topics="工作"
    )
    assert total() == before - 1
    Talk.objects.filter(member=people[0]).delete()
    assert total() == before
    MemberFactory(unit=tree["a"])
    assert total() == before + 1
