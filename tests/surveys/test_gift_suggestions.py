"""慰问品征求意见: the winning option of a closed gift-choice survey is offered to a welfare batch as its gift,
through members.registry (welfare does not import surveys)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from members.registry import gift_suggestions
from surveys import services
from tests.factories import MemberFactory, UserFactory
from welfare.models import Distribution

from .factories import answers_for, open_survey

pytestmark = pytest.mark.django_db

FRUIT = "水果礼盒"


def _gift_survey(officer, unit, picks, django_capture_on_commit_callbacks, *, close=True, title="中秋慰问品征求意见"):
    """A gift survey of the unit where the people pick the given options (indexes of the first question)."""
    survey = open_survey(officer, unit, starter="gift", title=title)
    for i, pick in enumerate(picks):
        person = MemberFactory(unit=unit, user=UserFactory(username=f"g{title[:2]}{i}"))
        with django_capture_on_commit_callbacks(execute=True):
            services.response_submit(actor=person.user, survey=survey, answers=answers_for(survey, pick))
    if close:
        services.survey_close(actor=officer, survey=survey)
    return survey


def test_a_closed_gift_surveys_winner_becomes_the_batchs_item(
    client, tree, officer_a, officer_b, django_capture_on_commit_callbacks
):
    # 4 of 7 choose the fruit (option 2 of "您希望本次节日慰问品选择"), 3 the rice and oil.
    _gift_survey(officer_a, tree["a"], [1, 1, 0, 1, 0, 1, 0], django_capture_on_commit_callbacks)
    _gift_survey(officer_a, tree["a"], [2, 2, 2, 2, 2], django_capture_on_commit_callbacks, close=False, title="春节")

    suggestions = gift_suggestions(officer_a, tree["a"])
    assert [(s.item, s.source) for s in suggestions] == [(FRUIT, "中秋慰问品征求意见")]  # the open survey: not yet
    assert "4" in suggestions[0].label and "7" in suggestions[0].label
    assert gift_suggestions(officer_b, tree["b"]) == [] and gift_suggestions(officer_b) == []  # not B's to read

    client.force_login(officer_a)
    url = reverse("welfare:create")
    form = client.get(url).context["form"]
    assert (FRUIT, suggestions[0].label) in form.fields["suggestion"].choices  # the batch form offers the winner
    response = client.post(
        url,
        {
            "organization": tree["a"].pk,
            "category": "festival",
            "festival": "mid_autumn",
            "date": date(2026, 9, 20).isoformat(),
            "suggestion": FRUIT,
            "item": "",  # left for the choice to fill (the page's script fills it as the choice is made)
            "form": "goods",
            "amount": "300",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    batch = Distribution.objects.get(organization=tree["a"])
    assert batch.item == FRUIT

    client.force_login(officer_b)  # officer B's form offers nothing of unit A's
    assert "suggestion" not in client.get(url).context["form"].fields


def test_a_gift_nobody_chose_is_not_suggested_and_a_typed_item_wins(
    client, tree, officer_a, django_capture_on_commit_callbacks
):
    _gift_survey(officer_a, tree["a"], [], django_capture_on_commit_callbacks)
    assert gift_suggestions(officer_a, tree["a"]) == []
    _gift_survey(officer_a, tree["a"], [3, 3], django_capture_on_commit_callbacks, title="端午")
    client.force_login(officer_a)
    data = {
        "organization": tree["a"].pk,
        "category": "festival",
        "festival": "mid_autumn",
        "date": "2026-09-20",
        "suggestion": "生活日用品",
        "item": "月饼礼盒",
        "form": "goods",
        "amount": "300",
    }
    assert client.post(reverse("welfare:create"), data).status_code == 302
    assert Distribution.objects.get().item == "月饼礼盒"  # what the officer typed is kept
    bad = client.post(reverse("welfare:create"), {**data, "suggestion": "金条", "item": ""})
    assert bad.status_code == 200 and "suggestion" in bad.context["form"].errors  # only an offered gift
