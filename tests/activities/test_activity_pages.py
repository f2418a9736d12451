"""The activity pages' parts written in one pass (issue #23) are what the template loops wrote, escaped the same
way: the participants page's rows (``{% participant_rows %}``, ``{% participant_cancel_forms %}``) for every
kind of row, and the calendar's month grid (``{% calendar_weeks %}``)."""

from datetime import datetime, timedelta
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
NEW_ROWS = "{% load activity_pages %}{% participant_rows page %}\n{% participant_cancel_forms page %}"


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


OLD_GRID = """{% for week in weeks %}<tr>
    {% for d in week %}
      <td class="align-top{% if not d.in_month %} text-muted bg-light{% endif %}{% if d.today %} table-warning{% endif %}" style="width:14.28%;height:6rem">
        <div class="small fw-semibold">{{ d.date.day }}</div>
        {% for a in d.items %}<a class="d-block small text-truncate badge text-bg-danger text-start mb-1" href="{% url 'activities:detail' a.pk %}" title="{{ a.title }}">{{ a.starts_at|time:"H:i" }} {{ a.title }}</a>{% endfor %}
      </td>
    {% endfor %}
  </tr>{% endfor %}"""  # noqa: E501


def test_the_calendar_grid_is_what_the_template_loop_wrote(client, tree, officer_a):
    """A month with an activity over three days, one late in the evening (China time: the next day in UTC terms
    is not the day shown) and a title HTML must escape; the page's own grid, then the old loop over the same weeks."""
    evening = datetime(2026, 3, 9, 13, 30, tzinfo=ZoneInfo("UTC"))  # 21:30 in Nantong, 9 March
    ActivityFactory(
        organizer=tree["a"], title='<b>"夜跑&"</b>', starts_at=evening, ends_at=evening + timedelta(hours=1)
    )
    three_days = datetime(2026, 3, 2, 1, 0, tzinfo=ZoneInfo("UTC"))  # 09:00, 2 March, until 4 March
    ActivityFactory(organizer=tree["a"], title="三日赛", starts_at=three_days, ends_at=three_days + timedelta(days=2))
    client.force_login(officer_a)
    response = client.get("/activities/calendar/?month=2026-3")
    page = response.content.decode()
    assert page.count("09:00 三日赛</a>") == 3 and "21:30 &lt;b&gt;&quot;夜跑&amp;&quot;&lt;/b&gt;</a>" in page
    weeks = response.context["weeks"]
    with translation.override("zh-hans"):
        old = Template(OLD_GRID).render(Context({"weeks": weeks}))
        new = Template("{% load activity_pages %}{% calendar_weeks weeks %}").render(Context({"weeks": weeks}))
    assert parse_html(new) == parse_html(old)


OLD_ACTIVITY_ROWS = """{% load i18n lists %}{% translate "Title" as l_title %}{% translate "Kind" as l_kind %}{% translate "Organiser" as l_organiser %}{% translate "Starts at" as l_starts %}{% translate "Place" as l_place %}{% translate "Places" as l_places %}{% url 'activities:list' as list_url %}
  {% for a in page %}
    <tr data-testid="activity-row">
      <td data-label="{{ l_title }}"><a href="{{ list_url }}{{ a.pk }}/">{{ a.title }}</a></td>
      <td data-label="{{ l_kind }}">{{ a|choice:"kind" }}</td>
      <td data-label="{{ l_organiser }}">{{ a.organizer.name }}</td>
      <td data-label="{{ l_starts }}">{{ a.starts_at|date:"Y-m-d H:i" }}</td>
      <td data-label="{{ l_place }}">{{ a.place }}</td>
      <td data-label="{{ l_places }}">{% if a.mode == "team" %}{{ a.confirmed_teams }}{% else %}{{ a.confirmed }}{% endif %} / {{ a.capacity|default:"∞" }}</td>
    </tr>{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_activity_rows_write_what_the_row_loop_wrote(every_kind_of_row, city_admin, language):
    """The two activities of the fixture (one with two confirmed of two places, a team competition with one
    confirmed team of one) and one without a limit whose title and place HTML must escape."""
    late = datetime(2026, 12, 20, 15, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 in Nantong
    ActivityFactory(organizer=every_kind_of_row[0][0].activity.organizer, title="<夜&>", place='"礼堂"', starts_at=late)
    rows = list(selectors.activity_list(actor=city_admin, filters=selectors.ActivityFilters(when="all")).order_by("pk"))
    with translation.override(language):
        old = Template(OLD_ACTIVITY_ROWS).render(Context({"page": rows}))
        new = Template("{% load activity_pages %}{% activity_rows page %}").render(Context({"page": rows}))
    assert new.count('data-testid="activity-row"') == 3
    assert (
        "2 / 2" in new and "1 / 1" in new and "0 / ∞" in new and "2026-12-20 23:30" in new and "&lt;夜&amp;&gt;" in new
    )
    assert parse_html(new) == parse_html(old)
