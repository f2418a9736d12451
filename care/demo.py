"""Demo data of the care app (idempotent): counsellors and their slots, a pending application, training records,
health checks and a legal-help request. A counsellor's login (``counsellor``) and the counselling coordinator
(``carelead``) have the demo accounts' password."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from members import idnumbers
from members.models import Member, Organization, OrganizationKind

from .models import (
    ApplicationStatus,
    CounsellingCoordinator,
    CounsellingSlot,
    Counsellor,
    CounsellorKind,
    HealthCheck,
    JoinApplication,
    LegalRequest,
    TrainingKind,
    TrainingRecord,
)

COUNSELLORS = [
    ("陈静", CounsellorKind.IN_HOUSE, "国家二级心理咨询师", "擅长职场压力与情绪调适。", "counsellor"),
    ("周明华", CounsellorKind.CONTRACTED, "南通市心理咨询中心 主任咨询师", "擅长家庭关系、婚恋与亲子沟通。", None),
]
#: A valid ID number for the pending application (GB 11643 check character computed).
APPLICANT_ID_FIRST17 = "32060219950312452"


def _login(username: str, full_name: str):
    from members.management.commands.seed_demo import DEFAULT_PASSWORD

    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created:
        user.set_password(DEFAULT_PASSWORD)
        user.save()
    return user


def seed_demo(*, stdout, rng) -> None:
    city = Organization.objects.filter(kind=OrganizationKind.CITY).first()
    if city is None:
        return
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    for name, kind, qualification, intro, username in COUNSELLORS:
        user = _login(username, name) if username else None
        counsellor, _ = Counsellor.objects.get_or_create(
            name=name,
            defaults={
                "organization": city,
                "kind": kind,
                "qualification": qualification,
                "introduction": intro,
                "user": user,
            },
        )
        for day in (2, 5, 9):
            for hour in (9, 14, 16):
                starts = datetime.combine(today + timedelta(days=day), time(hour), tzinfo=tz)
                CounsellingSlot.objects.get_or_create(
                    counsellor=counsellor,
                    starts_at=starts,
                    defaults={"ends_at": starts + timedelta(minutes=50), "place": "市级机关工会 心理驿站 301室"},
                )
    coordinator = _login("carelead", "心理关爱专员")
    CounsellingCoordinator.objects.get_or_create(user=coordinator)

    unit = Organization.objects.filter(kind=OrganizationKind.UNIT, name="市财政局").first()
    if unit is not None and not JoinApplication.objects.filter(unit=unit).exists():
        number = APPLICANT_ID_FIRST17 + idnumbers.check_char(APPLICANT_ID_FIRST17)
        JoinApplication.objects.create(
            unit=unit,
            name="顾晓雯",
            id_number_encrypted=idnumbers.encrypt(number),
            id_number_hash=idnumbers.keyed_hash(number),
            id_number_masked=idnumbers.mask(number),
            gender="F",
            birth_date=idnumbers.parse(number).birth_date,
            employment_type="contract",
            position="办事员",
            mobile="13962900001",
            status=ApplicationStatus.PENDING,
        )

    member = Member.objects.filter(user__username="member").first()
    # Training classes the member and the officer attended count by their check-ins (activities' demo seeds them):
    # only an external course is typed here.
    if member is not None and not TrainingRecord.objects.filter(member=member).exists():
        TrainingRecord.objects.create(
            member=member,
            title="职工心理健康公开课（线上）",
            kind=TrainingKind.EXTERNAL,
            on=max(today - timedelta(days=120), date(today.year, 1, 1)),
            hours=Decimal("2"),
        )
    if member is not None:
        HealthCheck.objects.get_or_create(
            member=member, year=today.year, defaults={"planned_on": today + timedelta(days=20)}
        )
        if not LegalRequest.objects.filter(member=member).exists():
            LegalRequest.objects.create(
                member=member,
                subject="劳务派遣同事的加班费如何计算",
                description="我是劳务派遣人员，周末加班是否应按两倍工资计算？",
            )
    stdout.write("care: counsellors, slots, a pending application, training records")
