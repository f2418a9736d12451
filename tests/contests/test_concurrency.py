"""A judge's two tabs saving the same sheet at the same moment keep one consistent sheet (PostgreSQL):
the scores all come from one of the saves, and the total is theirs."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from contests import services
from contests.models import Assignment
from contests.scoring import sheet_total

from .factories import RUBRIC, ContestFactory, entrant, submit

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_tabs_saving_one_sheet_keep_it_consistent(require_postgres, tree, city_admin):
    contest = ContestFactory(organizer=tree["city"])
    services.criteria_set(actor=city_admin, contest=contest, rows=RUBRIC)
    submit(entrant(tree["b"]), contest)
    judge, _login = services.expert_add(actor=city_admin, contest=contest, name="专家")
    services.judging_start(actor=city_admin, contest=contest)
    sheet = judge.assignments.get()
    criteria = list(contest.criteria.order_by("position"))
    tabs = [(40, 30, 20, 10), (1, 2, 3, 4)]
    for round_ in range(15):
        barrier = threading.Barrier(2)
        errors = []

        def save(values, barrier=barrier, errors=errors):
            from members.scoping import scope_enforced

            try:
                with scope_enforced():
                    barrier.wait()
                    services.sheet_save(
                        actor=judge.user,
                        assignment=sheet,
                        values={c.pk: Decimal(v) for c, v in zip(criteria, values, strict=True)},
                    )
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=(tab,)) for tab in tabs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        fresh = Assignment.objects.get(pk=sheet.pk)
        stored = dict(fresh.scores.values_list("criterion_id", "value"))
        as_tuple = tuple(int(stored[c.pk]) for c in criteria)
        assert as_tuple in tabs, f"round {round_}: a mix of both tabs {as_tuple}"
        assert fresh.total == sheet_total(stored, [(c.pk, c.weight, c.max_score) for c in criteria])
        assert fresh.version == 2 * (round_ + 1)
