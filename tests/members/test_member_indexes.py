"""The member tables keep only the indexes something reads (issue #23: each index is written by every imported
row): the card number and the ID number's keyed hash stay unique through constraints, without the LIKE-prefix
indexes that ``unique=True`` adds on PostgreSQL; a duplicate is still refused with a message on its field."""

import pytest
from django.db import IntegrityError, connection, transaction

from members.models import Member, MembershipChange
from members.scoping import unscoped
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        return dict(cursor.fetchall())


@pytest.mark.parametrize("taken_in", ["a", "b"])
def test_a_card_number_already_given_is_refused_on_its_field_even_from_another_unit(
    client, officer_a, form_data, tree, taken_in
):
    other = MemberFactory(unit=tree[taken_in], card_number="NT9000001")
    client.force_login(officer_a)
    response = client.post("/members/new/", form_data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "card_number" in errors and "已存在" in errors["card_number"][0]
    with unscoped("the test counts every unit"):
        assert list(Member.objects.filter(card_number="NT9000001")) == [other]


def test_the_database_refuses_a_second_card_number_or_id_number(tree):
    member = MemberFactory(unit=tree["a"])
    for field in ("card_number", "id_number_hash"):
        twin = MemberFactory.build(unit=tree["b"])
        setattr(twin, field, getattr(member, field))
        with pytest.raises(IntegrityError), transaction.atomic(), unscoped("a raw insert"):
            Member.objects.bulk_create([twin])


def test_no_index_is_written_that_no_query_reads(require_postgres):
    """What the import pays for each row: no LIKE-prefix index beside a unique one, no index that another one
    begins with, none on the history's columns other than the member's id, the date and the user who changed."""
    member = _indexes(Member._meta.db_table)
    assert not [name for name, definition in member.items() if "pattern_ops" in definition]
    assert not [name for name, definition in member.items() if definition.endswith("(unit_id)")]
    assert not [name for name, definition in member.items() if definition.endswith("(name)")]
    history = _indexes(Member.history.model._meta.db_table)
    assert len(history) == 4, sorted(history)  # primary key, id, history_date, history_user_id
    changes = _indexes(MembershipChange._meta.db_table)
    assert not [name for name, definition in changes.items() if definition.endswith("(member_id)")]


def test_a_members_changes_and_a_card_number_are_still_found_by_an_index(require_postgres, tree):
    member = MemberFactory(unit=tree["a"])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    with unscoped("the planner's view"):
        assert "member_card_number_uniq" in Member.objects.filter(card_number=member.card_number).order_by().explain()
        changes = MembershipChange.objects.filter(member=member).order_by().explain()
    assert "memberchange_member_on_idx" in changes
