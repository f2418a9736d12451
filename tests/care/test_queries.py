"""Query counts of the care app's lists: fixed, whatever the number of rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from care import services
from care.models import HealthCheck, LegalRequest, TrainingRecord
from tests.care.conftest import slot_at
from tests.care.test_joining import apply
from tests.care.test_training_attendance import attend, training_class
from tests.factories import MemberFactory, valid_id_number


def _many(tree, n):
    members = MemberFactory.create_batch(n, unit=tree["a"])
    today = timezone.localdate()
    classes = [training_class(tree["a"], title=f"培训班{k}") for k in range(2)]
    for i, m in enumerate(members):
        TrainingRecord.objects.create(member=m, title="课程", on=today, hours=Decimal("2"))
        for activity in classes:  # attended training classes: rows of the training list too
            attend(activity, m)
        HealthCheck.objects.create(member=m, year=today.year, planned_on=today + timedelta(days=3)) if i % 2 else None
        LegalRequest.objects.create(member=m, subject=f"问题{i}", description="描述")
    for i in range(n):
        apply(tree["a"], id_number=valid_id_number(7000 + i), gender="", mobile=f"139629{i:05d}")
    return members


@pytest.mark.parametrize("n", [3, 8])
def test_officer_lists_take_a_fixed_number_of_queries(
    n, tree, officer_a, city_admin, client_for, django_assert_num_queries
):
    from django.core.cache import cache

    cache.clear()
    _many(tree, n)
    officer, admin = client_for(officer_a), client_for(city_admin)
    officer.get(reverse("care:applications"))  # the session and the scope, once
    admin.get(reverse("care:legal_inbox"))
    for client, url, queries in (
        (officer, reverse("care:applications"), 5),
        (officer, reverse("care:training"), 5),
        (officer, reverse("care:health"), 4),
        (officer, reverse("care:officers_untrained"), 5),
        (admin, reverse("care:legal_inbox"), 4),
    ):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 6])
def test_the_own_training_page_takes_a_fixed_number_of_queries(
    n, tree, member_a, officer_a, client_for, django_assert_num_queries
):
    """Typed records and attended classes: one query (a UNION) whatever their number."""
    for k in range(n):
        attend(training_class(tree["a"], title=f"培训班{k}"), member_a)
        services.training_record_add(
            actor=officer_a, member_id=member_a.member.pk, title=f"课程{k}", on=timezone.localdate(), hours=Decimal("1")
        )
    c = client_for(member_a)
    c.get(reverse("care:mine"))
    with django_assert_num_queries(5):
        assert c.get(reverse("care:mine")).status_code == 200


def test_the_counselling_page_takes_a_fixed_number_of_queries(
    counsellor, member_a, client_for, django_assert_num_queries
):
    for day in range(1, 6):
        slot_at(counsellor, days=day)
    services.booking_create(actor=member_a, slot_id=slot_at(counsellor, days=7).pk)
    c = client_for(member_a)
    c.get(reverse("care:counselling"))
    with django_assert_num_queries(8):
        assert c.get(reverse("care:counselling")).status_code == 200
