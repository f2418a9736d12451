import pytest

from members.models import Committee, CommitteePost
from tests.factories import MemberFactory


@pytest.fixture
def voters_a(tree):
    """Twelve active members of unit A with logins (the roll of unit A, with member_a and the officer)."""
    from tests.factories import UserFactory

    return [MemberFactory(unit=tree["a"], user=UserFactory(username=f"voter{i}")) for i in range(12)]


@pytest.fixture
def committee_a(tree):
    from datetime import date

    committee = Committee.objects.create(unit=tree["a"], term_start=date(2021, 6, 1), term_years=5)
    old = MemberFactory.create_batch(2, unit=tree["a"])
    CommitteePost.objects.create(committee=committee, member=old[0], post="chair", elected_on=date(2021, 6, 1))
    CommitteePost.objects.create(committee=committee, member=old[1], post="member", elected_on=date(2021, 6, 1))
    return committee
