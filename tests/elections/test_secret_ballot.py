"""The secret ballot: after people vote through the pages, nothing in the database joins a ballot to its voter.

The test reads every table of the database (raw SQL, all columns, the physical row order too: SQLite's rowid,
PostgreSQL's ctid and xmin) and tries the joins an administrator would: a shared id or receipt, a time, the
order of the rows, the transaction that wrote them. The control run takes the mixing step's shuffle out and the
order attack then recovers every voter's ballot: proof that the test can fail.
"""

from __future__ import annotations

import itertools
import uuid

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from elections import services
from elections.models import Ballot, Mark, SealedBallot, VoteCast, Voter
from members.models import AccessRecord
from notifications.models import Notification
from tests.factories import MemberFactory, UserFactory

from .factories import close_now, election_with_candidates, open_online

pytestmark = pytest.mark.django_db

VOTERS = 30


def _subsets(candidates, seats):
    """Distinct ballots, one per voter: every subset of at most ``seats`` candidates, largest first."""
    out = []
    for k in range(seats, 0, -1):
        out.extend(itertools.combinations([c.pk for c in candidates], k))
    return out


@pytest.fixture
def voted(tree, officer_a, city_admin):
    """30 people of unit A vote through the pages, in a known order, each a different ballot."""
    people = [MemberFactory(unit=tree["a"], user=UserFactory(username=f"v{i:02d}")) for i in range(VOTERS)]
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], seats=4, candidates=6)
    voting_round = open_online(officer_a, e)
    ballots = _subsets(cands, 4)[:VOTERS]
    receipts, before = [], AccessRecord.objects.count()
    for person, ballot in zip(people, ballots, strict=True):
        client = Client()
        client.force_login(person.user)
        response = client.post(reverse("elections:vote", args=[voting_round.pk]), {f"race_{race.pk}": list(ballot)})
        assert response.status_code == 200, response.content.decode()[:500]
        receipts.append(response.context["receipt"])
    close_now(voting_round)
    services.round_count(actor=officer_a, voting_round=voting_round)
    voting_round.refresh_from_db()
    return {
        "round": voting_round,
        "race": race,
        "people": people,
        "ballots": [frozenset(b) for b in ballots],
        "receipts": receipts,
        "access_before": before,
    }


def _tables():
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the introspection
            columns = [c[0] for c in cursor.description]
            yield table, columns, cursor.fetchall()


def _forms(value) -> set[str]:
    """The ways an id may be written in a column (UUIDs: SQLite keeps 32 hex digits)."""
    if isinstance(value, uuid.UUID):
        return {str(value), value.hex}
    return {str(value)}


def _physical_order(model) -> list:
    """The primary keys of a table in the order of its rows on disk."""
    table = model._meta.db_table
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT id FROM "{table}" ORDER BY {position}')  # noqa: S608
        return [uuid.UUID(str(r[0])) for r in cursor.fetchall()]


def _order_attack(voted) -> int:
    """Line up the ballots on disk with the has-voted rows on disk; count the voters whose ballot it finds."""
    cast_order = [
        VoteCast.objects.select_related("voter").get(pk=pk).voter.member_id for pk in _physical_order(VoteCast)
    ]
    marks = {}
    for ballot_id, cand in Mark.objects.values_list("ballot_id", "candidate_id"):
        marks.setdefault(ballot_id, set()).add(cand)
    ballot_order = [frozenset(marks.get(pk, ())) for pk in _physical_order(Ballot)]
    truth = {p.pk: b for p, b in zip(voted["people"], voted["ballots"], strict=True)}
    return sum(1 for member_id, ballot in zip(cast_order, ballot_order, strict=False) if truth[member_id] == ballot)


def test_every_ballot_is_counted_exactly(voted):
    race = voted["race"]
    outcome = voted["round"].outcome["races"][str(race.pk)]["votes"]
    expected = {}
    for ballot in voted["ballots"]:
        for cand in ballot:
            expected[str(cand)] = expected.get(str(cand), 0) + 1
    assert outcome == expected
    assert Ballot.objects.count() == VOTERS and VoteCast.objects.count() == VOTERS
    assert voted["round"].present == VOTERS


def test_no_table_holds_a_receipt_or_a_ballot_id_outside_the_ballots(voted):
    ballot_ids = {f for pk in Ballot.objects.values_list("pk", flat=True) for f in _forms(pk)}
    mark_ids = {f for pk in Mark.objects.values_list("pk", flat=True) for f in _forms(pk)}
    hashes = set(Ballot.objects.values_list("receipt_hash", flat=True))
    receipts = set(voted["receipts"]) | {r.replace("-", "") for r in voted["receipts"]}
    ballot_tables = {Ballot._meta.db_table, Mark._meta.db_table}
    seen_tables = 0
    for table, _columns, rows in _tables():
        seen_tables += 1
        for row in rows:
            text = " ".join(str(v) for v in row)
            for r in receipts:
                assert r not in text, f"a receipt code is stored in {table}"
            if table in ballot_tables:
                continue
            cells = {f for v in row for f in _forms(v)}
            assert not cells & (ballot_ids | mark_ids), f"{table} refers to a ballot"
            assert not any(h in text for h in hashes), f"{table} holds a receipt hash"
    assert seen_tables >= 50  # every table of the portal was read, sessions and history included


