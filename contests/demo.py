"""Demo data for `manage.py seed_demo`: a photography contest with entries, a panel of three outside
experts who scored every entry, and published results (on public notice). Idempotent: keyed by title."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from members.models import Member, Organization, OrganizationKind

from . import services
from .models import Contest, Entry

TITLE = "“光影机关”职工摄影比赛"
WORKS = ["晨光里的市政大楼", "濠河夜色", "岗位上的坚守", "田野丰收", "社区志愿者", "雨后狼山", "老街记忆", "工地的黎明"]


def _photo(seed: int) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 320), (40 + seed * 20 % 200, 90, 150 - seed * 10 % 100))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        draw.ellipse((40 * i + seed * 7 % 60, 60 + i * 20, 40 * i + 120, 200 + i * 10), fill=(240, 200 - i * 20, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def seed(*, stdout, rng) -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    city = Organization.objects.filter(kind=OrganizationKind.CITY).first()
    if admin is None or city is None or Contest.objects.filter(title=TITLE).exists():
        return
    contest = services.contest_create(
        actor=admin,
        data={
            "title": TITLE,
            "kind": "photography",
            "organizer": city,
            "description": "以“建功新时代、机关作表率”为主题，展现机关干部职工的工作与生活。每人限投1幅作品。",
            "allow_image": True,
            "submissions_close_at": timezone.now() + timedelta(days=1),
            "combine": "mean",
            "first_prizes": 1,
            "second_prizes": 2,
            "third_prizes": 2,
            "excellence_awards": 2,
        },
    )
    services.criteria_set(
        actor=admin,
        contest=contest,
        rows=[
            ("主题", Decimal(40), Decimal(40)),
            ("技术", Decimal(30), Decimal(30)),
            ("创意", Decimal(20), Decimal(20)),
            ("规范", Decimal(10), Decimal(10)),
        ],
    )
    members = list(
        Member.objects.current().order_by("unit__sort_order", "pk")[:: max(1, Member.objects.count() // 40)][
            : len(WORKS)
        ]
    )
    for i, (member, title) in enumerate(zip(members, WORKS, strict=False)):
        entry = Entry(
            contest=contest,
            member=member,
            unit_id=member.unit_id,
            title=title,
            content_type="image/jpeg",
            submitted_at=timezone.now() - timedelta(days=5, hours=i),
        )
        entry.file.save("work.jpg", ContentFile(_photo(i)), save=False)
        entry.save()
    judges = [
        services.expert_add(actor=admin, contest=contest, name=name, affiliation=org)[0]
        for name, org in (("陈立新", "市摄影家协会"), ("周雅琴", "南通大学艺术学院"), ("吴国平", "南通日报社"))
    ]
    services.judging_start(actor=admin, contest=contest)
    criteria = list(contest.criteria.order_by("position"))
    for judge in judges:
        for sheet in judge.assignments.all():
            values = {c.pk: Decimal(int(c.max_score * Decimal(rng.uniform(0.6, 0.98)))) for c in criteria}
            services.sheet_save(actor=judge.user, assignment=sheet, values=values)
    services.judging_close(actor=admin, contest=contest)
    services.results_publish(actor=admin, contest=contest)
    stdout.write(f"Contests: {TITLE} with {len(members)} entries, 3 judges, results on public notice.")
