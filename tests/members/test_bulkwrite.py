"""members.bulkwrite: COPY on PostgreSQL and bulk_create elsewhere write the same members, history rows and
join records; text with tabs, line breaks and backslashes survives COPY's text format."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from members import bulkwrite, roster
from members.models import Member, MembershipChange
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db

HISTORY_SKIP = {"history_id", "id", "card_number", "created_at", "updated_at", "history_date"}
MEMBER_SKIP = {"id", "card_number", "id_number_encrypted", "id_number_hash", "created_at", "updated_at"}


def _rows(prefix: str, unit, start: int) -> list[dict]:
    out = []
    for n in range(3):
        number = valid_id_number(start + n, gender="F" if n % 2 else "M")
        out.append(
            roster._new_member(
                {
                    "name": ["欧阳·娜娜", "Li Lei", "张三"][n],
                    "gender": "F" if n % 2 else "M",
                    "ethnicity": "01",
                    "birth_date": date(1966, 1, 1),
                    "native_place": "江苏\t南通",
                    "political_status": "party_member",
                    "education": "",
                    "unit_id": unit.pk,
                    "position": "科员\\副科",
                    "professional_title": "",
                    "employment_type": "established",
                    "join_date": date(2020, 5, 4),
                    "card_number": f"{prefix}{n}",
                    "mobile": "" if n else "13912345678",
                    "notes": "第一行\n第二行\r\n\\N 不是空值",
                    "status": "active",
                    "id_number": number,
                    "id_number_hash": roster.idnumbers.keyed_hash(number),
                }
            )
        )
    return out


def _members(prefix):
    return [
        {k: v for k, v in row.items() if k not in MEMBER_SKIP}
        for row in Member.objects.filter(card_number__startswith=prefix).order_by("card_number").values()
    ]


def _history(prefix):
    return [
        {k: v for k, v in row.items() if k not in HISTORY_SKIP}
        for row in Member.history.filter(card_number__startswith=prefix).order_by("card_number").values()
    ]


def _joins(prefix):
    return list(
        MembershipChange.objects.filter(member__card_number__startswith=prefix)
        .order_by("member__card_number")
        .values("kind", "on", "from_unit", "to_unit", "from_status", "to_status", "reason", "recorded_by")
    )


def test_copy_and_bulk_create_write_the_same_rows(tree, officer_a, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    now = timezone.now()
    with transaction.atomic():
        ids = bulkwrite.create_members(_rows("CP", tree["a"], 100), user=officer_a, reason="Excel 导入", now=now)
    monkeypatch.setattr(bulkwrite, "use_copy", lambda: False)
    with transaction.atomic():
        bulkwrite.create_members(_rows("BC", tree["a"], 200), user=officer_a, reason="Excel 导入", now=now)
    copied = Member.objects.filter(card_number__startswith="CP").order_by("card_number")
    assert [m.pk for m in copied] == ids
    assert all(m.created_at == m.updated_at == now for m in copied)
    assert _members("CP") == _members("BC")
    assert _members("CP")[0]["notes"] == "第一行\n第二行\r\n\\N 不是空值"
    assert _members("CP")[0]["native_place"] == "江苏\t南通" and _members("CP")[0]["position"] == "科员\\副科"
    assert _history("CP") == _history("BC") and len(_history("CP")) == 3
    assert {h.history_date for h in Member.history.filter(card_number__startswith="CP")} == {now}
    assert _joins("CP") == _joins("BC") and len(_joins("CP")) == 3
    for m in copied:
        m.clean_fields()  # what COPY wrote passes the model's own checks
        assert m.reveal_id_number() == roster.idnumbers.decrypt(m.id_number_encrypted)
    # The next member made the ordinary way gets a fresh id: the sequence moved past the reserved ones.
    assert MemberFactory(unit=tree["a"]).pk > max(ids)


def test_a_duplicate_card_is_djangos_integrity_error_and_writes_nothing(tree, officer_a):
    MemberFactory(unit=tree["b"], card_number="DUP1")
    rows = _rows("DUP", tree["a"], 300)
    before = (Member.objects.count(), Member.history.count(), MembershipChange.objects.count())
    with pytest.raises(IntegrityError), transaction.atomic():
        bulkwrite.create_members(rows, user=officer_a, reason="Excel 导入", now=timezone.now())
    assert (Member.objects.count(), Member.history.count(), MembershipChange.objects.count()) == before
