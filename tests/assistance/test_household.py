"""One open file per household: the same member, or a household member already in an open file."""

import pytest
from django.core.exceptions import ValidationError

from assistance import services
from assistance.models import HardshipCase, Status
from members import idnumbers
from tests.factories import MemberFactory, valid_id_number

from .conftest import open_case

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_cipher")]


def test_a_second_file_for_the_same_member_is_refused_naming_the_first(officer_a, draft_a, applicant_a):
    with pytest.raises(ValidationError) as exc:
        open_case(officer_a, applicant_a)
    assert draft_a.number in str(exc.value)
    assert HardshipCase.objects.count() == 1


def test_a_household_member_already_in_an_open_file_is_refused(officer_a, officer_b, tree):
    spouse_id = valid_id_number(90001, gender="F")
    husband = MemberFactory(unit=tree["a"], name="李建国")
    first = open_case(officer_a, husband, [services.Person("王芳", "配偶", spouse_id)])
    # the spouse works in unit B and applies there
    wife = MemberFactory(unit=tree["b"], name="王芳", id_number=spouse_id)
    with pytest.raises(ValidationError) as exc:
        open_case(officer_b, wife)
    # officer B is outside unit A: told only that a file exists in another unit (issue #17), not which one
    assert first.number not in str(exc.value) and "另一个单位" in str(exc.value)
    # and the applicant of an open file cannot appear in another household either
    other = MemberFactory(unit=tree["a"])
    with pytest.raises(ValidationError, match=first.number):
        open_case(officer_a, other, [services.Person("李建国", "兄弟", idnumbers.decrypt(husband.id_number_encrypted))])


def test_a_closed_or_rejected_file_lets_the_household_apply_again(officer_a, city_admin, draft_a, applicant_a):
    services.case_submit(actor=officer_a, case=draft_a)
    services.case_reject(actor=city_admin, case=draft_a, reason="不符合条件")
    again = open_case(officer_a, applicant_a)
    assert again.status == Status.DRAFT


def test_household_rows_name_the_line_and_save_nothing(client, officer_a, applicant_a):
    client.force_login(officer_a)
    response = client.post(
        "/assistance/new/",
        {
            "card_number": applicant_a.card_number,
            "category": "deep",
            "causes": ["illness"],
            "household_size": "2",
            "income_per_head": "500",
            "minimum_living_standard": "960",
            "household_text": f"王芳, 配偶, {valid_id_number(4242, gender='F')}\n李四, 儿子",
        },
    )
    assert response.status_code == 200
    assert "第2行" in response.context["form"].errors["household_text"][0]
    assert HardshipCase.objects.count() == 0


def test_the_bank_account_is_encrypted_and_masked(officer_a, applicant_a):
    case = services.case_open(
        actor=officer_a,
        member=applicant_a,
        data=dict(__import__("tests.assistance.conftest", fromlist=["DATA"]).DATA),
        household=[],
        bank_account="6228 4800 1234 5678 901",
    )
    assert case.bank_account_masked.endswith("8901") and "1234" not in case.bank_account_masked
    assert "6228" not in case.bank_account_encrypted
    assert idnumbers.decrypt(case.bank_account_encrypted) == "6228480012345678901"
    assert not hasattr(case.history.first(), "bank_account_encrypted")


def test_the_page_refuses_a_second_file_with_the_existing_number(client, officer_a, draft_a, applicant_a):
    client.force_login(officer_a)
    response = client.post(
        "/assistance/new/",
        {
            "card_number": applicant_a.card_number,
            "category": "deep",
            "causes": ["illness"],
            "household_size": "1",
            "income_per_head": "500",
            "minimum_living_standard": "960",
        },
    )
    assert response.status_code == 200
    assert draft_a.number in response.content.decode()


def test_an_officer_cannot_open_a_file_for_another_units_member(client, officer_b, applicant_a):
    client.force_login(officer_b)
    response = client.post(
        "/assistance/new/",
        {
            "card_number": applicant_a.card_number,
            "category": "deep",
            "causes": ["illness"],
            "household_size": "1",
            "income_per_head": "500",
            "minimum_living_standard": "960",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["card_number"]
    assert HardshipCase.objects.count() == 0


def test_a_returned_draft_can_gain_and_lose_household_members(client, officer_a, draft_a, tree):
    spouse_id = valid_id_number(60606, gender="F")
    client.force_login(officer_a)
    data = {
        "category": "deep",
        "causes": ["illness"],
        "household_size": "2",
        "income_per_head": "500",
        "minimum_living_standard": "960",
        "household_text": f"王芳, 配偶, {spouse_id}",
    }
    response = client.post(f"/assistance/{draft_a.pk}/edit/", data, follow=True)
    assert response.status_code == 200
    spouse = draft_a.household.get(relation="配偶")
    # the spouse cannot be put in another open file
    other = MemberFactory(unit=tree["a"])
    with pytest.raises(ValidationError, match=draft_a.number):
        open_case(officer_a, other, [services.Person("王芳", "配偶", spouse_id)])
    client.post(f"/assistance/{draft_a.pk}/household/{spouse.pk}/remove/")
    assert not draft_a.household.filter(pk=spouse.pk).exists()
    me = draft_a.household.get(relation="本人")
    response = client.post(f"/assistance/{draft_a.pk}/household/{me.pk}/remove/", follow=True)
    assert draft_a.household.filter(pk=me.pk).exists()  # the applicant stays


def test_household_cannot_change_after_submission(officer_a, draft_a):
    services.case_submit(actor=officer_a, case=draft_a)
    with pytest.raises(ValidationError):
        services.case_update(
            actor=officer_a,
            case=draft_a,
            data={},
            add_household=[services.Person("王芳", "配偶", valid_id_number(60607))],
        )