def test_the_ballots_carry_nothing_that_names_or_dates_a_voter(voted):
    with connection.cursor() as cursor:
        ballot_cols = {c.name for c in connection.introspection.get_table_description(cursor, Ballot._meta.db_table)}
        mark_cols = {c.name for c in connection.introspection.get_table_description(cursor, Mark._meta.db_table)}
        cast_cols = {c.name for c in connection.introspection.get_table_description(cursor, VoteCast._meta.db_table)}
    assert ballot_cols == {"id", "round_id", "receipt_hash"}
    assert mark_cols == {"id", "ballot_id", "candidate_id"}
    assert cast_cols == {"id", "voter_id"}  # the has-voted list: no time, no ballot
    assert all(pk.version == 4 for pk in Ballot.objects.values_list("pk", flat=True))  # random, not ordered
    assert SealedBallot.objects.count() == 0  # the urn is emptied by the count
    for model in (Ballot, Mark, VoteCast, Voter, SealedBallot):
        assert not hasattr(model, "history"), f"{model.__name__} must not be tracked by simple_history"
    secret = {f"Historical{m.__name__}" for m in (Ballot, Mark, VoteCast, Voter, SealedBallot)}
    assert not [m for m in apps.get_models() if m.__name__ in secret]
    # Voting wrote no access record and no notification naming anyone.
    assert AccessRecord.objects.count() == voted["access_before"]
    assert not Notification.objects.filter(kind__startswith="vote").exists()


def test_the_order_of_the_rows_does_not_join_ballots_to_voters(voted):
    matches = _order_attack(voted)
    assert matches < 6, f"the physical order lines up {matches} of {VOTERS} ballots with their voters"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="xmin is PostgreSQL's")
def test_the_ballots_were_all_written_by_one_transaction(voted):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {Ballot._meta.db_table}")
        ballot_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {Mark._meta.db_table}")
        mark_xmins = {r[0] for r in cursor.fetchall()}
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {VoteCast._meta.db_table}")
        cast_xmins = {r[0] for r in cursor.fetchall()}
    assert len(ballot_xmins) == 1 and ballot_xmins == mark_xmins
    assert not ballot_xmins & cast_xmins


def test_control_without_the_shuffle_the_order_attack_finds_every_ballot(tree, officer_a, city_admin, monkeypatch):
    """The same votes with the mixing step's shuffle taken out: the order on disk joins every ballot to its
    voter. (This is what the test above would see without the protection.)"""
    monkeypatch.setattr(services._random, "shuffle", lambda seq: None)
    voted = test_control_without_the_shuffle_the_order_attack_finds_every_ballot.fixture(tree, officer_a, city_admin)
    assert _order_attack(voted) == VOTERS


test_control_without_the_shuffle_the_order_attack_finds_every_ballot.fixture = voted.__wrapped__


def test_receipt_check_says_counted_and_nothing_more(voted, client):
    person = voted["people"][3]
    client.force_login(person.user)
    url = reverse("elections:receipt", args=[voted["round"].pk])
    page = client.get(url, {"code": voted["receipts"][3]}).content.decode()
    assert 'data-testid="receipt-result"' in page and "alert-success" in page
    assert client.get(url, {"code": "0000-0000-0000-0000"}).content.decode().count("alert-danger") == 1


def test_one_vote_per_voter_and_only_on_the_roll(tree, officer_a, city_admin, member_a):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"])
    r = open_online(officer_a, e)
    voter = Voter.objects.get(round=r, member=member_a.member)
    services.vote_cast(actor=member_a, voter=voter, choices={race.pk: [cands[0].pk]})
    with pytest.raises(ValidationError):
        services.vote_cast(actor=member_a, voter=voter, choices={race.pk: [cands[1].pk]})
    other = Voter.objects.filter(round=r).exclude(member=member_a.member).first()
    with pytest.raises(ValidationError):  # someone else's place on the roll
        services.vote_cast(actor=member_a, voter=other, choices={})
    assert SealedBallot.objects.count() == 1


def test_a_voter_cannot_stuff_the_ballot(tree, officer_a, city_admin, member_a, client):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], seats=2, candidates=3)
    r = open_online(officer_a, e)
    voter = Voter.objects.get(round=r, member=member_a.member)
    outsider = MemberFactory(unit=tree["a"])
    for choices in ({race.pk: [c.pk for c in cands]}, {race.pk: [outsider.pk]}, {999999: [cands[0].pk]}):
        with pytest.raises(ValidationError):
            services.vote_cast(actor=member_a, voter=voter, choices=choices)
    client.force_login(member_a)
    response = client.post(reverse("elections:vote", args=[r.pk]), {f"race_{race.pk}": [c.pk for c in cands]})
    assert response.status_code == 200 and "receipt" not in response.context or not response.context["receipt"]
    assert SealedBallot.objects.count() == 0


def test_outside_the_window_or_the_roll_no_vote(tree, officer_a, officer_b, city_admin, member_a, client):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"])
    r = open_online(officer_a, e)
    client.force_login(officer_b)  # a member of unit B is not on unit A's roll
    assert client.get(reverse("elections:vote", args=[r.pk])).status_code == 404
    assert client.post(reverse("elections:vote", args=[r.pk]), {}).status_code == 404
    close_now(r)
    voter = Voter.objects.get(round=r, member=member_a.member)
    with pytest.raises(ValidationError):
        services.vote_cast(actor=member_a, voter=voter, choices={race.pk: [cands[0].pk]})


def test_no_count_before_the_window_closes(tree, officer_a, city_admin, member_a, client):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"])
    r = open_online(officer_a, e)
    services.vote_cast(
        actor=member_a, voter=Voter.objects.get(round=r, member=member_a.member), choices={race.pk: [cands[0].pk]}
    )
    with pytest.raises(ValidationError):
        services.round_count(actor=officer_a, voting_round=r)
    client.force_login(city_admin)
    page = client.get(reverse("elections:detail", args=[e.pk])).content.decode()
    assert 'data-testid="votes"' not in page and 'data-testid="count"' not in page
