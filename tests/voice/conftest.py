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


def xlsx_rows(response) -> list[tuple]:
    """The rows (header first) of an xlsx download."""
    import io

    from openpyxl import load_workbook

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [tuple(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def xlsx_text(response) -> str:
    """Every cell of an xlsx download as one text (to search for what must or must not be there)."""
    return "\n".join(" ".join("" if v is None else str(v) for v in row) for row in xlsx_rows(response))
