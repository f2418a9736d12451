"""The world of the URL matrix: one object of every kind, owned by unit A.

Officer A is "inside" every object, officer B (another unit of the same zone) "outside"; the plain member is
member_a of unit A (the sender of the voice item, registered for the activity, addressee of the notification);
``subject`` is another member of unit A whom the officer pages are about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities import services as activity_services
from assistance import services as assistance_services
from notifications.models import Notification
from reports.models import ReportRequest, ReportStatus
from tests.activities.factories import ActivityFactory, TeamActivityFactory
from tests.assistance.conftest import file_case, make_campaign, open_case
from tests.factories import MemberFactory, pdf, png, valid_id_number
from tests.voice.factories import UnitHonourFactory
from tests.welfare.conftest import festival_batch
from voice import services as voice_services
from voice.models import Category as VoiceCategory
from voice.models import ItemKind
from welfare.defaults import ensure_jiangsu_policy

PDF = pdf()


@dataclass
class World:
    ids: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.ids[key]


@pytest.fixture(autouse=True)
def _media_and_hasher(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.AXES_ENABLED = False


@pytest.fixture
def users(member_a, officer_a, officer_b, city_admin) -> dict:
    """The five actors of the matrix (anonymous is None)."""
    return {
        "anonymous": None,
        "member": member_a,
        "officer_a": officer_a,
        "officer_b": officer_b,
        "city_admin": city_admin,
    }


@pytest.fixture
def world(tree, member_a, officer_a, officer_b, city_admin) -> World:
    a = tree["a"]
    today = timezone.localdate()
    own = member_a.member
    subject = MemberFactory(unit=a, name="张小明")
    mates = MemberFactory.create_batch(2, unit=a)

    activity = ActivityFactory(organizer=a)
    activity.poster.save("poster.png", ContentFile(png()))
    registration = activity_services.registration_create(actor=member_a, activity_id=activity.pk)
    team_activity = TeamActivityFactory(organizer=a, capacity=8)
    team = activity_services.team_create(
        actor=officer_a,
        activity_id=team_activity.pk,
        name="一队",
        captain_id=mates[0].pk,
        member_ids=[mates[1].pk],
    )
    feed = activity_services.calendar_feed_get_or_create(actor=member_a)

    draft = open_case(
        officer_a, subject, [assistance_services.Person("王芳", "配偶", valid_id_number(91001, gender="F"))]
    )
    document = assistance_services.document_add(
        actor=officer_a, case=draft, title="收入证明", upload=SimpleUploadedFile("proof.pdf", PDF)
    )
    filed = file_case(officer_a, city_admin, mates[0])
    campaign = make_campaign(city_admin)
    assistance_services.roster_add(actor=officer_a, campaign=campaign, case=filed, purpose="university", source="union")
    assistance_services.grants_from_roster(actor=city_admin, campaign=campaign, granted_on=today)
    grant = filed.grants.get()
    # a second roster line that stays on the roster (no grant yet): the one roster_remove is about
    draft_roster = assistance_services.roster_add(
        actor=officer_a, campaign=campaign, case=filed, purpose="high_school", source="union"
    )

    # the welfare policy first: a transactional test earlier on a reused database may have emptied the
    # policy its data migration seeds, and the batch (20 days on: maybe next year) needs its own year's
    policy = ensure_jiangsu_policy(today.year)
    ensure_jiangsu_policy((today + timedelta(days=20)).year)
    distribution = festival_batch(officer_a, a, on=today + timedelta(days=20))
    recipient = distribution.recipients.order_by("pk").first()

    notification = Notification.objects.create(
        recipient=member_a, kind="test", key=f"matrix:{member_a.pk}", title="通知", url="/voice/"
    )
    item = voice_services.item_send(
        actor=member_a,
        addressee=a,
        kind=ItemKind.SUGGESTION,
        category=VoiceCategory.WORK_CONDITIONS,
        subject="食堂",
        text="晚餐时间太短。",
        attachment=SimpleUploadedFile("menu.pdf", PDF),
    )
    talk = voice_services.talk_create(
        actor=officer_a,
        member_id=subject.pk,
        held_on=today,
        talked_by="工会主席",
        topics="工作压力",
        follow_ups=[("协调班车", today + timedelta(days=10))],
    )
    honour = UnitHonourFactory(unit=a)
    report = ReportRequest.objects.create(
        requested_by=city_admin,
        year=today.year,
        status=ReportStatus.DONE,
        progress=100,
        filename="report.xlsx",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    report.file.save("matrix.xlsx", ContentFile(b"PK"), save=True)

    ids = {
        "unit": a.pk,
        "city_admin": city_admin.pk,
        "own": own.pk,
        "subject": subject.pk,
        "activity": activity.pk,
        "checkin_token": activity.checkin_token,
        "registration": registration.pk,
        "team_activity": team_activity.pk,
        "team": team.pk,
        "feed_token": feed.token,
        "case": draft.pk,
        "person": draft.household.get(name="王芳").pk,
        "document": document.pk,
        "campaign": campaign.pk,
        "roster_entry": draft_roster.pk,
        "grant": grant.pk,
        "distribution": distribution.pk,
        "recipient": recipient.pk,
        "policy": policy.pk,
        "notification": notification.pk,
        "item": item.pk,
        "talk": talk.pk,
        "follow_up": talk.follow_ups.get().pk,
        "honour": honour.pk,
        "report": report.pk,
        "amount": Decimal("500"),
        "stored_files": [document.file.name, item.attachment.name, activity.poster.name, report.file.name],
    }
    # Apps added later put their objects into the world from tests/security/world_<app>.py:
    # ``build(ids, *, tree, member_a, officer_a, officer_b, city_admin) -> None`` adds their keys.
    for module in extension_modules("world_"):
        module.build(ids, tree=tree, member_a=member_a, officer_a=officer_a, officer_b=officer_b, city_admin=city_admin)
    return World(ids)


def extension_modules(prefix: str) -> list:
    """tests/security/<prefix><app>.py modules, in name order (a new app's rows and world objects)."""
    import importlib
    import pkgutil
    from pathlib import Path

    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith(prefix))
    return [importlib.import_module(f"tests.security.{name}") for name in names]
