"""Joining online: the public page, the ID check of the import, throttling, the officer's decision."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from care import links, services
from care.models import ApplicationStatus, JoinApplication
from members.models import Member, MembershipChange
from notifications.models import Notification
from tests.factories import MemberFactory, valid_id_number

ID = valid_id_number(4242, gender="F")


def form_data(**overrides):
    data = {
        "name": "顾晓雯",
        "id_number": ID,
        "gender": "",
        "birth_date": "",
        "ethnicity": "01",
        "political_status": "masses",
        "employment_type": "agency",
        "mobile": "13962900001",
        "email": "gu@example.com",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def join_url(unit):
    return reverse("care:join", args=[links.join_key(unit.pk)])


def apply(unit, **overrides):
    return Client().post(join_url(unit), form_data(**overrides))


def test_an_outsider_applies_without_a_login_and_sees_only_the_own_status(tree, officer_a):
    page = Client().get(join_url(tree["a"]))
    assert page.status_code == 200 and "市财政局" in page.content.decode()
    response = apply(tree["a"])
    assert response.status_code == 302
    application = JoinApplication.objects.get()
    assert application.unit == tree["a"] and application.status == ApplicationStatus.PENDING
    # gender and birth date came from the ID number; the number is stored as the members' record stores it
    assert (
        application.gender == "F" and application.birth_date.isoformat() == ID[6:10] + "-" + ID[10:12] + "-" + ID[12:14]
    )
    assert ID not in application.id_number_encrypted and application.id_number_masked != ID
    status = Client().get(response["Location"])
    assert status.status_code == 200 and "顾晓雯" in status.content.decode()
    # the unit's officers are told
    assert Notification.objects.filter(recipient=officer_a, kind="care_application").exists()


def test_a_forged_or_other_units_key_opens_nothing(tree):
    key = links.join_key(tree["a"].pk)
    assert Client().get(reverse("care:join", args=[key[:-2] + "xx"])).status_code == 404
    assert Client().get(reverse("care:join", args=[str(tree["a"].pk)])).status_code == 404
    # a zone is no unit: even a correctly signed key of it opens nothing
    assert Client().get(reverse("care:join", args=[links.join_key(tree["zone1"].pk)])).status_code == 404
    assert Client().get(reverse("care:join_status", args=["abc.def"])).status_code == 404


def test_the_id_check_of_the_import_applies(tree):
    bad = apply(tree["a"], id_number=ID[:-1] + ("0" if ID[-1] != "0" else "1"))
    assert bad.status_code == 200 and "校验" in bad.content.decode() or bad.status_code == 200
    assert not JoinApplication.objects.exists()
    wrong_gender = apply(tree["a"], gender="M")
    assert wrong_gender.status_code == 200 and not JoinApplication.objects.exists()
    assert "性别" in wrong_gender.content.decode() or "gender" in wrong_gender.content.decode()


def test_the_page_shows_nobody_elses_data_even_for_an_existing_members_number(tree):
    """A stranger typing a member's ID number learns nothing: no name, no unit, no card."""
    existing = MemberFactory(unit=tree["b"], name="秘密人", card_number="SECRET77", id_number=valid_id_number(77))
    number = valid_id_number(77)
    response = apply(tree["a"], id_number=number, gender="", name="张三")
    html = (
        Client().get(response["Location"]).content.decode()
        if response.status_code == 302
        else response.content.decode()
    )
    for secret in ("秘密人", "SECRET77", existing.unit.name):
        assert secret not in html


def test_a_second_pending_application_for_the_same_person_is_refused(tree):
    apply(tree["a"])
    again = apply(tree["a"], mobile="13962900002")
    assert again.status_code == 200 and JoinApplication.objects.count() == 1


def test_the_page_is_throttled_per_address(tree):
    for i in range(5):
        apply(tree["a"], id_number=valid_id_number(5000 + i), gender="", mobile=f"1396290000{i}")
    assert JoinApplication.objects.count() == 5
    blocked = apply(tree["a"], id_number=valid_id_number(5100), gender="", mobile="13962900009")
    assert blocked.status_code == 429 and JoinApplication.objects.count() == 5


