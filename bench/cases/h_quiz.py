"""Knowledge contests: papers handed in at the same instant under gunicorn (none lost, every score right), and
the unit leaderboard over 50,000 scored attempts.

The burst: PEOPLE members each with an attempt in progress, who have opened their paper, hand in the whole
paper at the same moment (all connections opened, then every request written in one pass); the figure is papers
per second from the first request to the last answer, and afterwards every attempt must be submitted with exactly
the score its answers earn.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from bench.common import Context, Figure, median_p95, timed
from members.models import Member, Organization, OrganizationKind

TITLE = "基准测试：知识竞赛（bench）"
PEOPLE = 1000
BOARD_ATTEMPTS = 50_000
PREFIX = "bench-quiz-"


def make_quiz(title: str, organizer, *, questions: int = 10):
    """A ranked city contest open now: a subject with enough true/false and single-choice questions."""
    from quiz.models import PaperRule, Question, Quiz, Subject

    Quiz.objects.filter(title=title).delete()
    subject, _ = Subject.objects.get_or_create(organizer=organizer, name=f"{title}题库")
    if not subject.questions.exists():
        Question.objects.bulk_create(
            [
                Question(
                    subject=subject, kind="single", text=f"单选{i}", options=["甲", "乙", "丙", "丁"], answer=str(i % 4)
                )
                for i in range(40)
            ]
            + [
                Question(
                    subject=subject, kind="true_false", text=f"判断{i}", options=["正确", "错误"], answer=str(i % 2)
                )
                for i in range(40)
            ]
        )
    now = timezone.now()
    quiz = Quiz.objects.create(
        title=title,
        organizer=organizer,
        mode="contest",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
        time_limit_minutes=60,
        attempts_allowed=1,
    )
    half = questions // 2
    PaperRule.objects.create(quiz=quiz, subject=subject, kind="single", count=half, points=Decimal(10))
    PaperRule.objects.create(quiz=quiz, subject=subject, kind="true_false", count=questions - half, points=Decimal(10))
    return quiz


def prepare_attempts(quiz, members, *, seed: int = 7, submitted: bool = False):
    """An attempt in progress for each member, in bulk: the rows attempt_start writes. Returns
    [(attempt, {position: right options})]. With ``submitted``: scored attempts and participants' best
    scores only (what the leaderboards read; no papers), returns []."""
    from quiz import services
    from quiz.models import Attempt, PaperQuestion, Participant

    rng = random.Random(seed)
    now = timezone.now()
    scores = [Decimal(rng.randint(0, 10) * 10) if submitted else None for _ in members]
    participants = Participant.objects.bulk_create(
        [
            Participant(
                quiz=quiz,
                member=m,
                unit_id=m.unit_id,
                attempts_used=1,
                best_score=score,
                best_seconds=rng.randint(60, 1200) if submitted else None,
                best_at=now if submitted else None,
            )
            for m, score in zip(members, scores, strict=True)
        ],
        batch_size=5000,
    )
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                quiz=quiz,
                participant=p,
                member_id=p.member_id,
                unit_id=p.unit_id,
                number=1,
                started_at=now,
                deadline=now + timedelta(minutes=60),
                max_score=Decimal(100),
                submitted_at=now if submitted else None,
                score=score,
                correct=int(score / 10) if submitted else None,
            )
            for p, score in zip(participants, scores, strict=True)
        ],
        batch_size=5000,
    )
    if submitted:
        return []
    out, rows = [], []
    paper = services._draw(quiz, rng)  # one draw reshuffled per person: the same questions, new orders
    for attempt in attempts:
        mine = paper[:]
        rng.shuffle(mine)
        right = {}
        for pos, (q, order, points) in enumerate(mine, start=1):
            rows.append(PaperQuestion(attempt=attempt, position=pos, question=q, order=order, points=points))
            right[pos] = [int(x) for x in q.answer.split(",")]
        out.append((attempt, right))
    PaperQuestion.objects.bulk_create(rows, batch_size=5000)
    return out


def answers_for(right: dict[int, list[int]], k: int) -> tuple[str, int]:
    """The first ``k`` answers right, the rest wrong: the urlencoded body and how many are right."""
    pairs = []
    for pos, values in sorted(right.items()):
        chosen = values if pos <= k else [(values[0] + 1) % 2]
        pairs += [(f"q{pos}", str(v)) for v in chosen]
    return urlencode(pairs), min(k, len(right))


def _accounts(n: int) -> list:
    """n current members with a login (created once, reused by later runs)."""
    User = get_user_model()
    members = list(Member.objects.current().filter(user__username__startswith=PREFIX).order_by("pk")[:n])
    missing = n - len(members)
    if missing > 0:
        fresh = list(Member.objects.current().filter(user__isnull=True).order_by("pk")[:missing])
        users = User.objects.bulk_create([User(username=f"{PREFIX}{m.pk}", password="!") for m in fresh])
        for member, user in zip(fresh, users, strict=True):
            member.user = user
        Member.objects.bulk_update(fresh, ["user"])
        members += fresh
    return members[:n]


def _open_papers(base: str, requests: list[tuple[str, str, str]]) -> int:
    """Each person opens the own paper once before handing it in, as in the portal (8 at a time): the hand-in
    is then not the session's first request, which decides the session's login policy once and writes the
    session (members.security.session_policy). Returns how many pages answered 200."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def open_one(request: tuple[str, str, str]) -> int:
        path, cookie, _body = request
        page = urllib.request.Request(base + path.removesuffix("submit/"), headers={"Cookie": cookie})
        with urllib.request.urlopen(page, timeout=60) as answer:
            return answer.status

    with ThreadPoolExecutor(8) as pool:
        return sum(1 for status in pool.map(open_one, requests) if status == 200)


