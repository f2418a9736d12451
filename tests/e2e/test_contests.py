"""Contests in real Chromium: a member submits a photo from a phone, two judges score blind, the organiser
closes judging, publishes, makes the results final, and the honour and the certificate appear; a member
takes a timed knowledge contest on a phone, loses the connection midway, resumes, and sees the score."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from contests import services
from contests.models import Contest, Entry
from members.models import Honour
from quiz import services as quiz_services
from quiz.models import Attempt
from tests.contests.factories import RUBRIC, ContestFactory, entrant, jpeg, submit
from tests.e2e.conftest import ARTIFACTS
from tests.quiz.factories import QuizFactory, bank

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Test@pass-2026"


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"contests-{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_photo_from_a_phone_to_honours_and_certificates(browser, live_server, tree, member_a, city_admin):
    contest = ContestFactory(
        organizer=tree["city"],
        title="光影机关摄影比赛",
        first_prizes=1,
        second_prizes=1,
        third_prizes=0,
        excellence_awards=0,
    )
    services.criteria_set(actor=city_admin, contest=contest, rows=RUBRIC)
    submit(entrant(tree["b"], name="王其他"), contest, title="狼山云海")
    expert, login = services.expert_add(actor=city_admin, contest=contest, name="陈专家", affiliation="摄影家协会")
    expert.user.set_password(PASSWORD)
    expert.user.must_change_password = False
    expert.user.save()
    member_judge = entrant(tree["c"], name="周评委")
    member_judge.set_password(PASSWORD)
    member_judge.save()
    services.judge_add_member(actor=city_admin, contest=contest, member=member_judge.member)
    phone_ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    desk_ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        # 1. member_a submits a photo from the phone.
        phone = phone_ctx.new_page()
        phone.on("dialog", lambda d: d.accept())
        _login(phone, live_server, "member_a")
        phone.goto(f"{live_server.url}/contests/{contest.pk}/")
        phone.click("[data-testid=submit-work]")
        phone.fill("input[name=title]", "濠河晨光")
        phone.set_input_files(
            "input[name=file]",
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": jpeg(exif_artist="member a")},
        )
        phone.click("[data-testid=entry-submit]")
        code = phone.inner_text("[data-testid=entry-code]").strip()
        assert re.fullmatch(r"[A-Z2-9]{6}", code)
        _no_sideways_scroll(phone)
        _shot(phone, "1-entry-phone")

        # 2. The organiser starts judging.
        desk = desk_ctx.new_page()
        desk.on("dialog", lambda d: d.accept())
        _login(desk, live_server, "cityadmin")
        desk.goto(f"{live_server.url}/contests/{contest.pk}/")
        desk.click("[data-testid=judging-start]")
        desk.wait_for_selector("text=评审已开始")

        # 3. Two judges score blind, each in a browser of their own.
        for username, scores in (("expert", (36, 27, 18, 9)), (member_judge.username, (38, 28, 19, 10))):
            judge_ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
            judge = judge_ctx.new_page()
            _login(judge, live_server, expert.user.username if username == "expert" else username)
            judge.goto(f"{live_server.url}/contests/judging/")
            while judge.locator("text=待评分").count():
                row = judge.locator("[data-testid=sheet-row]", has_text="待评分").first
                row.locator("[data-testid=sheet-link]").click()
                body = judge.inner_text("main")
                assert (
                    "member_a" not in body
                    and "市财政局" not in body
                    and "王其他" not in body
                    and "市商务局" not in body
                )
                mine = code in judge.inner_text("[data-testid=sheet-code]")
                for field, value in zip(
                    judge.locator("input[type=number]").all(), scores if mine else (20, 20, 10, 5), strict=True
                ):
                    field.fill(str(value))
                if username == "expert" and mine:
                    _shot(judge, "2-judge-sheet-phone")
                judge.click("[data-testid=sheet-save]")
                judge.goto(f"{live_server.url}/contests/judging/")
            if username == "expert":
                assert judge.goto(f"{live_server.url}/members/").status == 404  # the expert sees nothing else
            judge_ctx.close()

        # 4. The organiser closes judging, publishes; the notice period passes; the results are made final.
        desk.goto(f"{live_server.url}/contests/{contest.pk}/")
        desk.click("[data-testid=judging-close]")
        desk.click("[data-testid=publish]")
        desk.wait_for_selector("[data-testid=finalise]")
        Contest.objects.filter(pk=contest.pk).update(notice_ends_at=timezone.now() - timedelta(minutes=1))
        desk.reload()
        desk.click("[data-testid=finalise]")
        desk.wait_for_selector("[data-testid=certificates]")
        _shot(desk, "3-results-desktop")
        pdf = desk.request.get(f"{live_server.url}/contests/{contest.pk}/certificates.pdf")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        entry = Entry.objects.get(code=code)
        assert entry.result.rank == 1 and entry.result.prize == "first"
        assert Honour.objects.filter(member=member_a.member, title="contest_prize", name__contains="一等奖").exists()

        # 5. The winner sees the prize on the phone and opens the certificate.
        phone.goto(f"{live_server.url}/contests/{contest.pk}/results/")
        assert "一等奖" in phone.inner_text("main")
        cert = phone.request.get(f"{live_server.url}/contests/results/{entry.result.pk}/certificate.pdf")
        assert cert.status == 200 and cert.body().startswith(b"%PDF")
        phone.goto(f"{live_server.url}/members/{member_a.member.pk}/")
        assert "光影机关摄影比赛" in phone.inner_text("main")
        _no_sideways_scroll(phone)
        _shot(phone, "4-member-record-phone")
    finally:
        phone_ctx.close()
        desk_ctx.close()


def test_a_timed_paper_on_a_phone_survives_a_lost_connection(browser, live_server, tree, member_a, city_admin):
    subject = bank(city_admin, tree["city"])
    quiz = QuizFactory(organizer=tree["city"], title="工会知识竞赛", time_limit_minutes=10)
    quiz_services.rules_set(
        actor=city_admin,
        quiz=quiz,
        rules=[(subject, "single", 3, Decimal(10)), (subject, "true_false", 3, Decimal(10))],
    )
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN")
    try:
        page = ctx.new_page()
        page.on("dialog", lambda d: d.accept())
        _login(page, live_server, "member_a")
        page.goto(f"{live_server.url}/quiz/{quiz.pk}/")
        page.click("[data-testid=start]")
        page.wait_for_selector("[data-testid=question]")
        assert re.fullmatch(r"\d\d:\d\d", page.inner_text("[data-testid=clock]"))
        attempt = Attempt.objects.get(quiz=quiz)
        right = {row.position: row.question.answer for row in attempt.paper.select_related("question")}

        def answer(position):
            value = right[position].split(",")[0]
            page.locator(f"#q{position}-{value}").check()

        for position in (1, 2, 3):
            answer(position)
        page.wait_for_selector("[data-testid=save-status][data-state=saved]")
        assert attempt.paper.exclude(chosen="").count() == 3
        _shot(page, "5-quiz-phone")

        ctx.set_offline(True)  # the phone loses the connection midway
        for position in (4, 5):
            answer(position)
        page.wait_for_selector("[data-testid=save-status][data-state=pending]")
        assert attempt.paper.exclude(chosen="").count() == 3
        _shot(page, "6-quiz-offline-phone")

        ctx.set_offline(False)  # back: the person opens the paper again
        page.reload()
        page.wait_for_selector("[data-testid=save-status][data-state=saved]")
        assert attempt.paper.exclude(chosen="").count() == 5
        assert page.locator(f"#q4-{right[4].split(',')[0]}").is_checked()
        answer(6)
        _no_sideways_scroll(page)
        page.click("[data-testid=hand-in]")
        page.wait_for_selector("[data-testid=score]")
        assert page.inner_text("[data-testid=score]").startswith("60")
        _shot(page, "7-quiz-score-phone")
    finally:
        ctx.close()
