"""300 staff press "register" at the same instant for 50 seats, against gunicorn on the bench database.

Counts what the database holds afterwards (confirmed, waitlisted, contiguous waitlist), the answers that were
not the normal redirect (errors) and registrations per second from the release of the burst to the last answer.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from activities.models import Registration
from bench.cases.d_activities import make_activity
from bench.common import Context, Figure
from bench.loadtest import burst_post, gunicorn, session_cookie
from members.models import Member

TITLE = "基准测试：300人同时报名（bench）"
PEOPLE, SEATS = 300, 50
PREFIX = "bench-burst-"


def _accounts() -> list[str]:
    """Usernames of PEOPLE current members with a login (created once, reused by later runs)."""
    User = get_user_model()
    existing = User.objects.filter(username__startswith=PREFIX).order_by("username")
    have = list(existing.values_list("username", flat=True))
    missing = PEOPLE - len(have)
    if missing > 0:
        members = list(Member.objects.current().filter(user__isnull=True).order_by("-pk")[:missing])
        users = User.objects.bulk_create(
            [User(username=f"{PREFIX}{m.pk}", password="!") for m in members]  # no login by password
        )
        for member, user in zip(members, users, strict=True):
            member.user = user
        Member.objects.bulk_update(members, ["user"])
        have += [u.username for u in users]
    return have[:PEOPLE]


def run(ctx: Context) -> list[Figure]:
    activity = make_activity(TITLE, SEATS)
    cookies = [session_cookie(username) for username in _accounts()]
    path = f"/activities/{activity.pk}/register/"
    with gunicorn(workers=4, threads=4) as base:
        burst = burst_post(base, [(path, cookie) for cookie in cookies])
    regs = Registration.objects.filter(activity=activity)
    confirmed = regs.filter(status="confirmed").count()
    waitlisted = sorted(regs.filter(status="waitlisted").values_list("waitlist_position", flat=True))
    contiguous = waitlisted == list(range(1, len(waitlisted) + 1))
    errors = sum(1 for s in burst.statuses if s != 302)
    return [
        Figure(f"{PEOPLE} simultaneous registrations for {SEATS} seats: confirmed", confirmed, "people", f"== {SEATS}"),
        Figure("  waitlisted", len(waitlisted), "people", f"== {PEOPLE - SEATS}"),
        Figure("  waitlist positions 1..n without gaps", int(contiguous), "yes=1", "== 1"),
        Figure("  errors (answers other than the redirect)", errors, "answers", "== 0"),
        Figure("  registrations per second (gunicorn 4 workers x 4 threads)", PEOPLE / burst.seconds, "per s"),
    ]
