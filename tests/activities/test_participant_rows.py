"""The participants page's rows written by ``{% participant_rows %}`` and ``{% participant_cancel_forms %}``
(issue #23) are what the template's row loop wrote, for every kind of row, escaped the same way."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.utils import translation

from activities import selectors
from activities.models import Registration, Team
from tests.factories import MemberFactory

from .factories import ActivityFactory, TeamActivityFactory

pytestmark = pytest.mark.django_db

OLD_ROW_LOOP = """{% load i18n %}{% for r in page %}
    <tr data-testid="participant-row">
      <td data-label="{% translate 'Name' %}">{{ r.member.name }}</td>
      <td data-label="{% translate 'Unit' %}">{{ r.member.unit.name }}</td>
      <td data-label="{% translate 'Team' %}">{{ r.team.name|default:"—" }}</td>
      <td data-label="{% translate 'Status' %}">{{ r.get_status_display }}{% if r.waitlist_position %} #{{ r.waitlist_position }}{% elif r.team.waitlist_position %} #{{ r.team.waitlist_position }}{% endif %}</td>
      <td data-label="{% translate 'Attended' %}">{% if r.status == "confirmed" %}<input type="hidden" name="shown" value="{{ r.pk }}"><input class="form-check-input" type="checkbox" name="attended" value="{{ r.pk }}" aria-label="{% translate 'Attended' %}"{% if r.attended_at %} checked{% endif %}> <span class="small text-muted">{{ r.attended_at|date:"H:i" }}</span>{% endif %}</td>
      <td>{% if not r.team and r.status != "cancelled" %}<button class="btn btn-link btn-sm text-danger p-0" form="cancel-{{ r.pk }}">{% translate "Cancel" %}</button>{% endif %}</td>
    </tr>{% endfor %}
{% for r in page %}{% if not r.team and r.status != "cancelled" %}<form id="cancel-{{ r.pk }}" method="post" action="{% url 'activities:registration_cancel' r.pk %}" data-confirm="{% blocktranslate with name=r.member.name %}Cancel the registration of {{ name }}?{% endblocktranslate %}">{% csrf_token %}<input type="hidden" name="next" value="participants"></form>{% endif %}{% endfor %}"""  # noqa: E501
NEW_ROWS = "{% load participant_rows %}{% participant_rows page %}\n{% participant_cancel_forms page %}"


@pytest.fixture
def every_kind_of_row(tree):
    """Confirmed (checked in at 08:05 China time, and not), waitlisted #1 and #2, cancelled; a confirmed team and
    a waitlisted team #1; names and units with characters HTML must escape."""
    unit = tree["a"]
    unit.name = '<i>"财政&局"</i>'
    unit.save()
    act = ActivityFactory(organizer=tree["city"], capacity=2)
    names = ['<b>"王&李"</b>', "张三", "李四", "王五", "赵六"]
    people = [MemberFactory(unit=unit, name=n) for n in names]
    checked_in = datetime(2026, 12, 1, 0, 5, tzinfo=ZoneInfo("UTC"))  # 08:05 in Nantong
    for member, status, position, attended in [
        (people[0], "confirmed", None, checked_in),
        (people[1], "confirmed", None, None),
        (people[2], "waitlisted", 1, None),
        (people[3], "waitlisted", 2, None),
        (people[4], "cancelled", None, None),
    ]:
        Registration.objects.create(
            activity=act, member=member, status=status, waitlist_position=position, attended_at=attended
        )
    team_act = TeamActivityFactory(organizer=tree["city"], capacity=1)
    for name, status, position in [("<一队>", "confirmed", None), ("二队&", "waitlisted", 1)]:
        mates = MemberFactory.create_batch(2, unit=unit)
        team = Team.objects.create(
            activity=team_act, unit=unit, name=name, captain=mates[0], status=status, waitlist_position=position
        )
        for m in mates:
            Registration.objects.create(activity=team_act, member=m, team=team, status=status)
    models, values = [], []
    for activity in (act, team_act):
        activity.actor_manages = True
        qs = selectors.participants(actor=None, activity=activity, include_cancelled=True)
        models += list(qs)
        values += list(qs.values(*selectors.PARTICIPANT_ROW_VALUES))
    return models, values


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_participant_rows_write_what_the_row_loop_wrote(every_kind_of_row, language):
    """The loop over model instances, the tag over the page's plain values: the same rows, in both languages."""
    models, values = every_kind_of_row
    with translation.override(language):
        old = Template(OLD_ROW_LOOP).render(Context({"page": models, "csrf_token": "tok<en>"}))
        new = Template(NEW_ROWS).render(Context({"page": values, "csrf_token": "tok<en>"}))
    assert new.count('data-testid="participant-row"') == 9
    assert "&lt;b&gt;&quot;王&amp;李&quot;&lt;/b&gt;" in new and "08:05" in new and "#2" in new
    assert new.count("<form ") == 4  # the four registrations of one's own that are not cancelled
    assert parse_html(new) == parse_html(old)


def test_no_rows_and_no_token_write_nothing(every_kind_of_row):
    assert Template(NEW_ROWS).render(Context({"page": []})).strip() == ""
    forms = Template(NEW_ROWS).render(Context({"page": every_kind_of_row[1]}))
    assert "<form " in forms and "csrfmiddlewaretoken" not in forms  # as {% csrf_token %} without a token
