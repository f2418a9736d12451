"""``{% filter_field %}`` writes the same markup as crispy's ``as_crispy_field`` for every filter bar's field.

The list pages render their filter bars with the one-pass tag (issue #23); tests and the e2e tests read the
markup (``div_id_<name>``, the label, the classes, the error under the field), so it must stay what crispy
gave: compared as HTML (attribute order and whitespace aside) for every field of every filter form, unbound,
bound empty, and bound with values that are kept, rejected and escaped.
"""

from __future__ import annotations

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.test.html import parse_html
from django.utils import translation

from activities.forms import ActivityFilterForm
from activities.forms import PeriodForm as ActivityPeriodForm
from assistance.forms import CaseFilterForm, GrantFilterForm
from assistance.models import Campaign
from contests.forms import ContestFilterForm
from funds.forms import LedgerFilterForm, ReportForm
from members.access_views import RecordFilterForm
from members.forms import AccessRecordFilterForm, MemberFilterForm
from members.models import Organization
from members.templatetags.lists import filter_field
from quiz.forms import QuizFilterForm
from voice.forms import HonourFilterForm, InboxFilterForm
from voice.forms import PeriodForm as VoicePeriodForm
from welfare.forms import DistributionFilterForm, PolicyCreateForm


def _forms(data):
    orgs = Organization.objects.order_by("pk")
    return [
        ActivityFilterForm(data, organizers=orgs),
        ActivityPeriodForm(data),
        CaseFilterForm(data, units=orgs),
        GrantFilterForm(data, units=orgs, campaigns=Campaign.objects.order_by("pk")),
        DistributionFilterForm(data, units=orgs),
        PolicyCreateForm(data),
        InboxFilterForm(data, orgs=orgs),
        VoicePeriodForm(data),
        HonourFilterForm(data),
        AccessRecordFilterForm(data, units=orgs, apps=[("members", "会员")], kinds=[("x", "X")]),
        RecordFilterForm(data, kinds=[("a", "A"), ("b", 'B <"&>')]),
        ContestFilterForm(data),
        QuizFilterForm(data),
        LedgerFilterForm(data, unions=orgs),
        ReportForm(data, unions=orgs),
        MemberFilterForm(data, units=orgs),
    ]


ODD = {
    "q": "a\"<b>&'",
    "year": "2024",
    "month": "2024-13",
    "start": "2024-01-02",
    "end": "not a date",
    "date_from": "2024-02-30",
    "date_to": "2024-01-01",
    "status": "nonsense",
    "unit": "999999",
    "organization": "1",
    "campaign_year": "1",
    "kind": "x",
    "union": "abc",
    "overdue": "1",
    "level": "city",
    "province": "江苏<",
    "age": "-3",
}


@pytest.mark.parametrize("data", [None, {}, ODD], ids=["unbound", "empty", "odd"])
def test_filter_field_writes_what_crispy_writes(tree, data):
    compared = 0
    with translation.override("zh-hans"):
        for form in filter(None, _forms(data)):
            if data is not None:
                form.is_valid()
            for field in form:
                if field.is_hidden:
                    continue
                ours = str(filter_field(field))  # first: crispy writes its classes into the widget's attrs
                crispy = str(as_crispy_field(field))
                assert parse_html(ours) == parse_html(crispy), f"{type(form).__name__}.{field.name}\n{crispy}\n{ours}"
                compared += 1
    assert compared > 60


OLD_ROW_LOOP = """{% load lists %}{% for m in page %}
    <tr data-testid="member-row">
      <td data-label="{{ l_name }}"><a href="{{ list_url }}{{ m.pk }}/">{{ m.name }}</a></td>
      <td data-label="{{ l_gender }}">{{ m|choice:"gender" }}</td>
      <td data-label="{{ l_unit }}">{{ m.unit.name }}</td>
      <td data-label="{{ l_card }}">{{ m.card_number }}</td>
      <td data-label="{{ l_id }}" class="font-monospace">{{ m.id_number_masked }}</td>
      <td data-label="{{ l_employment }}">{{ m|choice:"employment_type" }}</td>
      <td data-label="{{ l_join }}">{{ m.join_date.isoformat }}</td>
      <td data-label="{{ l_status }}">{{ m|choice:"status" }}</td>
    </tr>{% endfor %}"""
NEW_ROWS = (
    "{% load lists %}{% member_rows page list_url l_name l_gender l_unit l_card l_id l_employment l_join l_status %}"
)


def test_member_rows_write_what_the_row_loop_wrote(members_abc):
    from django.template import Context, Template

    from members.models import Member

    Member.objects.filter(pk=members_abc["a"][0].pk).update(name='<b>"王&李"</b>')
    ctx = {
        "page": list(Member.objects.select_related("unit").order_by("pk")),
        "list_url": "/members/",
        **{f"l_{k}": f"{k} <&>" for k in ("name", "gender", "unit", "card", "id", "employment", "join", "status")},
    }
    with translation.override("zh-hans"):
        old = Template(OLD_ROW_LOOP).render(Context(ctx))
        new = Template(NEW_ROWS).render(Context(ctx))
    assert "&lt;b&gt;&quot;王&amp;李&quot;&lt;/b&gt;" in new
    assert parse_html(new) == parse_html(old)
    assert Template(NEW_ROWS).render(Context({**ctx, "page": []})) == ""
