"""Writing many new members at once (the roster import, issue #23): the member rows, their history rows
(django-simple-history's "+" record, with the user and the reason) and their join records, from plain
column values, without a model instance per row.

On PostgreSQL the three tables are written with ``COPY … FROM STDIN`` (the members' ids reserved first
from their sequence, so that the history and the join records can name them); elsewhere the same rows go
through Django's ``bulk_create`` (and simple-history's ``bulk_create_with_history``). Both write the same
column values; ``tests/members/test_bulkwrite.py`` compares them.

The caller holds the transaction, has checked every value (the import's own normalisers and checks
guarantee what the model's field checks would), and calls ``countcache.members_changed()`` afterwards:
nothing here sends signals.
"""

from __future__ import annotations

import csv
import functools
import io
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import connection

from .models import ChangeKind, Member, MembershipChange


def member_columns() -> list[str]:
    """The member table's columns (attnames) a new row needs, in the model's order, without the id."""
    return [f.attname for f in Member._meta.concrete_fields if not f.primary_key]


def _history_model():
    return Member.history.model


def use_copy() -> bool:
    return connection.vendor == "postgresql"


def create_members(
    rows: Sequence[dict],
    *,
    user,
    reason: str,
    now: datetime,
    batch: int = 2000,
    on_progress: Callable[[int], None] | None = None,
) -> list[int]:
    """Insert ``rows`` (each a dict of every member column of ``member_columns()`` except the timestamps,
    which are ``now``) with one history row ("+", ``now``, ``user``, ``reason``) and one join record each
    (recorded by ``user``).
    Returns the new members' ids in the order of ``rows``."""
    if not rows:
        return []
    if use_copy():
        return _create_copy(
            rows, user_id=user.pk if user else None, reason=reason, now=now, batch=batch, on_progress=on_progress
        )
    return _create_portable(rows, user=user, reason=reason, now=now, batch=batch, on_progress=on_progress)


# --- PostgreSQL: COPY ------------------------------------------------------------------------------
# The rows go in COPY's CSV format, written by the csv module (in C): a value with a comma, a quote or a line
# break is quoted, a backslash is an ordinary character, None is an empty field. COPY reads an empty field as
# NULL; FORCE_NOT_NULL makes it the empty string in the NOT NULL columns, so that "" and None keep apart.
def _copy(wrapper, model, columns: list[str], rows: list[list]) -> None:
    """``COPY table (columns) FROM STDIN`` through the driver's ``copy_expert``, passed through the connection's
    execute wrappers as any other statement (``connection.execute_wrapper``: the tests that cut the connection
    at a statement see it), its errors turned into Django's (a unique constraint: ``IntegrityError``)."""
    quote = connection.ops.quote_name
    by_column = {f.column: f for f in model._meta.concrete_fields}
    not_null = [quote(c) for c in columns if not by_column[c].null]
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN "
        f"WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)}))"
    )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    buffer.seek(0)

    def run(sql, params, many, context):
        with connection.wrap_database_errors:
            return wrapper.cursor.copy_expert(sql, params)

    executor = run
    for outer in reversed(connection.execute_wrappers):
        executor = functools.partial(outer, executor)
    started = time.monotonic()
    executor(sql, buffer, False, {"connection": connection, "cursor": wrapper})
    if connection.queries_logged:  # counted like any statement (DEBUG, assertNumQueries)
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def _create_copy(rows, *, user_id, reason, now, batch, on_progress) -> list[int]:
    history = _history_model()
    columns = member_columns()
    history_fields = [f.attname for f in history.tracked_fields]
    history_columns = [*history_fields, "history_date", "history_change_reason", "history_type", "history_user_id"]
    join_columns = [
        "member_id",
        "kind",
        "on",
        "from_unit_id",
        "to_unit_id",
        "from_status",
        "to_status",
        "reason",
        "recorded_by_id",
        "created_at",
    ]
    ids: list[int] = []
    with connection.cursor() as wrapper:
        wrapper.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Member._meta.db_table, len(rows)],
        )
        ids = [pk for (pk,) in wrapper.fetchall()]
        done = 0
        for start in range(0, len(rows), batch):
            part = rows[start : start + batch]
            part_ids = ids[start : start + batch]
            members, histories, joins = [], [], []
            for pk, row in zip(part_ids, part, strict=True):
                values = {**row, "id": pk, "created_at": now, "updated_at": now}
                members.append([pk, *(values[c] for c in columns)])
                histories.append([*(values[c] for c in history_fields), now, reason, "+", user_id])
                joins.append([pk, ChangeKind.JOIN.value, values["join_date"], None, values["unit_id"], "",
                              values["status"], reason, user_id, now])  # fmt: skip
            _copy(wrapper, Member, ["id", *columns], members)
            _copy(wrapper, history, history_columns, histories)
            _copy(wrapper, MembershipChange, join_columns, joins)
            done += len(part)
            if on_progress:
                on_progress(done)
    return ids


# --- Elsewhere: bulk_create ----------------------------------------------------------------------
def _create_portable(rows, *, user, reason, now, batch, on_progress) -> list[int]:
    from simple_history.utils import bulk_create_with_history

    from .scoping import unscoped

    columns = [c for c in member_columns() if c not in ("created_at", "updated_at")]  # auto_now: set by Django
    ids: list[int] = []
    done = 0
    for start in range(0, len(rows), batch):
        members = [Member(**{c: row[c] for c in columns}) for row in rows[start : start + batch]]
        created = bulk_create_with_history(
            members, Member, batch_size=batch, default_change_reason=reason, default_user=user, default_date=now
        )
        if any(m.pk is None for m in created):  # backends that return no primary keys
            with unscoped("the members this import has just created, found by their card numbers"):
                pks = dict(
                    Member.objects.filter(card_number__in=[m.card_number for m in created]).values_list(
                        "card_number", "pk"
                    )
                )
            for m in created:
                m.pk = pks[m.card_number]
        MembershipChange.objects.bulk_create(
            [
                MembershipChange(
                    member_id=m.pk,
                    kind=ChangeKind.JOIN,
                    on=m.join_date,
                    to_unit_id=m.unit_id,
                    to_status=m.status,
                    reason=reason,
                    recorded_by=user,
                )
                for m in created
            ],
            batch_size=batch,
        )
        ids.extend(m.pk for m in created)
        done += len(members)
        if on_progress:
            on_progress(done)
    return ids
