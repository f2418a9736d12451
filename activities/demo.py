"""Demo data for the activities app (idempotent: keyed by title)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from members.models import Member, Organization, OrganizationKind
from members.scoping import unscoped

from .models import Activity, ActivityKind, EntryStatus, MentoringPair, ReadingRoom, Registration


@unscoped("demo data: seeding activities, reading rooms and pairs for every unit")
def seed_activities(*, stdout=None, rng=None) -> None:
    city = Organization.objects.filter(kind=OrganizationKind.CITY).first()
    if city is None:
        return
    today = timezone.localdate()
    plans = [
        ("2026年市级机关羽毛球团体赛", ActivityKind.BADMINTON, "team", 8, 12, "市体育中心羽毛球馆"),
        (
            "“建功新时代、机关作表率”岗位练兵技能竞赛",
            ActivityKind.SKILLS_CONTEST,
            "individual",
            60,
            20,
            "市行政中心会议室",
        ),
        ("书香机关·读书分享会", ActivityKind.READING, "individual", 40, 5, "市财政局职工书屋"),
        ("庆祝建党主题书法摄影作品展", ActivityKind.CALLIGRAPHY, "individual", None, 30, "市文化馆"),
        ("乒乓球团体赛", ActivityKind.TABLE_TENNIS, "team", 12, 40, "市全民健身中心"),
        ("工会干部业务培训班", ActivityKind.TRAINING, "individual", 80, 9, "市委党校"),
    ]
    for i, (title, kind, mode, capacity, days, place) in enumerate(plans):
        # Office hours, Shanghai time: 09:00, 14:00 or 15:30 on the planned day.
        hour, minute = ((9, 0), (14, 0), (15, 30))[i % 3]
        starts = datetime.combine(
            today + timedelta(days=days), time(hour, minute), tzinfo=timezone.get_current_timezone()
        )
        Activity.objects.get_or_create(
            title=title,
            defaults={
                "kind": kind,
                "theme": "建功新时代、机关作表率" if kind == ActivityKind.SKILLS_CONTEST else "",
                "organizer": city,
                "place": place,
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=3),
                "capacity": capacity,
                "registration_opens_at": timezone.now() - timedelta(days=3),
                "registration_closes_at": starts - timedelta(days=1),
                "cancellation_deadline": starts - timedelta(days=2),
                "mode": mode,
                "team_size_min": 4 if mode == "team" else None,
                "team_size_max": 6 if mode == "team" else None,
                "teams_per_unit": 1 if mode == "team" else None,
                "description": "欢迎各基层工会积极组织干部职工报名参加。",
            },
        )
    _seed_attended_trainings(city, today)
    for unit in Organization.objects.units().order_by("sort_order")[:6]:
        ReadingRoom.objects.get_or_create(
            unit=unit,
            defaults={"name": f"{unit.name}职工书屋", "is_demonstration": unit.sort_order % 3 == 0, "books": 1200},
        )
        members = list(Member.objects.filter(unit=unit).order_by("join_date")[:2])
        if len(members) == 2 and not MentoringPair.objects.filter(mentor=members[0], mentee=members[1]).exists():
            today = timezone.localdate()
            MentoringPair.objects.create(
                mentor=members[0],
                mentee=members[1],
                unit=unit,
                skill_area="公文写作",
                starts_on=today - timedelta(days=30),
                ends_on=today + timedelta(days=335),
            )
    if stdout:
        stdout.write(
            "activities: demo activities, two past training classes with check-ins, reading rooms and mentoring pairs"
        )


#: Past training classes whose check-ins count as training hours on care's pages (issue #22): (title, days ago,
#: duration in hours, hours given on the class or None for start to end, the officers' training, who attended).
PAST_TRAININGS = [
    ("机关工会业务知识讲座", 40, 3, None, False, ("member", "officer")),
    ("市级机关工会干部培训班（第一期）", 120, 8 + 24, Decimal("16"), True, ("officer",)),
]


def _seed_attended_trainings(city, today) -> None:
    tz = timezone.get_current_timezone()
    for title, days_ago, duration, hours, officers, usernames in PAST_TRAININGS:
        day = max(today - timedelta(days=days_ago), date(today.year, 1, 1))  # this year's hours
        starts = datetime.combine(day, time(9), tzinfo=tz)
        activity, _ = Activity.objects.get_or_create(
            title=title,
            defaults={
                "kind": ActivityKind.TRAINING,
                "organizer": city,
                "place": "市委党校",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=duration),
                "training_hours": hours,
                "is_officer_training": officers,
                "capacity": 100,
                "registration_opens_at": starts - timedelta(days=20),
                "registration_closes_at": starts - timedelta(days=1),
                "cancellation_deadline": starts - timedelta(days=2),
                "description": "签到即计入培训学时。",
            },
        )
        for member in Member.objects.filter(user__username__in=usernames):
            Registration.objects.get_or_create(
                activity=activity,
                member=member,
                defaults={"status": EntryStatus.CONFIRMED, "attended_at": starts + timedelta(minutes=5)},
            )