def run(ctx: Context) -> list[Figure]:
    from django.test import Client

    from bench.loadtest import burst_post, gunicorn, session_cookie
    from quiz.models import Attempt
    from quiz.selectors import unit_board

    city = Organization.objects.get(kind=OrganizationKind.CITY)
    figures = []

    # 1. PEOPLE papers handed in at the same instant.
    quiz = make_quiz(TITLE, city)
    members = _accounts(PEOPLE)
    prepared = prepare_attempts(quiz, members)
    requests, expected = [], {}
    for i, ((attempt, right), member) in enumerate(zip(prepared, members, strict=True)):
        body, k = answers_for(right, i % (len(right) + 1))
        expected[attempt.pk] = Decimal(10 * k)
        requests.append((f"/quiz/attempts/{attempt.pk}/submit/", session_cookie(member.user.username), body))
    with gunicorn(workers=4, threads=4) as base:
        opened = _open_papers(base, requests)
        burst = burst_post(base, requests)
    got = dict(Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).values_list("pk", "score"))
    lost = sum(1 for pk in expected if pk not in got)
    wrong = sum(1 for pk, score in expected.items() if pk in got and got[pk] != score)
    errors = sum(1 for s in burst.statuses if s != 302)
    figures += [
        Figure(
            f"{PEOPLE} papers handed in at once: papers per second (gunicorn 4x4)",
            PEOPLE / burst.seconds,
            "per s",
            ">= 200",
        ),
        Figure("  papers lost (not submitted afterwards)", lost, "papers", "== 0"),
        Figure("  papers with a wrong score", wrong, "papers", "== 0"),
        Figure("  answers other than the redirect", errors, "answers", "== 0"),
        Figure("  papers opened before the hand-in (the page that shows the paper)", opened, "papers", f"== {PEOPLE}"),
    ]

    # 2. The unit leaderboard over BOARD_ATTEMPTS scored attempts.
    board_quiz = make_quiz(f"{TITLE}排行", city)
    people = list(Member.objects.current().order_by("pk")[:BOARD_ATTEMPTS])
    prepare_attempts(board_quiz, people, submitted=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE quiz_participant; ANALYZE quiz_attempt")
    viewer = members[0].user
    samples = timed(lambda: unit_board(actor=viewer, quiz=board_quiz), 10)
    median, p95 = median_p95(samples)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(viewer)
    url = f"/quiz/{board_quiz.pk}/leaderboard/?tab=units"
    page = timed(lambda: client.get(url), 10)
    page_median, page_p95 = median_p95(page)
    figures += [
        Figure(f"unit leaderboard, {len(people):,} attempts: median (selector)", median, "ms", "< 300"),
        Figure("  95th percentile (selector)", p95, "ms"),
        Figure("  the page (units tab): median", page_median, "ms", "< 300"),
        Figure("  the page: 95th percentile", page_p95, "ms"),
    ]
    return figures
