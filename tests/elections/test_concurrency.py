"""300 voters press "cast my ballot" at the same instant, against gunicorn on PostgreSQL (the live-server burst
of tests/activities/test_concurrency.py): one vote per voter (the has-voted list's unique voter), every ballot
counted exactly, no errors; 20 second attempts by the same voters are refused."""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model

from elections import services
from elections.models import Ballot, SealedBallot, VoteCast
from tests.activities.test_concurrency import Server, _report, _session_for
from tests.factories import MemberFactory

from .factories import close_now, election_with_candidates, open_online

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
VOTERS, AGAIN = 300, 20


def test_300_simultaneous_votes_one_each_counted_exactly(require_postgres, tree, officer_a, city_admin):
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"vote{i}", password="!") for i in range(VOTERS)])
    for user in users:
        MemberFactory(unit=tree["a"], user=user)
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], seats=2, candidates=3)
    voting_round = open_online(officer_a, e)
    path = f"/elections/rounds/{voting_round.pk}/vote/"
    requests, choices, voters = [], [], []
    sessions = [_session_for(u) for u in users]
    for i, session in enumerate(sessions):
        chosen = [cands[i % 3].pk, cands[(i + 1) % 3].pk] if i % 5 else [cands[i % 3].pk]
        requests.append((path, session, urlencode({f"race_{race.pk}": chosen}, doseq=True)))
        choices.append(chosen)
        voters.append(i)
    # The same voters again, for the third candidate only: refused by the unique voter of the has-voted list.
    # Both of a voter's ballots leave at the same instant, so either may be the one that lands first: the one
    # answered 200 is the one that must be counted, and the other must be refused.
    for i in range(AGAIN):
        requests.append((path, sessions[i], urlencode({f"race_{race.pk}": cands[2].pk})))
        choices.append([cands[2].pk])
        voters.append(i)
    with Server() as server:
        statuses, seconds = _fire_with_bodies(server.port, requests)
    counts = Counter(statuses)
    assert counts[200] == VOTERS and counts[302] == AGAIN, counts  # 302: back to the ballot with "already voted"
    accepted = Counter(voter for voter, status in zip(voters, statuses, strict=True) if status == 200)
    assert set(accepted.values()) == {1} and len(accepted) == VOTERS  # each voter's one ballot, no voter twice
    expected = Counter()
    for chosen, status in zip(choices, statuses, strict=True):
        if status == 200:
            expected.update(chosen)
    assert VoteCast.objects.filter(voter__round=voting_round).count() == VOTERS
    assert SealedBallot.objects.count() == VOTERS
    close_now(voting_round)
    voting_round = services.round_count(actor=officer_a, voting_round=voting_round)
    assert Ballot.objects.filter(round=voting_round).count() == VOTERS
    got = {int(k): v for k, v in voting_round.outcome["races"][str(race.pk)]["votes"].items()}
    assert got == dict(expected)
    _report(
        f"elections: {VOTERS} simultaneous votes (+{AGAIN} second attempts refused): {VOTERS} counted exactly, "
        f"0 errors; {seconds:.2f} s, {(VOTERS + AGAIN) / seconds:.0f} requests/s"
    )


def _fire_with_bodies(port, requests):
    from django.conf import settings

    from bench.loadtest import burst_post

    cookie = settings.SESSION_COOKIE_NAME
    burst = burst_post(f"http://127.0.0.1:{port}", [(p, f"{cookie}={s}", body) for p, s, body in requests])
    return burst.statuses, burst.seconds
