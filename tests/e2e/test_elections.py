"""In real Chromium: a unit officer runs an election from plan to approval, the city administrator approves each
step, members vote by secret ballot from their phones, and the approved result updates the committee.
A member answers an anonymous survey on a phone and the officer sees the charts."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from django.utils import timezone

from elections.models import VotingRound
from members.models import Committee, CommitteePost
from surveys import services as survey_services
from tests.e2e.conftest import ARTIFACTS, login
from tests.factories import MemberFactory, UserFactory
from tests.surveys.factories import answers_for, open_survey

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _page(browser, phone=False):
    size = (
        {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
        if phone
        else {"viewport": {"width": 1280, "height": 900}}
    )
    context = browser.new_context(locale="zh-CN", **size)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def _shot(page, name):
    if os.environ.get("E2E_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"elections-{name}.png"), full_page=True)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_election_from_plan_to_approval_with_phones_voting(browser, live_server, tree, officer_a, city_admin):
    Committee.objects.create(unit=tree["a"], term_start=date(2021, 6, 1), term_years=5)
    voters = [
        MemberFactory(unit=tree["a"], name=n, user=UserFactory(username=f"p{i}"))
        for i, n in enumerate(["李明", "王芳", "赵强"])
    ]
    base = live_server.url
    octx, officer = _page(browser)
    login(officer, live_server, "officer_a")
    officer.goto(f"{base}/elections/new/?unit={tree['a'].pk}")
    officer.select_option("select[name=voting_mode]", "online")
    officer.fill("input[name=vote_date]", date.today().isoformat())
    officer.get_by_role("button", name="保存方案").click()
    officer.get_by_text("选举工作方案已起草").wait_for()
    officer.select_option("select[name=post]", "member")
    officer.fill("input[name=seats]", "1")
    officer.fill("input[name=planned_candidates]", "2")
    officer.get_by_test_id("add-race").click()
    officer.get_by_test_id("submit_plan").click()
    officer.get_by_text("方案已报送。").wait_for()
    election_url = officer.url
    _shot(officer, "1-plan-submitted")

    actx, admin = _page(browser)
    login(admin, live_server, "cityadmin")
    admin.goto(election_url)
    admin.get_by_test_id("approve").click()
    admin.get_by_text("方案已批复同意。").wait_for()

    officer.goto(election_url)
    for who, group in ((voters[0], "第一工会小组"), (voters[1], "第二工会小组")):
        officer.select_option("select[name=member]", str(who.pk))
        officer.fill("input[name=nominated_by]", group)
        officer.get_by_test_id("add-candidate").click()
        officer.get_by_text(f"已推荐 {who.name}。").wait_for()
    officer.get_by_test_id("submit_candidates").click()
    officer.get_by_text("候选人名单已报送。").wait_for()
    admin.goto(election_url)
    admin.get_by_test_id("approve").click()
    admin.get_by_text("候选人名单已批复同意。").wait_for()

    officer.goto(election_url)
    officer.get_by_test_id("open_round").click()
    officer.get_by_test_id("open-vote").click()
    officer.get_by_text("投票已开始。").wait_for()
    _shot(officer, "2-voting")

    # The roll: the five members of unit A (the three, the officer, the city administrator). Four vote:
    # more than two thirds are present, and 李明's three votes are more than half of the five.
    receipts = []
    for i, username in enumerate(["p0", "p1", "p2", "officer_a"]):
        pctx, phone = _page(browser, phone=True)
        login(phone, live_server, username)
        phone.goto(f"{base}/elections/")
        phone.get_by_test_id("vote-link").click()
        phone.get_by_label(voters[0].name if i < 3 else voters[1].name).check()
        _no_sideways_scroll(phone)
        if i == 0:
            _shot(phone, "3-ballot-phone")
        phone.get_by_test_id("cast").click()
        receipts.append(phone.get_by_test_id("receipt").inner_text().strip())
        if i == 0:
            _shot(phone, "4-receipt-phone")
        pctx.close()
    assert len(set(receipts)) == 4

    # The window closes (time passes); the officer counts and reports, the city approves.
    VotingRound.objects.update(closes_at=timezone.now() - timedelta(seconds=1))
    officer.goto(election_url)
    officer.get_by_test_id("count").click()
    officer.get_by_text("计票完成。").wait_for()
    assert officer.get_by_test_id("elected").count() == 1
    _shot(officer, "5-counted")
    officer.get_by_test_id("submit_result").click()
    officer.get_by_text("结果已报批。").wait_for()
    admin.goto(election_url)
    admin.get_by_test_id("approve").click()
    admin.get_by_text("结果已批复同意：委员会已更新。").wait_for()
    _shot(admin, "6-approved")
    assert CommitteePost.objects.filter(member=voters[0], ended_on__isnull=True, post="member").exists()
    steps = admin.get_by_test_id("steps").inner_text()
    assert "结果批复同意" in steps and officer_a.get_full_name() in steps and city_admin.get_full_name() in steps

    # A voter checks the receipt on the phone: counted.
    pctx, phone = _page(browser, phone=True)
    login(phone, live_server, "p0")
    round_pk = VotingRound.objects.get().pk
    phone.goto(f"{base}/elections/rounds/{round_pk}/receipt/?code={receipts[0]}")
    assert "已计入" in phone.get_by_test_id("receipt-result").inner_text()
    pctx.close()
    octx.close()
    actx.close()


def test_a_member_answers_an_anonymous_survey_on_a_phone_and_the_officer_sees_charts(
    browser, live_server, tree, officer_a, member_a
):
    survey = open_survey(officer_a, tree["a"], title="2026年满意度调查")
    for i in range(4):
        other = MemberFactory(unit=tree["a"], user=UserFactory(username=f"s{i}"))
        survey_services.response_submit(actor=other.user, survey=survey, answers=answers_for(survey, i))
    base = live_server.url
    pctx, phone = _page(browser, phone=True)
    login(phone, live_server, "member_a")
    phone.goto(f"{base}/surveys/")
    phone.get_by_test_id("answer-link").click()
    assert phone.get_by_test_id("anonymous-note").is_visible()
    questions = list(survey.questions.prefetch_related("options"))
    for q in questions:
        if q.kind == "rating":
            phone.locator(f"input[name=q_{q.pk}][value='5']").check()
        elif q.kind == "single":
            phone.locator(f"input[name=q_{q.pk}]").first.check()
        elif q.kind == "multiple":
            phone.locator(f"input[name=q_{q.pk}]").nth(1).check()
        else:
            phone.fill(f"textarea[name=q_{q.pk}]", "希望多组织健步走")
    _no_sideways_scroll(phone)
    _shot(phone, "survey-1-phone")
    phone.get_by_test_id("submit-answers").click()
    phone.get_by_text("谢谢，您的答卷已提交。").wait_for()
    pctx.close()

    octx, officer = _page(browser)
    login(officer, live_server, "officer_a")
    officer.goto(f"{base}/surveys/{survey.pk}/results/")
    assert "5 份答卷" in officer.get_by_test_id("responses").inner_text()
    first = officer.locator(".union-chart").first
    first.wait_for()
    officer.wait_for_function("document.querySelector('.union-chart').getAttribute('data-drawn') === '1'")
    assert "希望多组织健步走" in officer.content()
    _shot(officer, "survey-2-results")
    officer.set_viewport_size({"width": 390, "height": 844})
    _no_sideways_scroll(officer)
    _shot(officer, "survey-3-results-phone")
    octx.close()
