"""The elections and surveys objects of the URL matrix, all of unit A.

An online election whose round is open (member_a, officer A and the city administrator, all members of unit A,
are on its roll); it is then marked cancelled in the world's data so that a second, paper election of unit A can
be under way (one election under way per unit) with an open paper round for the ballot-box page. A published
anonymous survey of unit A with its questions.
"""

from __future__ import annotations

from elections import services as election_services
from elections.models import Election, Status
from surveys.models import Survey
from tests.elections.factories import election_with_candidates, open_online
from tests.surveys.factories import open_survey


def build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None:
    a = tree["a"]
    online, race, cands = election_with_candidates(officer_a, city_admin, a, seats=1, candidates=2)
    online_round = open_online(officer_a, online)
    Election.objects.filter(pk=online.pk).update(status=Status.CANCELLED)
    paper, paper_race, paper_cands = election_with_candidates(officer_a, city_admin, a, mode="paper")
    paper_round = election_services.round_open(actor=officer_a, election=paper, entitled=40, present=30)
    survey = open_survey(officer_a, a)
    ids.update(
        election=paper.pk,
        race=paper_race.pk,
        candidate=paper_cands[0].pk,
        paper_round=paper_round.pk,
        online_round=online_round.pk,
        survey=survey.pk,
        question=Survey.objects.get(pk=survey.pk).questions.first().pk,
    )
