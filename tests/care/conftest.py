from datetime import datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from care.models import CounsellingCoordinator, CounsellingSlot, Counsellor
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "care"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(db):
    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def counsellor_user(db):
    return UserFactory(username="counsellor1", first_name="陈静")


@pytest.fixture
def counsellor(tree, counsellor_user):
    return Counsellor.objects.create(organization=tree["city"], name="陈静", user=counsellor_user)


@pytest.fixture
def coordinator(db):
    user = UserFactory(username="carelead1")
    CounsellingCoordinator.objects.create(user=user)
    return user


def slot_at(counsellor, days: int = 2, hour: int = 10) -> CounsellingSlot:
    tz = timezone.get_current_timezone()
    starts = datetime.combine(timezone.localdate() + timedelta(days=days), time(hour), tzinfo=tz)
    return CounsellingSlot.objects.create(
        counsellor=counsellor, starts_at=starts, ends_at=starts + timedelta(minutes=50)
    )


@pytest.fixture
def slot(counsellor):
    return slot_at(counsellor)
