"""300 voters cast their secret ballots at the same instant, against gunicorn on the bench database.

Counts what the database holds afterwards (one has-voted row per voter, every ballot counted exactly after the
mixing step), the answers that were not the ballot's receipt page (errors), and votes per second from the
first ballot sent to the last answer; then the time of the count (mixing included).
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from bench.common import Context, Figure
from bench.loadtest import burst_post, gunicorn, session_cookie
from elections import services
from elections.models import ACTIVE_STATUSES, Ballot, Election, Status, VoteCast
from members.models import Member, Organization, Post

VOTERS = 300
TITLE = "基准测试：300人同时投票（bench）"
PREFIX = "bench-vote-"


def _unit() -> Organization:
    """The unit with the most active members and no other election under way."""
    Election.objects.filter(title=TITLE).update(status=Status.CANCELLED)
    busy = Election.objects.filter(status__in=ACTIVE_STATUSES).values("unit_id")
    row = (
        Member.objects.filter(status="active")
        .exclude(unit_id__in=busy)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return Organization.objects.get(pk=row["unit_id"])


def _voters(unit) -> list[str]:
    User = get_user_model()
    members = list(Member.objects.filter(unit=unit, status="active").order_by("pk")[: VOTERS + 3])
    voters = members[3:]
    missing = [m for m in voters if m.user_id is None]
    users = User.objects.bulk_create([User(username=f"{PREFIX}{m.pk}", password="!") for m in missing])
    for m, u in zip(missing, users, strict=True):
        m.user = u
    Member.objects.bulk_update(missing, ["user"])
    return [m.user.username for m in voters], members[:3]


def _same_key_as_the_server() -> None:
    """The ballots are sealed by gunicorn and opened here by the count: both must use one field key. Without
    FIELD_ENCRYPTION_KEYS the runner uses the development key derived from SECRET_KEY; hand that to gunicorn
    (bench.loadtest passes settings.FIELD_ENCRYPTION_KEYS on)."""
    if not settings.FIELD_ENCRYPTION_KEYS:
        derived = base64.urlsafe_b64encode(hashlib.sha256(f"field-encryption:{settings.SECRET_KEY}".encode()).digest())
        settings.FIELD_ENCRYPTION_KEYS = [derived.decode()]


def run(ctx: Context) -> list[Figure]:
    _same_key_as_the_server()
    admin = get_user_model().objects.get(username="admin")
    unit = _unit()
    usernames, people = _voters(unit)
    e = services.election_create(
        actor=admin,
        unit=unit,
        kind="by_election",
        title=TITLE,
        assembly="members",
        voting_mode="online",
        vote_date=timezone.localdate(),
        term_years=5,
    )
    race = services.race_set(actor=admin, election=e, post=Post.MEMBER, seats=2, planned_candidates=3)
    services.election_submit_plan(actor=admin, election=e)
    services.election_decide(actor=admin, election=e, step="plan", approve=True)
    cands = [services.candidate_add(actor=admin, race=race, member=m, nominated_by="基准") for m in people]
    services.election_submit_candidates(actor=admin, election=e)
    services.election_decide(actor=admin, election=e, step="candidates", approve=True)
    now = timezone.now()
    voting_round = services.round_open(
        actor=admin, election=e, opens_at=now - timedelta(minutes=1), closes_at=now + timedelta(hours=1)
    )
    expected = Counter()
    requests = []
    path = f"/elections/rounds/{voting_round.pk}/vote/"
    for i, username in enumerate(usernames):
        chosen = [cands[i % 3].pk, cands[(i + 1) % 3].pk] if i % 5 else [cands[i % 3].pk]
        expected.update(chosen)
        requests.append((path, session_cookie(username), urlencode({f"race_{race.pk}": chosen}, doseq=True)))
    with gunicorn(workers=4, threads=4) as base:
        burst = burst_post(base, requests)
    voted = VoteCast.objects.filter(voter__round=voting_round).count()
    voting_round.closes_at = timezone.now() - timedelta(seconds=1)
    voting_round.save(update_fields=["closes_at"])
    t = time.perf_counter()
    voting_round = services.round_count(actor=admin, voting_round=voting_round)
    count_ms = (time.perf_counter() - t) * 1000
    got = {int(k): v for k, v in voting_round.outcome["races"][str(race.pk)]["votes"].items()}
    exact = int(got == dict(expected) and Ballot.objects.filter(round=voting_round).count() == VOTERS)
    errors = sum(1 for s in burst.statuses if s != 200)
    Election.objects.filter(pk=e.pk).update(status=Status.CANCELLED)  # the unit is free for the next run
    return [
        Figure(f"{VOTERS} simultaneous secret votes: has-voted rows", voted, "voters", f"== {VOTERS}"),
        Figure("  ballots counted exactly (per candidate)", exact, "yes=1", "== 1"),
        Figure("  errors (answers other than the receipt page)", errors, "answers", "== 0"),
        Figure("  votes per second (gunicorn 4 workers x 4 threads)", VOTERS / burst.seconds, "per s"),
        Figure("  the count: mixing 300 ballots and counting", count_ms, "ms"),
    ]
