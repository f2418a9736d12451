"""Demo data for `manage.py seed_demo`: a subject's question bank, a ranked knowledge contest with attempts by
members of many units, and a drill open for weeks beside it. Idempotent: keyed by the contest's title."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from members.models import Member, Organization, OrganizationKind

from . import services
from .models import Attempt, Participant, Question, QuestionKind, Quiz, QuizMode, Subject

TITLE = "“建功新时代、机关作表率”工会知识竞赛"
SINGLE = [
    ("工会会员按月缴纳会费，标准为本人工资收入的多少？", ["0.5%", "1%", "2%", "0.2%"], "0"),
    ("基层工会委员会每届任期为几年？", ["1年或2年", "3年或5年", "4年", "6年"], "1"),
    ("职工拨缴经费按全部职工工资总额的多少拨缴？", ["1%", "2%", "3%", "5%"], "1"),
    ("会员人数多少以上的基层工会应设立委员会？", ["10人", "25人", "50人", "100人"], "1"),
    ("“两节”送温暖中的“两节”指什么？", ["元旦和春节", "春节和元宵", "中秋和国庆", "端午和中秋"], "0"),
    ("金秋助学主要资助对象是？", ["困难职工子女", "全体职工", "退休职工", "劳动模范"], "0"),
    ("女职工委员会在女会员多少人以上时设立？", ["10人", "25人", "50人", "100人"], "1"),
    ("会员代表大会选举采用什么方式？", ["举手表决", "无记名投票", "鼓掌通过", "口头表决"], "1"),
]
MULTIPLE = [
    ("节日慰问品可以在下列哪些节日发放？", ["春节", "端午", "中秋", "圣诞节"], "0,1,2"),
    ("基层工会经费支出包括？", ["职工活动支出", "维权支出", "业务支出", "发放购物卡"], "0,1,2"),
    ("困难职工帮扶的类别有？", ["深度困难", "相对困难", "意外致困", "一般困难"], "0,1,2"),
    ("职工书屋建设可以包括？", ["图书", "阅读空间", "读书活动", "现金奖励"], "0,1,2"),
]
TRUE_FALSE = [
    ("节日慰问可以发放现金和购物卡。", "1"),
    ("退休会员保留会籍，不再缴纳会费。", "0"),
    ("一次入会，动态接转。", "0"),
    ("生日慰问可以发放蛋糕券。", "0"),
    ("工会经费可以用于公款吃喝。", "1"),
    ("困难职工档案实行动态管理。", "0"),
]


def seed(*, stdout, rng) -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    city = Organization.objects.filter(kind=OrganizationKind.CITY).first()
    if admin is None or city is None or Quiz.objects.filter(title=TITLE).exists():
        return
    subject, _created = Subject.objects.get_or_create(organizer=city, name="工会基础知识")
    if not subject.questions.exists():
        rows = [
            Question(
                subject=subject,
                kind=QuestionKind.SINGLE,
                text=t,
                options=o,
                answer=a,
                explanation="依据《中华人民共和国工会法》和全总有关规定。",
            )
            for t, o, a in SINGLE
        ]
        rows += [
            Question(subject=subject, kind=QuestionKind.MULTIPLE, text=t, options=o, answer=a) for t, o, a in MULTIPLE
        ]
        rows += [
            Question(subject=subject, kind=QuestionKind.TRUE_FALSE, text=t, options=["正确", "错误"], answer=a)
            for t, a in TRUE_FALSE
        ]
        Question.objects.bulk_create(rows)
    now = timezone.now()
    rules = [
        (subject, QuestionKind.SINGLE, 5, Decimal(5)),
        (subject, QuestionKind.MULTIPLE, 3, Decimal(10)),
        (subject, QuestionKind.TRUE_FALSE, 5, Decimal(9)),
    ]
    quiz = services.quiz_create(
        actor=admin,
        data={
            "title": TITLE,
            "organizer": city,
            "mode": QuizMode.CONTEST,
            "opens_at": now - timedelta(days=3),
            "closes_at": now + timedelta(days=11),
            "time_limit_minutes": 15,
            "attempts_allowed": 2,
            "description": "全市机关干部职工在线答题，单位按参与率和平均分排名。",
        },
        rules=rules,
    )
    services.quiz_create(
        actor=admin,
        data={
            "title": "岗位练兵·工会知识每日一练",
            "organizer": city,
            "mode": QuizMode.DRILL,
            "opens_at": now - timedelta(days=3),
            "closes_at": now + timedelta(days=60),
            "time_limit_minutes": 10,
            "attempts_allowed": 1,
        },
        rules=[(subject, QuestionKind.SINGLE, 3, Decimal(10)), (subject, QuestionKind.TRUE_FALSE, 3, Decimal(10))],
    )
    members = list(Member.objects.current().order_by("?")[:120])
    local = random.Random(rng.random())
    for member in members:
        with transaction.atomic():
            _attempt(quiz, member, now, local)
    stdout.write(f"Quiz: {TITLE} with {len(members)} attempts, and a drill beside it.")


def _attempt(quiz, member, now, local) -> None:
    participant = Participant.objects.create(quiz=quiz, member=member, unit_id=member.unit_id, attempts_used=1)
    started = now - timedelta(days=local.randint(0, 2), minutes=local.randint(20, 600))
    attempt = Attempt.objects.create(
        quiz=quiz,
        participant=participant,
        member=member,
        unit_id=member.unit_id,
        number=1,
        started_at=started,
        deadline=started + timedelta(minutes=15),
        max_score=Decimal(100),
    )
    paper = services._draw(quiz, local)
    rows = []
    for i, (q, order, points) in enumerate(paper, start=1):
        right = local.random() < 0.75
        chosen = q.answer if right else str(order[0])
        rows.append(
            services.PaperQuestion(
                attempt=attempt, position=i, question=q, order=order, points=points, chosen=chosen, saved_at=started
            )
        )
    services.PaperQuestion.objects.bulk_create(rows)
    services._score(attempt, now=started + timedelta(minutes=local.randint(4, 14)))
