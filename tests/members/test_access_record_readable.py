"""An access record people can read (issue #17): one "view" per person, object and day; everything in Chinese;
filters by object and by whose data; "who saw this person's data" for the city administrator."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from members.audit import record_access
from members.models import AccessAction, AccessRecord
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_an_approval_session_of_19_reloads_is_one_view_and_the_next_day_another(client, tree, officer_a):
    """Yesterday's session is lived yesterday (the record is append-only: no row can be moved back a day)."""
    case = open_case(officer_a, MemberFactory(unit=tree["a"]))
    with freeze_time(timezone.localtime() - timedelta(days=1)):
        client.force_login(officer_a)
        for _ in range(19):
            assert client.get(f"/assistance/{case.pk}/").status_code == 200
    views = AccessRecord.objects.filter(action="view", target_id=case.pk)
    assert views.count() == 1
    client.force_login(officer_a)
    assert client.get(f"/assistance/{case.pk}/").status_code == 200
    assert AccessRecord.objects.filter(action="view", target_id=case.pk).count() == 2


def test_the_database_holds_one_view_a_day_even_against_a_second_writer(tree, officer_a):
    member = MemberFactory(unit=tree["a"])
    first = record_access(actor=officer_a, action=AccessAction.VIEW, what="x", obj=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessRecord.objects.create(
            actor=officer_a,
            action="view",
            what="x",
            app="members",
            target_model=first.target_model,
            target_id=first.target_id,
            view_day=first.view_day,
        )


def test_reveals_and_exports_stay_one_record_each(client, tree, city_admin):
    member = MemberFactory(unit=tree["a"])
    client.force_login(city_admin)
    for _ in range(3):
        client.post(f"/members/{member.pk}/id-number/")
        b"".join(client.get("/members/export/").streaming_content)
    assert AccessRecord.objects.filter(action="reveal_id").count() == 3
    assert AccessRecord.objects.filter(action="export").count() == 3


def test_the_filters_of_an_export_are_recorded_in_chinese(client, tree, officer_a):
    MemberFactory(unit=tree["a"], gender="F")
    client.force_login(officer_a)
    b"".join(client.get("/members/export/", {"gender": "F", "unit": tree["a"].pk}).streaming_content)
    record = AccessRecord.objects.get(action="export")
    assert "性别=女" in record.filters and "单位=市财政局" in record.filters
    assert "gender" not in record.filters


def test_who_saw_this_persons_data(client, tree, officer_a, city_admin):
    watched = MemberFactory(unit=tree["a"], name="顾晓燕")
    other = MemberFactory(unit=tree["a"], name="周大伟")
    case = open_case(officer_a, watched)
    client.force_login(officer_a)
    client.get(f"/assistance/{case.pk}/")  # the officer reads her hardship file
    client.force_login(city_admin)
    client.post(f"/members/{watched.pk}/id-number/")  # the city reveals her ID number
    client.post(f"/members/{other.pk}/id-number/")  # and someone else's
    page = client.get(f"/members/{watched.pk}/").content.decode()
    assert f"/members/access-records/?member={watched.pk}" in page
    page = client.get("/members/access-records/", {"member": watched.pk}).content.decode()
    assert "顾晓燕" in page and page.count('data-testid="access-row"') == 2
    assert "困难职工档案" in page  # the object's kind, in Chinese
    # the export follows the same filter, with the object kind and the section in Chinese
    data = b"".join(client.get("/members/access-records/export/", {"member": watched.pk}).streaming_content)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 3 and "对象" in rows[0]
    assert any("困难职工档案" in [str(c) for c in row] for row in rows[1:])


def test_the_member_page_offers_the_record_only_to_the_city(client, tree, officer_a):
    member = MemberFactory(unit=tree["a"])
    client.force_login(officer_a)
    assert "who-saw" not in client.get(f"/members/{member.pk}/").content.decode()
    assert client.get("/members/access-records/", {"member": member.pk}).status_code == 403


def test_the_record_filters_by_kind_of_object(client, tree, officer_a, city_admin):
    case = open_case(officer_a, MemberFactory(unit=tree["a"]))
    client.force_login(officer_a)
    client.get(f"/assistance/{case.pk}/")
    client.force_login(city_admin)
    client.post(f"/members/{case.member_id}/id-number/")
    page = client.get("/members/access-records/", {"kind": "assistance.hardshipcase"}).content.decode()
    assert page.count('data-testid="access-row"') == 1
