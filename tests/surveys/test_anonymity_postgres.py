"""Anonymous survey responses on PostgreSQL, with real transactions (each answer commits on its own, the mixing
step runs after it as it does behind a page): what a database administrator can read from the heap pages
themselves — the transaction id (xmin) of every row, the dead rows a DELETE leaves behind until VACUUM
(pageinspect reads them) — joins no response to a person.

The plain test (test_surveys.py) runs inside one test transaction, where every write is a savepoint of that
transaction and no row is ever really dead: it cannot see these.
"""

from __future__ import annotations

import pytest
from django.db import connection

from surveys import services
from surveys.models import Answer, Respondent, Response, SealedResponse
from tests.factories import MemberFactory, UserFactory

from .factories import answers_for, open_survey

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

PEOPLE = 12


def _live_xmins(model) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT DISTINCT xmin::text FROM "{model._meta.db_table}"')  # noqa: S608
        return {r[0] for r in cursor.fetchall()}


def _tuples_on_disk(model) -> list[tuple[int, str]]:
    """Every tuple on the table's heap pages, live or dead (not yet vacuumed): (lp_flags, xmin)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.lp_flags, t.t_xmin::text FROM generate_series(0, "
            "(pg_relation_size(%s) / current_setting('block_size')::int)::int - 1) AS blk, "
            "LATERAL heap_page_items(get_raw_page(%s, blk)) AS t WHERE t.t_xmin IS NOT NULL",
            [table, table],
        )
        return cursor.fetchall()


def test_no_transaction_id_nor_dead_row_joins_a_response_to_its_person(require_postgres, tree, city_admin):
    with connection.cursor() as cursor:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
    survey = open_survey(city_admin, tree["city"])
    people = [MemberFactory(unit=tree["a"], user=UserFactory(username=f"pg{i}")) for i in range(PEOPLE)]
    for i, p in enumerate(people):
        services.response_submit(actor=p.user, survey=survey, answers=answers_for(survey, i, f"意见{i}"))
    respondent_xmins = _live_xmins(Respondent)
    assert len(respondent_xmins) == PEOPLE  # each answer was its own transaction (the attack has its material)
    # While it runs: the responses written out so far were written by the mixing step, never by a person's own
    # transaction.
    assert Response.objects.filter(survey=survey).count() >= 5
    assert not (_live_xmins(Response) | _live_xmins(Answer)) & respondent_xmins

    services.survey_close(actor=city_admin, survey=survey)
    live = _live_xmins(Response) | _live_xmins(Answer)
    assert len(live) == 1 and not live & respondent_xmins  # one closing transaction wrote every response
    # The heap pages themselves: no dead copy of a batch written while it ran, no sealed response left from a
    # person's transaction — only the closing transaction's rows.
    for model in (Response, Answer, SealedResponse):
        on_disk = {xmin for _flags, xmin in _tuples_on_disk(model)}
        assert on_disk <= live, f"{model._meta.db_table}: rows of other transactions still on disk: {on_disk - live}"
