"""Talk records are confidential: officers of the member's unit holding voice.manage_talks, and the city admin."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from members.fields import TOKEN_PREFIXES
from members.roles import ROLE_GROUPS
from members.scoping import forget_scope
from tests.factories import MemberFactory
from tests.voice.factories import TalkFactory
from voice.models import FollowUp, Talk


@pytest.fixture
def talk(tree):
    t = TalkFactory(member=MemberFactory(unit=tree["a"], name="李心语"), topics="家庭困难", held_on=date(2026, 1, 5))
    FollowUp.objects.create(talk=t, action="申请帮扶", due_on=date(2026, 2, 1))
    return t


def test_unit_officers_hold_the_care_permission_by_default(officer_a, zone_lead, city_admin):
    assert officer_a.has_perm("voice.manage_talks")
    assert city_admin.has_perm("voice.manage_talks")
    assert not zone_lead.has_perm("voice.manage_talks")


def test_officer_of_the_unit_and_city_admin_see_the_talk(talk, officer_a, city_admin, client_for):
    for user in (officer_a, city_admin):
        c = client_for(user)
        assert "家庭困难" in c.get(reverse("voice:talk_detail", args=[talk.pk])).content.decode()
        assert "李心语" in c.get(reverse("voice:talks")).content.decode()
    from members.models import AccessRecord

    readings = AccessRecord.objects.filter(target_model="voice.talk", target_id=talk.pk).order_by("pk")
    assert [(r.actor, r.action, r.app) for r in readings] == [
        (officer_a, "view", "voice"),
        (city_admin, "view", "voice"),
    ]


def test_others_get_404_or_403_and_never_the_content(talk, officer_b, zone_lead, member_a, client_for):
    from members.models import AccessRecord

    expected = {officer_b: 404, zone_lead: 403, member_a: 404}
    for user, status in expected.items():
        c = client_for(user)
        assert c.get(reverse("voice:talk_detail", args=[talk.pk])).status_code == status, user
        assert c.get(reverse("voice:talk_new", args=[talk.member.pk])).status_code == status, user
        fu = talk.follow_ups.get()
        assert c.post(reverse("voice:follow_up_done", args=[fu.pk])).status_code == status, user
        listing = c.get(reverse("voice:talks"))
        assert listing.status_code == 200 and "李心语" not in listing.content.decode() or listing.status_code == 403
    # Plain members and zone leads without the permission cannot open the talk list at all.
    assert client_for(member_a).get(reverse("voice:talks")).status_code == 403
    assert client_for(zone_lead).get(reverse("voice:talks")).status_code == 403
    assert not AccessRecord.objects.exists()  # a refused reading is no reading
    assert client_for(zone_lead).get(reverse("voice:talks_due")).status_code == 403


def test_an_officer_without_the_care_permission_gets_403(talk, officer_a, client_for):
    group = Group.objects.get(name=ROLE_GROUPS["unit_officer"])
    group.permissions.remove(Permission.objects.get(codename="manage_talks"))
    forget_scope(officer_a)
    c = client_for(officer_a)
    assert c.get(reverse("voice:talks")).status_code == 403
    assert c.get(reverse("voice:talk_detail", args=[talk.pk])).status_code == 403
    assert "最近一次谈心" not in c.get(reverse("members:detail", args=[talk.member.pk])).content.decode()


def test_a_zone_lead_given_the_permission_still_sees_no_talk(talk, zone_lead, client_for):
    zone_lead.user_permissions.add(Permission.objects.get(codename="manage_talks"))
    c = client_for(zone_lead)
    listing = c.get(reverse("voice:talks"))
    assert listing.status_code == 200  # the list opens (an officer holding the permission) ...
    assert "李心语" not in listing.content.decode() and len(listing.context["page"]) == 0  # ... and is empty
    assert c.get(reverse("voice:talk_detail", args=[talk.pk])).status_code == 403


def test_member_page_shows_the_last_talk_only_to_those_allowed(talk, officer_a, zone_lead, client_for):
    TalkFactory(member=talk.member, held_on=date(2025, 6, 1))
    url = reverse("members:detail", args=[talk.member.pk])
    html = client_for(officer_a).get(url).content.decode()
    assert "最近一次谈心" in html and "2026-01-05" in html
    assert "最近一次谈心" not in client_for(zone_lead).get(url).content.decode()
    own = talk.member
    from tests.factories import UserFactory

    own.user = UserFactory(username="lixinyu")
    own.save()
    assert "最近一次谈心" not in client_for(own.user).get(url).content.decode()


def test_officer_records_a_talk_with_follow_ups(tree, officer_a, client_for):
    member = MemberFactory(unit=tree["a"])
    c = client_for(officer_a)
    today = timezone.localdate()
    response = c.post(
        reverse("voice:talk_new", args=[member.pk]),
        {
            "held_on": today.isoformat(),
            "talked_by": "工会主席",
            "topics": "岗位调整",
            "concerns": "通勤远",
            "action_1": "协调班车",
            "due_1": (today + timedelta(days=10)).isoformat(),
        },
    )
    talk = Talk.objects.get(member=member)
    assert response.url == reverse("voice:talk_detail", args=[talk.pk])
    assert talk.recorded_by == officer_a and talk.follow_ups.get().action == "协调班车"
    # The concerns raised are encrypted at rest: a token in the database, the text on the talk's page.
    with connection.cursor() as cursor:
        cursor.execute("SELECT concerns FROM voice_talk WHERE id = %s", [talk.pk])
        assert cursor.fetchone()[0].startswith(TOKEN_PREFIXES)
    assert talk.concerns == "通勤远" and "通勤远" in c.get(response.url).content.decode()
    fu = talk.follow_ups.get()
    c.post(reverse("voice:follow_up_done", args=[fu.pk]))
    fu.refresh_from_db()
    assert fu.done_on == today


def test_talk_form_errors_name_the_field(tree, officer_a, client_for):
    member = MemberFactory(unit=tree["a"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client_for(officer_a).post(
        reverse("voice:talk_new", args=[member.pk]),
        {"held_on": future, "talked_by": "x", "topics": "y", "action_1": "do", "due_1": ""},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "due_1" in form.errors
    assert not Talk.objects.exists()
    response = client_for(officer_a).post(
        reverse("voice:talk_new", args=[member.pk]), {"held_on": future, "talked_by": "x", "topics": "y"}
    )
    assert "held_on" in response.context["form"].errors


def test_members_without_a_talk_page_by_page_in_unit_and_pinyin_order(tree, city_admin, client_for):
    """The default order (issue #23: the pages read unit by unit from kept per-unit counts): every page together
    is the members without a recent talk, unit by unit and by name in pinyin (阿 before 白 before 张, the reverse of
    their character codes), none twice, none missing, whichever unit the page boundary falls in."""
    today = timezone.localdate()
    names = ["张晓明", "白雪", "阿依古丽", "李娜", "王芳", "赵敏", "陈静"]
    for unit in ("a", "b"):
        for n in names:
            MemberFactory(unit=tree[unit], name=n)
    talked = MemberFactory(unit=tree["a"], name="艾青")
    TalkFactory(member=talked, held_on=today - timedelta(days=10))
    c = client_for(city_admin)
    seen = []
    for number in (1, 2, 3, 4, 5):
        page = c.get(reverse("voice:talks_due") + f"?per_page=10&page={number}").context["page"]
        seen += [(m.unit.name, m.name) for m in page.object_list]
        if not page.has_next():
            break
    from members.models import Member
    from members.pinyin import name_keys

    expected = sorted(
        Member.objects.filter(status__in=["active", "retained"]).exclude(pk=talked.pk).select_related("unit"),
        key=lambda m: (m.unit.sort_order, m.unit.name, name_keys(m.name)[0], m.pk),
    )
    assert seen == [(m.unit.name, m.name) for m in expected]
    assert ("市财政局", "艾青") not in seen
    a_names = [n for u, n in seen if u == tree["a"].name]
    assert a_names.index("阿依古丽") < a_names.index("白雪") < a_names.index("张晓明")


def test_members_without_a_talk_in_twelve_months(tree, officer_a, client_for):
    today = timezone.localdate()
    recent = MemberFactory(unit=tree["a"], name="赵近期")
    TalkFactory(member=recent, held_on=today - timedelta(days=100))
    old = MemberFactory(unit=tree["a"], name="钱久远")
    TalkFactory(member=old, held_on=today - timedelta(days=400))
    MemberFactory(unit=tree["a"], name="孙从未")
    MemberFactory(unit=tree["b"], name="周外单位")
    html = client_for(officer_a).get(reverse("voice:talks_due")).content.decode()
    assert "钱久远" in html and "孙从未" in html
    assert "赵近期" not in html and "周外单位" not in html
