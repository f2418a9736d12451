"""No leaks across units through duplicate checks (issue #17).

The attacker is an officer of unit B who types an ID number into the new-member form, or a household member into
a hardship file, to learn whether (and where) that person is a member or has an open file. Before the change the
answer named the other unit's member or file (该家庭已有在档的困难职工档案：KN2026-00008（胡国国，已审批建档）);
now, outside the officer's scope, it says only that one exists in another unit, the city administrators get a
notice naming both sides, and the hit is in the access record.
"""

from __future__ import annotations

import pytest

from assistance import services as assistance_services
from members.models import AccessRecord
from notifications.models import Notification
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db

TAKEN = valid_id_number(4242, gender="F")


def _new_member(client, form_data, unit, id_number):
    return client.post("/members/new/", {**form_data, "unit": str(unit.pk), "id_number": id_number}).content.decode()


def test_an_officer_of_another_unit_learns_only_that_a_membership_exists_elsewhere(
    client, tree, officer_b, city_admin, form_data
):
    existing = MemberFactory(unit=tree["a"], name="胡国国", id_number=TAKEN, gender="F", card_number="NT0001234")
    client.force_login(officer_b)
    page = _new_member(client, form_data, tree["b"], TAKEN)
    assert "另一个单位" in page and "市级机关工会已" in page
    for leak in ("胡国国", "市财政局", "NT0001234"):
        assert leak not in page, leak
    notice = Notification.objects.get(recipient=city_admin, kind="duplicate")
    assert "市财政局" in notice.title and "市商务局" in notice.title  # both sides, for the city
    hit = AccessRecord.objects.get(action="duplicate")
    assert (hit.actor, hit.unit_id, hit.target_id) == (officer_b, tree["a"].pk, existing.pk)


def test_inside_the_own_scope_the_duplicate_member_is_named(client, tree, officer_a, city_admin, form_data):
    MemberFactory(unit=tree["a"], name="胡国国", id_number=TAKEN, gender="F")
    client.force_login(officer_a)
    page = _new_member(client, form_data, tree["a"], TAKEN)
    assert "胡国国" in page
    assert not Notification.objects.filter(kind="duplicate").exists()
    assert not AccessRecord.objects.filter(action="duplicate").exists()


def test_a_second_hardship_file_in_another_unit_is_refused_without_naming_it(tree, officer_a, officer_b, city_admin):
    spouse = assistance_services.Person("王芳", "配偶", TAKEN)
    first = open_case(officer_a, MemberFactory(unit=tree["a"], name="胡国国"), [spouse])
    with pytest.raises(Exception) as refused:
        open_case(officer_b, MemberFactory(unit=tree["b"], name="李四"), [spouse])
    text = " ".join(refused.value.messages)
    assert "另一个单位" in text
    for leak in (first.number, "胡国国", first.get_status_display()):
        assert leak not in text, leak
    # the refusal rolled its transaction back, but not the record of the hit nor the city's notice
    hit = AccessRecord.objects.get(action="duplicate")
    assert (hit.actor, hit.target_ref, hit.unit_id) == (officer_b, first.number, tree["a"].pk)
    notice = Notification.objects.get(recipient=city_admin, kind="duplicate")
    assert first.number in notice.title and "市商务局" in notice.title


def test_inside_the_scope_the_existing_file_is_named(tree, officer_a):
    spouse = assistance_services.Person("王芳", "配偶", TAKEN)
    first = open_case(officer_a, MemberFactory(unit=tree["a"], name="胡国国"), [spouse])
    with pytest.raises(Exception) as refused:
        open_case(officer_a, MemberFactory(unit=tree["a"]), [spouse])
    assert first.number in " ".join(refused.value.messages)
    assert not AccessRecord.objects.filter(action="duplicate").exists()