def test_a_robot_filling_the_hidden_field_is_refused(tree):
    assert apply(tree["a"], website="http://spam").status_code == 200
    assert not JoinApplication.objects.exists()


@pytest.fixture
def application(tree):
    apply(tree["a"])
    return JoinApplication.objects.get()


def test_the_officer_accepts_member_and_login_are_created_and_history_says_how(
    application, officer_a, client_for, django_capture_on_commit_callbacks
):
    c = client_for(officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        page = c.post(
            reverse("care:application_accept", args=[application.pk]),
            {"card_number": "J2026001", "join_date": timezone.localdate().isoformat()},
        )
    assert page.status_code == 200 and "J2026001" in page.content.decode()
    member = Member.objects.get(card_number="J2026001")
    assert member.unit == application.unit and member.user is not None and member.employment_type == "agency"
    assert member.user.must_change_password and member.user.email == "gu@example.com"
    change = MembershipChange.objects.get(member=member)
    assert "网上入会" in change.reason or "online" in change.reason.lower()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED and application.member == member
    assert [h.history_change_reason for h in application.history.order_by("history_id")][-1] == "accepted"
    assert services.application_tell(application_id=application.pk)  # what the task does
    assert len(mail.outbox) == 1 and "gu@example.com" in mail.outbox[0].to
    assert Notification.objects.filter(recipient=member.user, kind="care_application").exists()


def test_the_officer_declines_with_a_reason_and_the_applicant_is_told(
    application, officer_a, client_for, django_capture_on_commit_callbacks
):
    c = client_for(officer_a)
    assert c.post(reverse("care:application_decline", args=[application.pk]), {"reason": ""}).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING  # no reason: nothing happens
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("care:application_decline", args=[application.pk]), {"reason": "非本单位在岗人员"})
    application.refresh_from_db()
    services.application_tell(application_id=application.pk)
    assert application.status == ApplicationStatus.DECLINED
    assert len(mail.outbox) == 1 and "非本单位在岗人员" in mail.outbox[0].body
    services.application_tell(application_id=application.pk)  # a retry sends nothing twice
    assert len(mail.outbox) == 1
    status = Client().get(reverse("care:join_status", args=[links.status_key(application)])).content.decode()
    assert "非本单位在岗人员" in status


def test_another_units_officer_can_neither_see_nor_decide(application, officer_b, member_a, client_for):
    """Attack: officer B (same zone) and a member try to read and accept unit A's application."""
    for user in (officer_b,):
        c = client_for(user)
        assert c.get(reverse("care:application_detail", args=[application.pk])).status_code == 404
        c.post(
            reverse("care:application_accept", args=[application.pk]), {"card_number": "X1", "join_date": "2026-01-01"}
        )
        assert "顾晓雯" not in c.get(reverse("care:applications")).content.decode()
    c = client_for(member_a)
    assert c.get(reverse("care:applications")).status_code == 403
    c.post(reverse("care:application_accept", args=[application.pk]), {"card_number": "X1", "join_date": "2026-01-01"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING and not Member.objects.filter(card_number="X1").exists()


def test_accepting_an_existing_members_number_is_refused_with_a_message(tree, officer_a, client_for):
    MemberFactory(unit=tree["a"], id_number=ID, name="已在册")
    apply(tree["a"])
    application = JoinApplication.objects.get()
    page = client_for(officer_a).post(
        reverse("care:application_accept", args=[application.pk]), {"card_number": "J1", "join_date": "2026-01-05"}
    )
    assert page.status_code == 200 and "已在册" in page.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.text(max_size=60),
    id_number=st.text(max_size=25),
    mobile=st.text(max_size=15),
    birth=st.one_of(st.just(""), st.text(max_size=12)),
)
def test_whatever_is_typed_the_page_answers_without_a_500(tree, name, id_number, mobile, birth):
    from django.core.cache import cache

    cache.clear()
    response = apply(tree["a"], name=name, id_number=id_number, mobile=mobile, birth_date=birth)
    assert response.status_code in (200, 302)
