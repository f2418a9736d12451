from datetime import date

import pytest


@pytest.fixture(autouse=True)
def _no_stray_birthdays(request):
    """The fixtures' own members get birth dates from a global sequence (so, from the test order):
    move them all to 15 January before the test creates the birthdays it is about."""
    from members.models import Member

    for name in request.fixturenames:
        if name in {"officer_a", "officer_b", "member_a", "city_admin", "zone_lead"}:
            request.getfixturevalue(name)
    Member.objects.update(birth_date=date(1970, 1, 15))
