import pytest
from django.test import Client

from tests.factories import MemberFactory, UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client_for(db):
    """client_for(user) -> a logged-in test client."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture
def secret_sender(tree):
    """A member of unit A with a distinctive name, username, card and mobile (searched for in officers' HTML)."""
    user = UserFactory(username="xiaoming_w", first_name="王晓明")
    return MemberFactory(unit=tree["a"], user=user, name="王晓明", card_number="SECRET0042", mobile="13812345678")


#: What must never reach an officer's eyes for an anonymous item.
def identity_strings(member):
    return [member.name, member.user.username, member.card_number, member.mobile, f"/members/{member.pk}/"]
