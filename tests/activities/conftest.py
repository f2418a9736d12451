import pytest

from tests.factories import MemberFactory, UserFactory

from .factories import ActivityFactory


def member_with_login(unit, username: str):
    user = UserFactory(username=username)
    MemberFactory(unit=unit, user=user)
    return user


@pytest.fixture
def city_activity(tree):
    return ActivityFactory(organizer=tree["city"], capacity=2)


@pytest.fixture
def members_a_logins(tree):
    """Four members of unit A who can log in (a1..a4)."""
    return [member_with_login(tree["a"], f"a{i}") for i in range(1, 5)]
