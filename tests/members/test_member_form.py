"""Adding and editing a member: ID number checks, derived facts, mobile, names; masking; reveal log."""

import logging

import pytest

from members.models import AccessRecord, Member, MembershipChange
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
FULL = "11010519491231002X"


def test_officer_adds_a_member_with_birth_date_and_gender_from_the_id_number(client, officer_a, form_data):
    client.force_login(officer_a)
    response = client.post("/members/new/", form_data)
    member = Member.objects.get(card_number="NT9000001")
    assert response.status_code == 302 and response["Location"] == f"/members/{member.pk}/"
    assert member.name == "阿依古丽·买买提"
    assert str(member.birth_date) == "1949-12-31" and member.gender == "F"
    assert member.id_number_masked == "110105********002X"
    assert member.reveal_id_number() == FULL  # lowercase x stored upper-case
    assert FULL not in member.id_number_encrypted
    assert MembershipChange.objects.get(member=member).kind == "join"
    page = client.get(response["Location"]).content.decode()
    assert "110105********002X" in page and FULL not in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "11010519491231003X", "校验码"),
        ("id_number", "1101051949123100", "17"),
        ("gender", "M", "性别与身份证号不符"),
        ("birth_date", "1950-01-01", "出生日期与身份证号不符"),
        ("mobile", "12912345678", "手机号"),
        ("name", "张<script>", "姓名"),
        ("join_date", "2999-01-01", "入会"),
    ],
)
def test_a_contradicting_or_bad_form_says_what_is_wrong_and_saves_nothing(
    client, officer_a, form_data, field, value, message
):
    client.force_login(officer_a)
    response = client.post("/members/new/", {**form_data, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Member.objects.filter(card_number="NT9000001").exists()


def test_the_same_id_number_twice_is_refused(client, officer_a, form_data, tree):
    MemberFactory(unit=tree["b"], id_number=FULL)
    client.force_login(officer_a)
    response = client.post("/members/new/", form_data)
    assert "已有会员使用此身份证号" in response.content.decode()
    assert not Member.objects.filter(card_number="NT9000001").exists()


def test_the_id_number_never_reaches_a_log(client, officer_a, form_data, caplog):
    client.force_login(officer_a)
    with caplog.at_level(logging.DEBUG):
        client.post("/members/new/", {**form_data, "gender": "M"})  # a failing form
        client.post("/members/new/", form_data)
    assert FULL not in caplog.text and FULL.lower() not in caplog.text


def test_an_officer_cannot_add_to_another_unit(client, officer_a, form_data, tree):
    client.force_login(officer_a)
    response = client.post("/members/new/", {**form_data, "unit": str(tree["b"].pk)})
    assert response.status_code == 200 and not Member.objects.filter(card_number="NT9000001").exists()


def test_zone_lead_and_member_cannot_add(client, zone_lead, member_a):
    client.force_login(zone_lead)
    assert client.get("/members/new/").status_code == 403
    client.force_login(member_a)
    assert client.get("/members/new/").status_code == 403


def test_editing_keeps_the_id_number_unless_a_new_one_is_entered(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    client.force_login(officer_a)
    page = client.get(f"/members/{m.pk}/edit/").content.decode()
    assert FULL not in page and "110105********002X" in page
    data = {
        "name": "李·四",
        "id_number": "",
        "gender": "F",
        "birth_date": "1949-12-31",
        "ethnicity": "01",
        "political_status": "masses",
        "employment_type": "established",
        "join_date": "2015-03-01",
        "card_number": m.card_number,
        "mobile": "",
    }
    assert client.post(f"/members/{m.pk}/edit/", data).status_code == 302
    m.refresh_from_db()
    assert m.name == "李·四" and m.reveal_id_number() == FULL
    response = client.post(f"/members/{m.pk}/edit/", {**data, "gender": "M"})
    assert "性别与身份证号不符" in response.content.decode()


def test_edit_is_404_outside_scope_and_403_for_the_zone_lead(client, officer_b, zone_lead, tree):
    m = MemberFactory(unit=tree["a"])
    client.force_login(officer_b)
    assert client.get(f"/members/{m.pk}/edit/").status_code == 404
    client.force_login(zone_lead)
    assert client.get(f"/members/{m.pk}/edit/").status_code == 403


def test_city_admin_reveals_by_post_and_every_view_is_recorded(client, city_admin, tree):
    m = MemberFactory(unit=tree["c"], id_number=FULL, gender="F")
    client.force_login(city_admin)
    detail = client.get(f"/members/{m.pk}/").content.decode()
    assert FULL not in detail and 'data-testid="reveal-id"' in detail
    assert client.get(f"/members/{m.pk}/id-number/").status_code == 405  # never by a link
    for _ in range(2):
        response = client.post(f"/members/{m.pk}/id-number/")
        assert FULL in response.content.decode()
        assert "no-store" in response["Cache-Control"]
    reveals = AccessRecord.objects.filter(action="reveal_id", target_id=m.pk, actor=city_admin)
    assert reveals.count() == 2
    assert {(r.target_model, r.unit_id, r.what) for r in reveals} == {("members.member", tree["c"].pk, "身份证号")}
    assert client.get("/members/id-number-views/")["Location"] == "/members/access-records/?action=reveal_id"
    log = client.get("/members/access-records/?action=reveal_id").content.decode()
    assert log.count('data-testid="access-row"') == 2 and m.name in log and FULL not in log


def test_officer_without_the_permission_cannot_reveal(client, officer_a, officer_b, zone_lead, tree):
    m = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    client.force_login(officer_a)
    assert 'data-testid="reveal-id"' not in client.get(f"/members/{m.pk}/").content.decode()
    assert client.post(f"/members/{m.pk}/id-number/").status_code == 403
    client.force_login(officer_b)
    assert client.post(f"/members/{m.pk}/id-number/").status_code == 404
    assert not AccessRecord.objects.exists()
    for user in (officer_a, zone_lead):
        client.force_login(user)
        assert client.get("/members/access-records/").status_code == 403


def test_officer_given_the_permission_reveals_in_own_unit_only(client, officer_a, officer_b, tree):
    from django.contrib.auth.models import Permission

    perm = Permission.objects.get(codename="reveal_id_number")
    officer_a.user_permissions.add(perm)
    m = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    client.force_login(officer_a)
    assert FULL in client.post(f"/members/{m.pk}/id-number/").content.decode()
    assert AccessRecord.objects.filter(actor=officer_a, action="reveal_id", target_id=m.pk).count() == 1


def test_list_shows_masked_numbers_only(client, officer_a, tree):
    m = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    client.force_login(officer_a)
    page = client.get("/members/").content.decode()
    assert m.id_number_masked in page and FULL not in page


def test_city_admin_reads_the_reveal_export_and_change_records_in_the_admin(client, city_admin, tree):
    m = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    client.force_login(city_admin)
    client.post(f"/members/{m.pk}/id-number/")
    client.get("/members/export/")
    for url in ["/admin/members/accessrecord/", "/admin/members/membershipchange/"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert m.name in client.get("/admin/members/accessrecord/").content.decode()
    assert client.get("/admin/members/choicesynonym/").status_code == 200  # the import's spellings
