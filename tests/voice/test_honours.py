"""Units hold honours (模范职工之家 ...), shown on the unit's page and in the union's honour roll."""

import pytest
from django.urls import reverse

from tests.voice.factories import UnitHonourFactory
from voice.models import UnitHonour


def test_unit_page_shows_its_honours(tree, officer_a, client_for):
    UnitHonourFactory(unit=tree["a"], name="江苏省模范职工之家", level="provincial", year=2024)
    UnitHonourFactory(unit=tree["b"], name="南通市先进基层工会", year=2025)
    html = client_for(officer_a).get(reverse("members:unit_detail", args=[tree["a"].pk])).content.decode()
    assert "江苏省模范职工之家" in html and "省级" in html
    assert "南通市先进基层工会" not in html


def test_honour_roll_lists_filters_and_sorts(tree, member_a, client_for):
    UnitHonourFactory(unit=tree["a"], name="江苏省模范职工之家", year=2024)
    UnitHonourFactory(unit=tree["c"], title="reading_room_demo", name="全国职工书屋示范点", year=2023)
    c = client_for(member_a)
    html = c.get(reverse("voice:honours")).content.decode()
    assert html.index("江苏省模范职工之家") < html.index("全国职工书屋示范点")  # newest first
    filtered = c.get(reverse("voice:honours") + "?title=reading_room_demo").content.decode()
    assert "全国职工书屋示范点" in filtered and "江苏省模范职工之家" not in filtered
    assert c.get(reverse("voice:honours") + "?year=abc&sort=zz").status_code == 200


def test_only_the_city_administrator_records_and_deletes_honours(tree, officer_a, city_admin, client_for):
    data = {
        "unit": tree["a"].pk,
        "title": "model_staff_home",
        "level": "city",
        "year": 2025,
        "name": "南通市模范职工之家",
    }
    assert client_for(officer_a).post(reverse("voice:honour_new"), data).status_code == 403
    admin = client_for(city_admin)
    assert admin.post(reverse("voice:honour_new"), data).status_code == 302
    honour = UnitHonour.objects.get()
    again = admin.post(reverse("voice:honour_new"), data)
    assert again.status_code == 200 and UnitHonour.objects.count() == 1  # the same honour twice: refused
    assert client_for(officer_a).post(reverse("voice:honour_delete", args=[honour.pk])).status_code == 403
    admin.post(reverse("voice:honour_delete", args=[honour.pk]))
    assert not UnitHonour.objects.exists()


@pytest.mark.parametrize("year", ["1800", "abc", ""])
def test_bad_year_is_a_field_error(tree, city_admin, client_for, year):
    data = {"unit": tree["a"].pk, "title": "model_staff_home", "level": "city", "year": year}
    response = client_for(city_admin).post(reverse("voice:honour_new"), data)
    assert response.status_code == 200 and "year" in response.context["form"].errors
