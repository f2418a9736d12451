"""Recuperation: model and advanced workers only, not twice within the configured number of years."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assistance import services
from assistance.models import Recuperation, RecuperationRule
from members.models import Honour

pytestmark = pytest.mark.django_db


@pytest.fixture
def honour(applicant_a):
    return Honour.objects.create(member=applicant_a, title="model_worker", level="city", year=2024)


def _send(actor, honour, on):
    return services.recuperation_create(
        actor=actor,
        honour=honour,
        starts_on=on,
        ends_on=on.replace(day=on.day + 4),
        place="无锡太湖",
        cost=Decimal("3200"),
    )


def test_not_twice_within_the_configured_years(city_admin, honour):
    _send(city_admin, honour, date(2022, 5, 10))
    with pytest.raises(ValidationError, match="2022-05-10"):
        _send(city_admin, honour, date(2026, 5, 10))
    RecuperationRule.objects.update(min_years_between=3)  # the rule is data
    _send(city_admin, honour, date(2026, 5, 10))
    assert Recuperation.objects.count() == 2


def test_only_honoured_workers_and_only_the_city_union(city_admin, officer_a, applicant_a, honour):
    other = Honour.objects.create(member=applicant_a, title="contest_prize", level="city", year=2024)
    with pytest.raises(ValidationError):
        _send(city_admin, other, date(2026, 5, 10))
    with pytest.raises(PermissionDenied):
        _send(officer_a, honour, date(2026, 5, 10))


def test_the_page_lists_and_records(client, city_admin, honour):
    client.force_login(city_admin)
    response = client.post(
        "/assistance/recuperation/",
        {"honour": honour.pk, "starts_on": "2026-05-10", "ends_on": "2026-05-14", "place": "无锡太湖", "cost": "3200"},
        follow=True,
    )
    assert "无锡太湖" in response.content.decode()
    response = client.post(
        "/assistance/recuperation/",
        {"honour": honour.pk, "starts_on": "2027-05-10", "ends_on": "2027-05-14", "place": "杭州", "cost": "3200"},
    )
    assert response.status_code == 200 and response.context["form"].errors
