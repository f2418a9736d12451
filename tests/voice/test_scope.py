"""The voice app's scope lives in its models (voice.models: ``scope_path``/``scope_owner``/``scope_q``):
the attacks below try what an outsider may try within the own rights, and each has its positive control."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from members.scoping import scope_enforced
from tests.factories import MemberFactory, UserFactory
from tests.voice.conftest import xlsx_rows
from tests.voice.factories import TalkFactory, UnitHonourFactory, VoiceItemFactory
from voice import services
from voice.models import FollowUp, Talk, UnitHonour, VoiceEvent, VoiceItem

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def item(tree):
    """An item a member of unit A sent to unit A, with an attachment."""
    sender = MemberFactory(unit=tree["a"], user=UserFactory(username="sender_a"))
    return services.item_send(
        actor=sender.user,
        addressee=tree["a"],
        kind="complaint",
        category="rights",
        subject="加班费问题",
        text="科室长期加班。",
        attachment=SimpleUploadedFile("记录.pdf", PDF),
    )


@pytest.fixture
def talk(tree):
    t = TalkFactory(member=MemberFactory(unit=tree["a"], user=UserFactory(username="talked_to")), topics="家庭困难")
    FollowUp.objects.create(talk=t, action="申请帮扶", due_on=date(2026, 2, 1))
    return t


def _ids(qs) -> set[int]:
    with scope_enforced():  # as in a request: the query must carry its own scope
        return set(qs.values_list("pk", flat=True))


def test_the_rules_in_the_models(item, talk, tree, officer_a, officer_b, zone_lead, city_admin, member_a):
    services.item_take(actor=officer_a, item=item)
    sender = item.sender.user
    # An item: the addressed unit's officers, the zone's lead, the city and the sender read it ...
    for reader in (officer_a, zone_lead, city_admin, sender):
        assert _ids(VoiceItem.objects.for_actor(reader)) == {item.pk}, reader
        assert _ids(VoiceEvent.objects.for_actor(reader)) == {item.events.get().pk}, reader
    # ... an officer of another unit and a colleague of the sender do not.
    for outsider in (officer_b, member_a):
        assert _ids(VoiceItem.objects.for_actor(outsider)) == set(), outsider
        assert _ids(VoiceEvent.objects.for_actor(outsider)) == set(), outsider
    # Only the addressed unit's officers and the city handle it; the sender and the zone lead read only.
    assert _ids(VoiceItem.objects.for_actor(officer_a, manage=True)) == {item.pk}
    assert _ids(VoiceItem.objects.for_actor(city_admin, manage=True)) == {item.pk}
    for reader in (zone_lead, sender):
        assert _ids(VoiceItem.objects.for_actor(reader, manage=True)) == set(), reader

    # A talk: reading is managing. The zone lead reads the unit's members but not their talks, and the
    # member the talk is about never reads it.
    for keeper in (officer_a, city_admin):
        assert _ids(Talk.objects.for_actor(keeper)) == {talk.pk}, keeper
        assert _ids(FollowUp.objects.for_actor(keeper)) == {talk.follow_ups.get().pk}, keeper
    for outsider in (zone_lead, officer_b, talk.member.user):
        assert _ids(Talk.objects.for_actor(outsider)) == set(), outsider
        assert _ids(FollowUp.objects.for_actor(outsider)) == set(), outsider

    # The honour roll: published to everyone logged in, kept by the city.
    honour = UnitHonourFactory(unit=tree["b"])
    assert _ids(UnitHonour.objects.for_actor(member_a)) == {honour.pk}
    assert _ids(UnitHonour.objects.for_actor(city_admin, manage=True)) == {honour.pk}
    assert _ids(UnitHonour.objects.for_actor(officer_b, manage=True)) == set()
    assert _ids(UnitHonour.objects.for_actor(None)) == set()


def test_an_officer_of_another_unit_gets_404_on_unit_a(item, talk, tree, officer_a, officer_b, client_for):
    fu = talk.follow_ups.get()
    gets = [
        reverse("voice:detail", args=[item.pk]),
        reverse("voice:attachment", args=[item.pk]),
        reverse("voice:talk_detail", args=[talk.pk]),
        reverse("voice:talk_new", args=[talk.member.pk]),
    ]
    posts = [
        (reverse("voice:action", args=[item.pk, "forward"]), {"to": tree["b"].pk, "note": "归我处理"}),
        (reverse("voice:action", args=[item.pk, "close"]), {}),
        (reverse("voice:follow_up_done", args=[fu.pk]), {}),
    ]
    attacker, insider = client_for(officer_b), client_for(officer_a)
    for url in gets:
        assert attacker.get(url).status_code == 404, url
        assert insider.get(url).status_code == 200, url  # the positive control
    for url, data in posts:
        assert attacker.post(url, data).status_code == 404, url
    item.refresh_from_db()
    fu.refresh_from_db()
    assert item.addressee == tree["a"] and item.is_open and fu.done_on is None
    # Filtering the inbox (and its export) by unit A is no way in: the choice is not offered.
    for url in (reverse("voice:inbox"), reverse("voice:inbox_export")):
        response = attacker.get(url, {"addressee": tree["a"].pk})
        assert response.status_code == 200
    assert len(xlsx_rows(attacker.get(reverse("voice:inbox_export"), {"addressee": tree["a"].pk}))) == 1
    assert len(xlsx_rows(insider.get(reverse("voice:inbox_export"), {"addressee": tree["a"].pk}))) == 2


def test_an_officers_own_letter_to_the_city_stays_out_of_the_officers_inbox(tree, officer_a, client_for):
    own = VoiceItemFactory(sender=officer_a.member, addressee=tree["city"], subject="致市总的信")
    theirs = VoiceItemFactory(sender=MemberFactory(unit=tree["a"]), subject="致本单位的信")
    c = client_for(officer_a)
    assert [i.pk for i in c.get(reverse("voice:inbox")).context["page"]] == [theirs.pk]
    assert [i.pk for i in c.get(reverse("voice:index")).context["page"]] == [own.pk]
    assert c.get(reverse("voice:detail", args=[own.pk])).status_code == 200  # the sender reads it


def test_the_inbox_export_speaks_chinese_under_the_english_interface(tree, officer_a, client_for):
    VoiceItemFactory(sender=MemberFactory(unit=tree["a"]), subject="=HYPERLINK(1)", kind="request")
    c = client_for(officer_a)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Suggestions and requests received" in c.get(reverse("voice:inbox")).content.decode()  # English pages
    response = c.get(reverse("voice:inbox_export"))
    assert response["Content-Disposition"].startswith('attachment; filename="voice-inbox.xlsx"')
    header, row = xlsx_rows(response)
    assert header[:5] == ("序号", "提交时间", "诉求类型", "事项分类", "标题")  # two different labels
    assert "求助" in row[2] and row[4] == "=HYPERLINK(1)"  # the words too; the formula stays text


def test_a_talk_refused_is_a_talk_not_recorded_as_read(talk, zone_lead, officer_a, client_for):
    from members.models import AccessRecord

    assert client_for(zone_lead).get(reverse("voice:talk_detail", args=[talk.pk])).status_code == 403
    assert not AccessRecord.objects.filter(target_model="voice.talk").exists()
    assert client_for(officer_a).get(reverse("voice:talk_detail", args=[talk.pk])).status_code == 200
    assert AccessRecord.objects.filter(target_model="voice.talk", target_id=talk.pk, actor=officer_a).count() == 1


def test_the_overdue_scan_reads_every_unit_inside_a_task(tree):
    """The reminders are city-wide by design (an unscoped block in the selector), also where the rule is enforced."""
    from voice import selectors

    old = timezone.now() - timedelta(days=15)
    a = VoiceItemFactory(sender=MemberFactory(unit=tree["a"]), created_at=old)
    c = VoiceItemFactory(sender=MemberFactory(unit=tree["c"]), created_at=old)
    with scope_enforced():
        due = selectors.overdue_items(now=timezone.now())
    assert {i.pk for i in due["officers"]} == {a.pk, c.pk} == {i.pk for i in due["city"]}
