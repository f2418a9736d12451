"""Demo data of the voice app (idempotent): a few suggestions, talks and unit honours."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from members.models import HonourLevel, Member, Organization, OrganizationKind

from .models import Category, FollowUp, ItemKind, ItemStatus, Talk, UnitHonour, UnitHonourTitle, VoiceItem

HONOURS = [
    ("市财政局", UnitHonourTitle.MODEL_STAFF_HOME, HonourLevel.PROVINCIAL, 2024, "江苏省模范职工之家"),
    ("市教育局", UnitHonourTitle.READING_ROOM_DEMO, HonourLevel.NATIONAL, 2023, "全国职工书屋示范点"),
    ("市公安局", UnitHonourTitle.ADVANCED_UNION, HonourLevel.CITY, 2025, "南通市先进基层工会"),
    ("市商务局", UnitHonourTitle.MODEL_STAFF_SMALL_HOME, HonourLevel.CITY, 2025, "南通市模范职工小家"),
]
ITEMS = [
    (
        ItemKind.SUGGESTION,
        Category.WORK_CONDITIONS,
        "建议食堂延长晚餐供应时间",
        "加班同事较多，建议晚餐供应延长到19:30。",
        False,
        2,
    ),
    (
        ItemKind.REQUEST,
        Category.HEALTH,
        "希望组织心理健康讲座",
        "近期工作压力较大，希望工会组织一次心理健康讲座。",
        True,
        9,
    ),
    (ItemKind.SUGGESTION, Category.ACTIVITIES, "建议增加羽毛球场地开放时间", "周末能否开放单位羽毛球场？", False, 16),
    (ItemKind.COMPLAINT, Category.WELFARE, "节日慰问品发放不及时", "端午慰问品节后才发放。", True, 20),
]


def seed_demo(*, stdout, rng) -> None:
    units = {o.name: o for o in Organization.objects.filter(kind=OrganizationKind.UNIT)}
    for unit_name, title, level, year, name in HONOURS:
        if unit_name in units:
            UnitHonour.objects.get_or_create(
                unit=units[unit_name], title=title, level=level, year=year, defaults={"name": name}
            )
    member = Member.objects.filter(user__username="member").select_related("unit").first()
    if member is None:
        return
    now = timezone.now()
    for kind, category, subject, text, anonymous, days_ago in ITEMS:
        sent = now - timedelta(days=days_ago)
        VoiceItem.objects.get_or_create(
            sender=None if anonymous else member,  # an anonymous item keeps no sender
            subject=subject,
            sender_unit=member.unit,
            defaults={
                "addressee": member.unit,
                "kind": kind,
                "category": category,
                "text": text,
                "anonymous": anonymous,
                "created_at": sent,
                "waiting_since": sent,
                "status": ItemStatus.NEW,
            },
        )
    colleagues = list(Member.objects.filter(unit=member.unit).exclude(pk=member.pk).order_by("pk")[:5])
    today = timezone.localdate()
    for i, colleague in enumerate(colleagues[:3]):
        talk, created = Talk.objects.get_or_create(
            member=colleague,
            held_on=today - timedelta(days=30 * (i + 1)),
            defaults={"talked_by": "财政局工会主席", "topics": "工作适应、家庭情况", "concerns": "子女入学"},
        )
        if created:
            FollowUp.objects.create(talk=talk, action="协调子女入学咨询", due_on=today + timedelta(days=14))
    stdout.write(
        f"Voice: {VoiceItem.objects.count()} items, {Talk.objects.count()} talks, "
        f"{UnitHonour.objects.count()} unit honours."
    )
