"""The inbox's rows written by ``{% inbox_rows %}`` (issue #23) are what the template's row loop wrote: every
status, anonymous and named, with and without an attachment, late and in time, in both languages, escaped."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import timezone, translation

from tests.factories import MemberFactory
from tests.voice.factories import VoiceItemFactory
from voice import selectors
from voice.models import ItemStatus

pytestmark = pytest.mark.django_db

OLD_ROW_LOOP = """{% load i18n lists %}{% translate "Subject" as l_subject %}{% translate "Anonymous" as l_anonymous %}{% translate "Attachment" as l_attachment %}{% translate "Kind" context "voice item" as l_kind %}{% translate "Topic" as l_topic %}{% translate "Unit of the sender" as l_sender_unit %}{% translate "Addressed to" as l_addressee %}{% translate "Sent at" as l_sent %}{% translate "Waiting since" as l_waiting %}{% translate "Status" as l_status %}{% translate "Overdue" as l_overdue %}{% url 'voice:detail' 0 as detail_0 %}
  {% for item in page %}
    <tr data-testid="inbox-row"{% if item.is_late %} class="table-danger"{% endif %}>
      <td data-label="{{ l_subject }}"><a href="{{ detail_0|slice:":-2" }}{{ item.pk }}/">{{ item.subject }}</a>{% if item.anonymous %} <span class="badge text-bg-light">{{ l_anonymous }}</span>{% endif %}{% if item.attachment %} <i class="bi bi-paperclip" title="{{ l_attachment }}"></i>{% endif %}</td>
      <td data-label="{{ l_kind }}">{{ item|choice:"kind" }}</td>
      <td data-label="{{ l_topic }}">{{ item|choice:"category" }}</td>
      <td data-label="{{ l_sender_unit }}">{{ item.sender_unit.name }}</td>
      <td data-label="{{ l_addressee }}">{{ item.addressee.name }}</td>
      <td data-label="{{ l_sent }}">{{ item.created_at|date:"Y-m-d H:i" }}</td>
      <td data-label="{{ l_waiting }}">{% if item.is_open %}{{ item.waiting_since|date:"Y-m-d" }}{% else %}—{% endif %}</td>
      <td data-label="{{ l_status }}"><span class="badge {% if item.status == 'new' %}text-bg-primary{% elif item.status == 'in_progress' %}text-bg-info{% elif item.status == 'answered' %}text-bg-success{% else %}text-bg-secondary{% endif %}">{{ item|choice:"status" }}</span>{% if item.is_late %} <span class="badge text-bg-danger" data-testid="overdue">{{ l_overdue }}</span>{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501


@pytest.fixture
def every_kind_of_item(tree, city_admin):
    unit = tree["a"]
    unit.name = '<i>"财政&局"</i>'
    unit.save()
    late = timezone.now() - timedelta(days=30)
    evening = datetime(2026, 11, 2, 15, 30, tzinfo=UTC)  # 23:30 on 2 November in Nantong
    for subject, status, anonymous, sent in [
        ('<b>"食堂&"</b>', ItemStatus.NEW, False, evening),
        ("逾期未办", ItemStatus.IN_PROGRESS, False, late),
        ("匿名来信", ItemStatus.NEW, True, timezone.now()),
        ("已答复", ItemStatus.ANSWERED, False, late),
        ("已办结", ItemStatus.CLOSED, False, late),
    ]:
        VoiceItemFactory(
            subject=subject,
            status=status,
            created_at=sent,
            waiting_since=sent,
            sender=None if anonymous else MemberFactory(unit=unit),
            anonymous=anonymous,
            sender_unit=unit,
            addressee=unit,
        )
    with_file = VoiceItemFactory(subject="附件", sender=MemberFactory(unit=unit))
    with_file.attachment.save("a.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return list(selectors.inbox_list(actor=city_admin, now=timezone.now()).order_by("-created_at", "-pk"))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_inbox_rows_write_what_the_row_loop_wrote(every_kind_of_item, language):
    ctx = Context({"page": every_kind_of_item})
    with translation.override(language):
        old = Template(OLD_ROW_LOOP).render(ctx)
        new = Template("{% load voice_rows %}{% inbox_rows page %}").render(ctx)
    assert (
        new.count('data-testid="inbox-row"') == 6 and new.count('data-testid="overdue"') == 2
    )  # the new one of 2 November and the one in progress
    assert "&lt;b&gt;&quot;食堂&amp;&quot;&lt;/b&gt;" in new and "2026-11-02 23:30" in new and "bi-paperclip" in new
    assert parse_html(new) == parse_html(old)
    assert Template("{% load voice_rows %}{% inbox_rows page %}").render(Context({"page": []})) == ""
