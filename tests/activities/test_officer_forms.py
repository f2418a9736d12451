"""The officer's forms: a new activity's defaults and copying a previous one; registering members on their
behalf with search as you type, a unit filter and counts."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from activities import services
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_new_activity_starts_next_week_at_half_past_two(client, officer_a):
    client.force_login(officer_a)
    form = client.get("/activities/new/").context["form"]
    starts = timezone.localtime(form.initial["starts_at"])
    assert starts.date() == timezone.localdate() + timedelta(days=7) and starts.time() == time(14, 30)
    assert form.initial["ends_at"] - form.initial["starts_at"] == timedelta(hours=2)
    closes = timezone.localtime(form.initial["registration_closes_at"])
    assert closes.date() == starts.date() - timedelta(days=1)
    assert form.initial["cancellation_deadline"] == form.initial["registration_closes_at"]
    assert abs(form.initial["registration_opens_at"] - timezone.now()) < timedelta(minutes=2)


def test_copy_from_a_previous_activity_takes_its_fields_not_its_dates(client, officer_a, tree):
    old = ActivityFactory(organizer=tree["a"], title="职工乒乓球赛", place="市体育馆", capacity=40)
    client.force_login(officer_a)
    response = client.get(f"/activities/new/?copy={old.pk}")
    form = response.context["form"]
    assert (form.initial["title"], form.initial["place"], form.initial["capacity"]) == ("职工乒乓球赛", "市体育馆", 40)
    assert form.initial["starts_at"] != old.starts_at
    assert "职工乒乓球赛" in response.content.decode()


def test_an_officer_cannot_copy_another_units_activity(client, officer_b, tree):
    """The attacker (officer of unit B) guesses the id of unit A's activity to read its details."""
    old = ActivityFactory(organizer=tree["a"], title="甲单位内部培训")
    client.force_login(officer_b)
    response = client.get(f"/activities/new/?copy={old.pk}")
    assert response.status_code == 404
    page = client.get("/activities/new/").content.decode()
    assert "甲单位内部培训" not in page  # nor offered in the list


def test_register_on_behalf_searches_counts_and_marks_the_registered(client, officer_a, tree):
    act = ActivityFactory(organizer=tree["a"])
    zxm = MemberFactory(unit=tree["a"], name="张晓明")
    done = MemberFactory(unit=tree["a"], name="张晓东")
    MemberFactory.create_batch(3, unit=tree["a"])
    MemberFactory(unit=tree["b"], name="张晓强")  # another unit: never offered
    services.registrations_create_for(actor=officer_a, activity_id=act.pk, member_ids=[done.pk])
    client.force_login(officer_a)
    url = f"/activities/{act.pk}/register-members/"
    partial = client.get(url, {"q": "zx"}, HTTP_HX_REQUEST="true")
    page = partial.content.decode()
    assert "<html" not in page  # only the list
    assert [m.name for m in partial.context["candidates"]] == ["张晓东", "张晓明"]
    assert partial.context["found"] == 2 and partial.context["found_open"] == 1
    assert "张晓强" not in page
    assert f'value="{done.pk}" disabled' in page
    full = client.get(url).content.decode()
    assert 'data-testid="select-open"' in full and "张晓强" not in full
    response = client.post(url, {"members": [zxm.pk]}, follow=True)
    assert act.registrations.filter(member=zxm).exists()
    assert response.status_code == 200


def test_register_on_behalf_refuses_another_units_member_by_id(client, officer_a, tree):
    """The attacker (officer A) posts the id of a member of unit B."""
    act = ActivityFactory(organizer=tree["a"])
    other = MemberFactory(unit=tree["b"])
    client.force_login(officer_a)
    client.post(f"/activities/{act.pk}/register-members/", {"members": [other.pk]})
    assert not act.registrations.filter(member=other).exists()
