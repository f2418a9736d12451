"""The data migrations carry the old ID-reveal, member-export and file access logs into the one record."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0006_access_record"), ("assistance", "0001_initial")]
AFTER = [("members", "0008_retire_reveals_and_exports"), ("assistance", "0003_retire_access_log")]
AT = datetime(2025, 3, 1, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    """The test walks the schema back; the tests after it need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_logs_become_access_records_with_their_times_and_nothing_is_lost():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("members", "User")
    Organization = old.get_model("members", "Organization")
    Member = old.get_model("members", "Member")
    city = Organization.objects.create(name="市", kind="city")
    zone = Organization.objects.create(name="片", kind="zone", parent=city)
    unit = Organization.objects.create(name="市财政局", kind="unit", parent=zone)
    viewer = User.objects.create(username="viewer")
    member = Member.objects.create(
        name="张三",
        gender="M",
        birth_date="1980-01-01",
        id_number_encrypted="token",
        id_number_hash="h" * 64,
        id_number_masked="110105********0011",
        unit=unit,
        join_date="2000-01-01",
        card_number="NT1",
    )
    reveal = old.get_model("members", "IdNumberReveal").objects.create(
        member=member, viewer=viewer, ip_address="10.0.0.1"
    )
    export = old.get_model("members", "MemberExport").objects.create(actor=viewer, filters="unit=3", rows=42)
    case = old.get_model("assistance", "HardshipCase").objects.create(
        number="KN0001",
        member=member,
        unit=unit,
        category="deep",
        household_size=2,
        income_per_head=500,
        minimum_living_standard=900,
        created_by=viewer,
    )
    AccessLog = old.get_model("assistance", "AccessLog")
    AccessLog.objects.create(actor=viewer, action="view_case", case=case)
    AccessLog.objects.create(actor=viewer, action="export", export_name="disbursement_roster", row_count=5)
    for model in (old.get_model("members", "IdNumberReveal"), old.get_model("members", "MemberExport"), AccessLog):
        model.objects.update(at=AT)
    assert reveal.pk and export.pk

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    got = {(r.app, r.action): r for r in new.get_model("members", "AccessRecord").objects.all()}
    assert set(got) == {
        ("members", "reveal_id"),
        ("members", "export"),
        ("assistance", "view"),
        ("assistance", "export"),
    }
    assert all(r.at == AT and r.actor_id == viewer.pk for r in got.values())
    r = got["members", "reveal_id"]
    assert (r.target_model, r.target_id, r.unit_id, r.ip_address, r.target_ref) == (
        "members.member",
        member.pk,
        unit.pk,
        "10.0.0.1",
        "张三 · NT1",
    )
    assert (got["members", "export"].rows, got["members", "export"].filters) == (42, "unit=3")
    assert (got["assistance", "view"].target_id, got["assistance", "view"].unit_id) == (case.pk, unit.pk)
    assert (got["assistance", "export"].what, got["assistance", "export"].rows) == ("帮扶资金发放花名册", 5)
    assert "members_idnumberreveal" not in connection.introspection.table_names()
    assert "assistance_accesslog" not in connection.introspection.table_names()
