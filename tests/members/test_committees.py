"""Committees and terms (next election, due within 90 days, by-elections, rule warnings) and honours."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from members import services
from members.models import Committee, CommitteePost, Honour
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db


def women(n, unit, start=0):
    return [MemberFactory(unit=unit, gender="F", id_number=valid_id_number(start + i, gender="F")) for i in range(n)]


def test_officer_records_term_and_posts_and_the_unit_page_shows_them(client, officer_a, tree):
    chair, vice = MemberFactory(unit=tree["a"], name="李主席"), MemberFactory(unit=tree["a"], name="王副主席")
    client.force_login(officer_a)
    url = f"/members/units/{tree['a'].pk}/committee/"
    assert client.post(url, {"action": "term", "term_start": "2022-06-01", "term_years": "5"}).status_code == 302
    for member, post in [(chair, "chair"), (vice, "vice_chair")]:
        response = client.post(url, {"action": "post", "member": member.pk, "post": post, "elected_on": "2022-06-01"})
        assert response.status_code == 302
    page = client.get(f"/members/units/{tree['a'].pk}/").content.decode()
    assert "下次换届" in page and "2027-06-01" in page and "李主席" in page and "王副主席" in page
    response = client.post(url, {"action": "post", "member": vice.pk, "post": "chair", "elected_on": "2023-01-01"})
    assert "已有主席" in response.content.decode()


def test_a_by_election_fills_a_post_mid_term_and_an_ended_post_disappears(client, officer_a, tree):
    old, new = MemberFactory(unit=tree["a"], name="老委员"), MemberFactory(unit=tree["a"], name="新委员")
    services.committee_set_term(actor=officer_a, unit=tree["a"], term_start=date(2022, 1, 1), term_years=3)
    holder = services.committee_post_add(
        actor=officer_a, unit=tree["a"], member=old, post="member", elected_on=date(2022, 1, 1), by_election=False
    )
    client.force_login(officer_a)
    url = f"/members/units/{tree['a'].pk}/committee/"
    client.post(url, {"action": "end", "post_id": holder.pk})
    client.post(
        url, {"action": "post", "member": new.pk, "post": "member", "elected_on": "2023-05-01", "by_election": "on"}
    )
    client.get(f"/members/units/{tree['a'].pk}/")  # the messages of the actions above
    page = client.get(f"/members/units/{tree['a'].pk}/").content.decode()
    assert "新委员" in page and "增补" in page and "老委员" not in page
    assert CommitteePost.objects.get(member=old).ended_on == timezone.localdate()  # kept, not deleted


def test_rule_check_warns_about_size_women_committee_audit_and_term(client, officer_a, tree):
    MemberFactory.create_batch(5, unit=tree["a"])
    women(25, tree["a"])
    chair = MemberFactory(unit=tree["a"])
    today = timezone.localdate()
    services.committee_set_term(
        actor=officer_a,
        unit=tree["a"],
        term_start=today.replace(year=today.year - 3) + timedelta(days=30),
        term_years=3,
    )
    services.committee_post_add(
        actor=officer_a, unit=tree["a"], member=chair, post="chair", elected_on=date(2024, 1, 1), by_election=False
    )
    client.force_login(officer_a)
    page = client.get(f"/members/units/{tree['a'].pk}/").content.decode()
    warnings = page.count('data-testid="committee-warning"')
    assert "至少需要 3 人" in page  # 32 members, committee of 1
    assert "女职工委员会" in page  # 25 women
    assert "经费审查委员会" in page
    assert "准备换届" in page  # ends within 30 days
    assert warnings == 4


def test_a_small_unit_with_a_chair_and_the_right_posts_has_no_warnings(officer_a, tree):
    people = MemberFactory.create_batch(3, unit=tree["a"]) + women(1, tree["a"], 100)
    services.committee_set_term(actor=officer_a, unit=tree["a"], term_start=date(2025, 1, 1), term_years=5)
    for member, post in zip(people, ["chair", "audit", "member", "women"], strict=True):
        services.committee_post_add(
            actor=officer_a, unit=tree["a"], member=member, post=post, elected_on=date(2025, 1, 1), by_election=False
        )
    from members.selectors import committee_check, committee_posts

    committee = Committee.objects.get(unit=tree["a"])
    check = committee_check(
        unit=tree["a"], committee=committee, posts=committee_posts(committee=committee), today=date(2026, 1, 1)
    )
    assert check.warnings == []


def test_units_whose_term_ends_within_90_days_are_listed_in_scope(client, officer_a, city_admin, zone_lead, tree):
    today = timezone.localdate()
    Committee.objects.create(
        unit=tree["a"], term_start=today.replace(year=today.year - 5) + timedelta(days=60), term_years=5
    )
    Committee.objects.create(unit=tree["b"], term_start=today.replace(year=today.year - 1), term_years=5)
    Committee.objects.create(
        unit=tree["c"], term_start=today.replace(year=today.year - 3) - timedelta(days=5), term_years=3
    )
    client.force_login(city_admin)
    page = client.get("/members/committees/").content.decode()
    assert page.count('data-testid="committee-row"') == 2 and "市财政局" in page and "市公安局" in page
    assert "已逾期" in page
    assert client.get("/members/committees/?within=all").content.decode().count('data-testid="committee-row"') == 3
    client.force_login(zone_lead)
    page = client.get("/members/committees/?within=all").content.decode()
    assert "市公安局" not in page and "市商务局" in page
    client.force_login(officer_a)
    assert client.get("/members/committees/?within=all").content.decode().count('data-testid="committee-row"') == 1


def test_committee_pages_are_scoped(client, officer_b, zone_lead, member_a, tree):
    url = f"/members/units/{tree['a'].pk}/committee/"
    client.force_login(officer_b)
    assert client.get(url).status_code == 404
    client.force_login(zone_lead)
    assert client.get(url).status_code == 403
    client.force_login(member_a)
    assert client.get(url).status_code == 404
    assert client.get("/members/committees/").status_code == 403


def test_honours_on_the_member_page_and_in_the_list(client, officer_a, officer_b, tree):
    m = MemberFactory(unit=tree["a"], name="劳模甲")
    client.force_login(officer_a)
    response = client.post(
        f"/members/{m.pk}/honours/new/",
        {
            "title": "model_worker",
            "name": "2025年度南通市劳动模范",
            "level": "city",
            "year": "2025",
            "awarded_by": "南通市人民政府",
        },
    )
    assert response.status_code == 302
    assert "2025年度南通市劳动模范" in client.get(f"/members/{m.pk}/").content.decode()
    Honour.objects.create(
        member=MemberFactory(unit=tree["b"], name="先进乙"), title="advanced_worker", level="unit", year=2024
    )
    page = client.get("/members/honours/").content.decode()
    assert "劳模甲" in page and "先进乙" not in page
    assert client.get("/members/honours/?level=national").content.decode().count('data-testid="honour-row"') == 0
    assert (
        client.get("/members/honours/?year=2025&title=model_worker").content.decode().count('data-testid="honour-row"')
        == 1
    )
    bad = client.post(f"/members/{m.pk}/honours/new/", {"title": "model_worker", "level": "city", "year": "3000"})
    assert bad.status_code == 200 and Honour.objects.filter(member=m).count() == 1
    client.force_login(officer_b)
    assert client.get(f"/members/{m.pk}/honours/new/").status_code == 404
    assert "劳模甲" not in client.get("/members/honours/").content.decode()
