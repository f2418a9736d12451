"""Team competitions: size limits, the unit's quota, one team per person, the waitlist of teams."""

import pytest
from django.core.exceptions import ValidationError

from activities import services
from activities.models import Registration, Team
from tests.factories import MemberFactory

from .conftest import member_with_login
from .factories import TeamActivityFactory

pytestmark = pytest.mark.django_db


def make_team(actor, activity, name, members):
    return services.team_create(
        actor=actor,
        activity_id=activity.pk,
        name=name,
        captain_id=members[0].pk,
        member_ids=[m.pk for m in members[1:]],
    )


def test_member_forms_a_team_of_the_own_unit_within_the_limits(tree, member_a):
    act = TeamActivityFactory(organizer=tree["city"], capacity=8)
    mates = MemberFactory.create_batch(4, unit=tree["a"])
    with pytest.raises(ValidationError, match="2 至 4"):
        make_team(member_a, act, "一队", [member_a.member])
    with pytest.raises(ValidationError, match="2 至 4"):
        make_team(member_a, act, "一队", [member_a.member, *mates])
    other_unit = MemberFactory(unit=tree["b"])
    with pytest.raises(ValidationError):
        make_team(member_a, act, "一队", [member_a.member, other_unit])
    team = make_team(member_a, act, "财政一队", [member_a.member, mates[0], mates[1]])
    assert team.status == "confirmed" and team.captain == member_a.member
    assert set(Registration.objects.filter(team=team).values_list("member_id", flat=True)) == {
        member_a.member.pk,
        mates[0].pk,
        mates[1].pk,
    }
    # One person is in at most one team per activity.
    with pytest.raises(ValidationError, match="已报名本活动"):
        make_team(member_a, act, "财政二队", [mates[1], mates[2]])


def test_unit_quota_of_teams(tree, member_a):
    act = TeamActivityFactory(organizer=tree["city"], capacity=8, teams_per_unit=1)
    mates = MemberFactory.create_batch(4, unit=tree["a"])
    make_team(member_a, act, "一队", [member_a.member, mates[0]])
    with pytest.raises(ValidationError, match="限报 1 队"):
        make_team(member_a, act, "二队", [mates[1], mates[2]])


def test_ninth_team_is_waitlisted_and_a_withdrawal_promotes_it(tree):
    act = TeamActivityFactory(organizer=tree["city"], capacity=8, teams_per_unit=3)
    units = [tree["a"], tree["b"], tree["c"]]
    teams, captains = [], []
    for i in range(9):
        unit = units[i % 3]
        captain = member_with_login(unit, f"cap{i}")
        captains.append(captain)
        teams.append(make_team(captain, act, f"第{i + 1}队", [captain.member, MemberFactory(unit=unit)]))
    assert [t.status for t in teams] == ["confirmed"] * 8 + ["waitlisted"]
    assert teams[8].waitlist_position == 1
    assert set(Registration.objects.filter(team=teams[8]).values_list("status", flat=True)) == {"waitlisted"}
    services.team_cancel(actor=captains[0], team_id=teams[0].pk)
    t9 = Team.objects.get(pk=teams[8].pk)
    assert (t9.status, t9.waitlist_position) == ("confirmed", None)
    assert set(Registration.objects.filter(team=t9).values_list("status", flat=True)) == {"confirmed"}
    assert captains[8].notifications.filter(kind="activity_promoted").count() == 1


def test_team_page_flow_for_a_member(client, tree, member_a):
    act = TeamActivityFactory(organizer=tree["city"], capacity=1)
    mate = MemberFactory(unit=tree["a"], name="李明")
    client.force_login(member_a)
    page = client.get(f"/activities/{act.pk}/teams/new/").content.decode()
    assert "李明" in page and MemberFactory(unit=tree["b"], name="王外单").name not in page
    response = client.post(
        f"/activities/{act.pk}/teams/new/",
        {"name": "财政队", "captain": member_a.member.pk, "members": [mate.pk]},
        follow=True,
    )
    assert "队伍“财政队”报名成功" in response.content.decode()
    # A bad submission is refused with a message naming the problem, nothing saved.
    response = client.post(f"/activities/{act.pk}/teams/new/", {"name": "", "captain": "x"})
    assert response.status_code == 200 and Team.objects.count() == 1
