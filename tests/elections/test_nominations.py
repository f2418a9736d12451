"""Nominations (候选人推荐) by members: a member of the unit nominates a colleague (or themself) during the
nomination step; the officer sees them counted per person and puts them on the candidate list, next to the
union groups' nominations the officer records."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from elections import services
from elections.models import Candidate, Nomination, Status
from members.models import Post
from tests.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _nominating(officer, city_admin, unit):
    e = services.election_create(
        actor=officer,
        unit=unit,
        kind="reelection",
        title="第五届委员会换届",
        assembly="members",
        voting_mode="online",
        vote_date=timezone.localdate(),
        term_years=5,
    )
    race = services.race_set(actor=officer, election=e, post=Post.MEMBER, seats=2, planned_candidates=3)
    services.election_submit_plan(actor=officer, election=e)
    services.election_decide(actor=city_admin, election=e, step="plan", approve=True)
    e.refresh_from_db()
    return e, race


def _nominate(client, e, race, nominee):
    return client.post(reverse("elections:nominate", args=[e.pk]), {"race": race.pk, "nominee": nominee.pk})


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_members_nominate_and_the_officer_builds_the_list(client, tree, officer_a, city_admin, member_a):
    e, race = _nominating(officer_a, city_admin, tree["a"])
    colleague = MemberFactory(unit=tree["a"], name="王小红")
    other = MemberFactory(unit=tree["a"], user=UserFactory(username="colleague2"))
    group_pick = MemberFactory(unit=tree["a"], name="李建国")

    client.force_login(member_a)
    listing = client.get(reverse("elections:list")).content.decode()
    assert reverse("elections:nominate", args=[e.pk]) in listing  # the way in, from the member's elections page
    page = client.get(reverse("elections:nominate", args=[e.pk]))
    assert page.status_code == 200 and "王小红" in page.content.decode()
    assert _nominate(client, e, race, colleague).status_code == 302
    response = _nominate(client, e, race, colleague)  # twice: refused, with the reason
    assert "已经推荐" in _messages(response)
    _nominate(client, e, race, member_a.member)  # oneself
    client.force_login(other.user)
    _nominate(client, e, race, colleague)
    assert Nomination.objects.filter(race=race, nominee=colleague).count() == 2
    assert Nomination.objects.count() == 3

    # The officer sees them counted per person and puts the most nominated on the list; a union group's
    # nomination is still recorded by the officer.
    client.force_login(officer_a)
    detail = client.get(reverse("elections:detail", args=[e.pk]))
    tallies = detail.context["member_nominations"][race.pk]
    assert [(t.name, t.count, t.candidate) for t in tallies][0] == ("王小红", 2, False)
    assert 'data-testid="member-nominations"' in detail.content.decode()
    client.post(
        reverse("elections:candidate_add", args=[e.pk]),
        {"race": race.pk, "member": colleague.pk, "nominated_by": "职工推荐", "nominations": 2},
    )
    client.post(
        reverse("elections:candidate_add", args=[e.pk]),
        {"race": race.pk, "member": group_pick.pk, "nominated_by": "第一工会小组", "nominations": 1},
    )
    services.candidate_add(actor=officer_a, race=race, member=member_a.member, nominated_by="职工推荐")
    assert set(Candidate.objects.values_list("member__name", "nominated_by", "nominations")) >= {
        ("王小红", "职工推荐", 2),
        ("李建国", "第一工会小组", 1),
    }
    tallies = client.get(reverse("elections:detail", args=[e.pk])).context["member_nominations"][race.pk]
    assert all(t.candidate for t in tallies)  # both nominees now show as on the list
    services.election_submit_candidates(actor=officer_a, election=e)
    e.refresh_from_db()
    assert e.status == Status.CANDIDATES_SUBMITTED


def test_a_member_of_another_unit_cannot_nominate(client, tree, officer_a, officer_b, city_admin, member_a):
    """Attack: officer B (a member of unit B) opens unit A's nomination page and posts a nomination: 404,
    nothing saved. Nor can a member of A nominate someone of unit B."""
    e, race = _nominating(officer_a, city_admin, tree["a"])
    colleague = MemberFactory(unit=tree["a"])
    outsider = MemberFactory(unit=tree["b"])
    client.force_login(officer_b)
    assert client.get(reverse("elections:nominate", args=[e.pk])).status_code == 404
    assert _nominate(client, e, race, colleague).status_code == 404
    assert reverse("elections:nominate", args=[e.pk]) not in client.get(reverse("elections:list")).content.decode()
    with pytest.raises(Http404):  # the service itself, too
        services.nomination_add(actor=officer_b, election=e, race_id=race.pk, nominee_id=colleague.pk)
    client.force_login(member_a)
    _nominate(client, e, race, outsider)  # not in the form's choices
    with pytest.raises(ValidationError):
        services.nomination_add(actor=member_a, election=e, race_id=race.pk, nominee_id=outsider.pk)
    assert Nomination.objects.count() == 0


def test_a_member_cannot_nominate_outside_the_nomination_step(client, tree, officer_a, city_admin, member_a):
    """Attack: the member posts a well-formed nomination while the plan is still a draft, and after the list went
    to the city union: a message, nothing saved."""
    colleague = MemberFactory(unit=tree["a"])
    e = services.election_create(
        actor=officer_a,
        unit=tree["a"],
        kind="reelection",
        title="换届",
        assembly="members",
        voting_mode="online",
        vote_date=timezone.localdate(),
        term_years=5,
    )
    race = services.race_set(actor=officer_a, election=e, post=Post.MEMBER, seats=1, planned_candidates=2)
    client.force_login(member_a)
    page = client.get(reverse("elections:nominate", args=[e.pk])).content.decode()
    assert 'data-testid="nominations-closed"' in page and 'data-testid="nominate-form"' not in page
    response = _nominate(client, e, race, colleague)
    assert response.status_code == 302 and "推荐尚未开始或已经结束" in _messages(response)
    services.election_submit_plan(actor=officer_a, election=e)
    services.election_decide(actor=city_admin, election=e, step="plan", approve=True)
    for m in MemberFactory.create_batch(2, unit=tree["a"]):
        services.candidate_add(actor=officer_a, race=race, member=m, nominated_by="第一小组")
    services.election_submit_candidates(actor=officer_a, election=e)
    response = _nominate(client, e, race, colleague)
    assert response.status_code == 302 and "推荐尚未开始或已经结束" in _messages(response)
    assert Nomination.objects.count() == 0
