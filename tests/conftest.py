"""Shared fixtures: an organisation tree, people in every role, and the service switches.

REQUIRE_SERVICES=1 (set by .ci/run) turns every "service missing" skip into a failure, so that
CI cannot pass without really using PostgreSQL, Redis and Chromium.
"""

from __future__ import annotations

import os
import shutil

import pytest
from django.db import connection
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from members.models import OrganizationKind, Role
from members.scoping import unscoped
from members.services import role_assign

from .factories import MemberFactory, OrganizationFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

# Property-based tests judge behaviour, not speed: no per-example deadline (a loaded CI machine made a
# correct example "too slow"), and the speed figures are make bench's.
hypothesis_settings.register_profile("portal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("portal")
CHROMIUM = "/usr/bin/chromium"


def need(condition: bool, what: str) -> None:
    """Skip a test whose service is missing, or fail it when CI requires the services."""
    if condition:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


@pytest.fixture(autouse=True)
def _kept_scopes_and_counts(settings):
    """The actor's scope and the member list's counts are kept between requests (members.scopecache,
    members.countcache) in every test, with or without Redis, so that the pinned query counts are
    the same everywhere; tests/members/test_kept_scope.py proves that changes make them stale."""
    settings.SCOPE_CACHE_SECONDS = 600
    settings.MEMBER_COUNT_CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def _test_code_reads_unscoped():
    """Test code sets up and inspects rows directly, without an actor. The requests and tasks it
    runs enforce the scope rule all the same (ScopeEnforcementMiddleware, ScopedTask), and
    tests/foundation/test_scoping.py proves the rule with ``scope_enforced()``."""
    with unscoped("test set-up and assertions; the views and tasks under test enforce the rule"):
        yield


@pytest.fixture
def require_postgres():
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def require_redis(settings):
    need(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        need(False, f"Redis at {settings.REDIS_URL} ({exc})")
    return settings.REDIS_URL


@pytest.fixture
def require_chromium():
    need(shutil.which("chromium") is not None or os.path.exists(CHROMIUM), "Chromium (/usr/bin/chromium)")
    return CHROMIUM


@pytest.fixture
def tree(db):
    """city → zone1 (unit A, unit B), zone2 (unit C)."""
    city = OrganizationFactory(name="南通市级机关工会", kind=OrganizationKind.CITY)
    zone1 = OrganizationFactory(name="经济联系片", kind=OrganizationKind.ZONE, parent=city)
    zone2 = OrganizationFactory(name="政法联系片", kind=OrganizationKind.ZONE, parent=city)
    a = OrganizationFactory(name="市财政局", parent=zone1, sort_order=1)
    b = OrganizationFactory(name="市商务局", parent=zone1, sort_order=2)
    c = OrganizationFactory(name="市公安局", parent=zone2, sort_order=3)
    return {"city": city, "zone1": zone1, "zone2": zone2, "a": a, "b": b, "c": c}


def _person(username: str, unit, role: str | None = None, org=None, **member_kwargs):
    user = UserFactory(username=username)
    MemberFactory(unit=unit, user=user, **member_kwargs)
    if role:
        role_assign(user=user, organization=org or unit, role=role)
    return user


@pytest.fixture
def city_admin(tree):
    return _person("cityadmin", tree["a"], Role.CITY_ADMIN, tree["city"])


@pytest.fixture
def zone_lead(tree):
    return _person("zonelead1", tree["b"], Role.ZONE_LEAD, tree["zone1"])


@pytest.fixture
def officer_a(tree):
    return _person("officer_a", tree["a"], Role.UNIT_OFFICER)


@pytest.fixture
def officer_b(tree):
    return _person("officer_b", tree["b"], Role.UNIT_OFFICER)


@pytest.fixture
def member_a(tree):
    return _person("member_a", tree["a"])


@pytest.fixture
def members_abc(tree):
    """Three plain members in each of units A, B and C."""
    return {k: MemberFactory.create_batch(3, unit=tree[k]) for k in ("a", "b", "c")}


@pytest.fixture(params=["fernet", "sm4"])
def field_cipher(request, settings):
    """Run a test under each field cipher (FIELD_CIPHER): the encrypted-field tests use it
    (``pytestmark = pytest.mark.usefixtures("field_cipher")``), so both ciphers are tested on every run."""
    settings.FIELD_CIPHER = request.param
    return request.param
