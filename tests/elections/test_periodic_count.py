"""The count is published when the window closes: the periodic task (every 5 minutes) counts every online round
whose window has closed, by the same steps as the officer's button, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from elections import services
from elections.models import Ballot, RoundStatus, SealedBallot, StepKind, Voter, VotingRound
from elections.tasks import count_closed_rounds_task

from .factories import close_now, election_with_candidates, open_online

pytestmark = pytest.mark.django_db


def _vote(voting_round, race, cands, people):
    for i, person in enumerate(people):
        voter = Voter.objects.get(round=voting_round, member=person)
        choice = [cands[i % 3].pk] if i % 4 else [cands[i % 3].pk, cands[(i + 1) % 3].pk]
        services.vote_cast(actor=person.user, voter=voter, choices={race.pk: choice})


def test_the_task_counts_a_closed_window_once_with_the_buttons_result(tree, officer_a, city_admin, voters_a, client):
    e, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], seats=2, candidates=3)
    voting_round = open_online(officer_a, e)
    _vote(voting_round, race, cands, voters_a)
    assert count_closed_rounds_task.apply().get() == 0  # the window is still open: nothing is counted
    assert VotingRound.objects.get(pk=voting_round.pk).status == RoundStatus.OPEN
    close_now(voting_round)

    # What the officer's button would have published (then undone, as if nobody had pressed it).
    savepoint = transaction.savepoint()
    services.round_count(actor=officer_a, voting_round=voting_round)
    by_button = VotingRound.objects.get(pk=voting_round.pk).outcome
    transaction.savepoint_rollback(savepoint)
    assert VotingRound.objects.get(pk=voting_round.pk).status == RoundStatus.OPEN

    assert count_closed_rounds_task.apply().get() == 1
    assert count_closed_rounds_task.apply().get() == 0  # a second run (a duplicate beat tick) does nothing
    voting_round.refresh_from_db()
    assert voting_round.status == RoundStatus.COUNTED and voting_round.outcome == by_button
    assert voting_round.present == len(voters_a) and Ballot.objects.filter(round=voting_round).count() == len(voters_a)
    assert SealedBallot.objects.count() == 0  # the urn was mixed as by the button
    counted = e.steps.filter(kind=StepKind.ROUND_COUNTED)
    assert counted.count() == 1 and counted.get().actor is None
    with pytest.raises(ValidationError):  # the button afterwards: counted already
        services.round_count(actor=officer_a, voting_round=voting_round)
    client.force_login(officer_a)
    page = client.get(reverse("elections:detail", args=[e.pk])).content.decode()
    assert 'data-testid="votes"' in page and "自动" in page  # published; the step says the portal counted


def test_the_task_leaves_paper_rounds_and_rounds_counted_by_the_button(tree, officer_a, city_admin, voters_a):
    online, race, cands = election_with_candidates(officer_a, city_admin, tree["a"], seats=2, candidates=3)
    voting_round = open_online(officer_a, online)
    _vote(voting_round, race, cands, voters_a[:4])
    close_now(voting_round)
    services.round_count(actor=officer_a, voting_round=voting_round)  # the officer was quicker
    paper, _race, _cands = election_with_candidates(city_admin, city_admin, tree["b"], mode="paper")
    paper_round = services.round_open(actor=city_admin, election=paper, entitled=9, present=8)
    assert count_closed_rounds_task.apply().get() == 0
    assert VotingRound.objects.get(pk=paper_round.pk).status == RoundStatus.OPEN
    assert online.steps.filter(kind=StepKind.ROUND_COUNTED).count() == 1


def test_the_count_schedule_is_declared():
    from django_celery_beat.models import PeriodicTask

    from elections.schedules import SCHEDULES
    from notifications.schedules import sync_schedules

    sync_schedules(SCHEDULES)
    task = PeriodicTask.objects.get(name="elections-count-closed-rounds")
    assert task.task == "elections.tasks.count_closed_rounds_task"
    assert (task.crontab.minute, task.crontab.hour) == ("*/5", "*")
