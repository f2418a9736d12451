"""The confirmation saves what the check planned without checking the file again (issue #23), but only
while nothing the plan depends on has changed: a member who appeared meanwhile with one of the file's card or
ID numbers, a member to update who was changed or moved, an officer who no longer manages the unit — each sends
the file back to a full check, and nothing is saved that the check would refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from members import roster, services
from members.models import ImportStatus, Member, MemberImport, MembershipChange, RoleAssignment
from members.roles import Role
from tests.factories import MemberFactory, valid_id_number
from tests.members.test_excel import confirm, roster_row, upload
from tests.members.test_import import errors_of, sheet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def checks(monkeypatch):
    """How many times the file was checked (members.roster.check_roster)."""
    calls = []
    original = roster.check_roster

    def counting(**kwargs):
        calls.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(roster, "check_roster", counting)
    return calls


def _three(client, officer):
    client.force_login(officer)
    upload(client, sheet([roster_row(i, "市财政局") for i in range(1, 4)]))
    imp = MemberImport.objects.get()
    assert imp.status == ImportStatus.CHECKED and imp.new == 3
    return imp


def test_an_unchanged_database_is_saved_from_the_kept_plan_without_a_second_check(client, officer_a, tree, checks):
    imp = _three(client, officer_a)
    checks.clear()
    page = confirm(client, imp).content.decode()
    assert "导入完成：新增 3 名会员" in page and not checks
    saved = Member.objects.filter(card_number__startswith="IM").order_by("card_number")
    assert [m.card_number for m in saved] == ["IM000001", "IM000002", "IM000003"]
    for n, m in enumerate(saved, 1):  # what the kept plan wrote is what the check saw
        assert (m.unit, m.status, m.reveal_id_number()) == (tree["a"], "active", valid_id_number(5000 + n))
        assert m.name_pinyin and m.id_number_masked == "3206**************"
        history = m.history.get()
        assert (history.history_type, history.history_change_reason, history.history_user) == (
            "+",
            "Excel 导入",
            officer_a,
        )
        join = MembershipChange.objects.get(member=m)
        assert (join.kind, join.to_unit, join.recorded_by, join.on) == ("join", tree["a"], officer_a, m.join_date)


def test_a_card_number_taken_meanwhile_in_another_unit_is_refused(client, officer_a, tree, checks):
    imp = _three(client, officer_a)
    MemberFactory(unit=tree["b"], card_number="IM000002", id_number=valid_id_number(7777))
    page = confirm(client, imp).content.decode()
    assert errors_of(page) == [("3", "会员证号")] and "没有保存任何内容" in page
    assert Member.objects.filter(card_number__startswith="IM").count() == 1  # only unit B's
    assert checks  # the file was checked again


def test_an_id_number_taken_meanwhile_is_refused(client, officer_a, tree):
    imp = _three(client, officer_a)
    MemberFactory(unit=tree["c"], card_number="ELSEWHERE", id_number=valid_id_number(5001))
    page = confirm(client, imp).content.decode()
    assert errors_of(page) == [("2", "身份证号")]
    assert not Member.objects.filter(card_number__startswith="IM").exists()


def test_a_member_moved_to_another_unit_meanwhile_is_not_updated(client, officer_a, city_admin, tree):
    """The attack: the officer previews an update of a member of the own unit; the member is transferred to
    another unit; the confirmation must not write into the other unit's member."""
    m = MemberFactory(unit=tree["a"], card_number="IM000001", id_number=valid_id_number(5001), mobile="13900000000")
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局", mobile="13911112222")]))
    imp = MemberImport.objects.get()
    assert imp.changed == 1
    services.member_transfer(actor=city_admin, member=m, to_unit=tree["b"], on=timezone.localdate(), reason="调动")
    page = confirm(client, imp, update=True).content.decode()
    assert "没有保存任何内容" in page and errors_of(page) == [("2", "会员证号")]
    m.refresh_from_db()
    assert (m.unit, m.mobile) == (tree["b"], "13900000000")


def test_a_member_changed_meanwhile_is_checked_again(client, officer_a, tree, checks):
    m = MemberFactory(unit=tree["a"], card_number="IM000001", id_number=valid_id_number(5001), mobile="13900000000")
    client.force_login(officer_a)
    upload(client, sheet([roster_row(1, "市财政局", mobile="13911112222")]))
    imp = MemberImport.objects.get()
    Member.objects.filter(pk=m.pk).update(professional_title="高级工程师")  # another officer's edit, without updated_at
    checks.clear()
    confirm(client, imp, update=True)
    assert checks  # checked again: the member is not as it was
    m.refresh_from_db()
    assert (m.mobile, m.professional_title) == ("13911112222", "高级工程师")  # the file's blank cell kept it


def test_an_officer_who_no_longer_manages_the_unit_saves_nothing(client, officer_a, tree):
    """The attack: the officer's role moves to another unit between the check and the confirmation."""
    imp = _three(client, officer_a)
    RoleAssignment.objects.filter(user=officer_a).delete()
    services.role_assign(user=officer_a, organization=tree["b"], role=Role.UNIT_OFFICER)
    page = confirm(client, imp).content.decode()
    assert "没有保存任何内容" in page
    assert not Member.objects.filter(card_number__startswith="IM").exists()


def test_a_kept_plan_is_used_only_on_its_day_by_its_actor_and_when_readable(officer_a, city_admin, tree):
    from members.excel import RawRoster

    data = sheet([roster_row(i, "市财政局") for i in range(1, 3)])
    from members.excel import read_roster

    raw = read_roster(data, is_header=lambda v: roster.header_field(v) is not None)
    plan = roster.check_roster(actor=officer_a, roster=RawRoster.from_json(raw.to_json()))
    text = roster.keep_plan(plan, actor=officer_a)
    creates, updates = roster.kept_writes(text, actor=officer_a, update_existing=True)
    assert [c["card_number"] for c in creates] == ["IM000001", "IM000002"] and updates == []
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert roster.kept_writes(text, actor=officer_a, update_existing=True, today=tomorrow) is None
    assert roster.kept_writes(text, actor=city_admin, update_existing=True) is None
    assert roster.kept_writes("not json", actor=officer_a, update_existing=True) is None
    assert roster.kept_writes(text.replace('"v": 1', '"v": 0'), actor=officer_a, update_existing=True) is None
