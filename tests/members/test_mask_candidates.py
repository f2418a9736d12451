"""Issue #17, "a mask that cannot be undone": an attacker inside the own rights (a zone lead, the member's own
unit officer: neither holds ``members.reveal_id_number``) gathers everything the portal shows about one member
— the member list, the member page, the member export, the hardship file that names the member — and already
knows the birth date (it is on the page), the gender, and that the area code is one of Nantong's. What is left
must be at least 1,000 candidate ID numbers.

With the former mask (``320602********1301``: area code and last four) exactly one candidate was left."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from members import idnumbers
from members.models import AccessRecord
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

#: Nantong's county-level area codes (current and former): the attacker's guess list.
NANTONG_AREAS = (
    "320601", "320602", "320611", "320612", "320613", "320614",
    "320621", "320623", "320681", "320682", "320684", "320685",
)  # fmt: skip
#: An 18-character ID shape in which asterisks stand for hidden characters.
SHAPE = re.compile(r"(?<![\dX*])[\dX*]{18}(?![\dX*])")

FULL = "320612198503071302"  # 1985-03-07, sequence 130 (even: female), check character 2


def candidates(patterns: list[str], born: date, gender: str) -> int:
    """ID numbers of Nantong with the birth date and gender that agree with every shown pattern."""
    count = 0
    for area in NANTONG_AREAS:
        for seq in range(1000):
            if (seq % 2 == 1) != (gender == "M"):
                continue
            first17 = f"{area}{born:%Y%m%d}{seq:03d}"
            number = first17 + idnumbers.check_char(first17)
            if all(all(p == "*" or p == c for p, c in zip(pattern, number, strict=True)) for pattern in patterns):
                count += 1
    return count


def shown(text: str) -> list[str]:
    return SHAPE.findall(text.upper())


def what_the_role_sees(client, member) -> list[str]:
    """Every ID-shaped text shown about ``member``: its row on the list, its page, its export row, its file."""
    seen: list[str] = []
    page = client.get(f"/members/?q={member.name}").content.decode()
    seen += shown(page)
    seen += shown(client.get(f"/members/{member.pk}/").content.decode())
    response = client.get("/members/export/")
    rows = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    for row in rows:
        if member.name in row:
            seen += shown(" ".join(str(c) for c in row if c is not None))
    for case in member.hardship_cases.all():
        seen += shown(client.get(f"/assistance/{case.pk}/").content.decode())
    return seen


@pytest.mark.parametrize("role", ["zone_lead", "officer_a"])
def test_what_a_role_without_the_reveal_right_sees_leaves_1000_candidates(client, tree, role, request):
    actor = request.getfixturevalue(role)
    officer = request.getfixturevalue("officer_a")
    member = MemberFactory(unit=tree["a"], name="顾晓燕", id_number=FULL, gender="F")
    open_case(officer, member)  # the file lists the applicant with the masked number too
    assert not actor.has_perm("members.reveal_id_number")
    client.force_login(actor)
    seen = what_the_role_sees(client, member)
    assert seen, "the pages show no ID number at all: the test would prove nothing"
    assert FULL not in seen
    left = candidates(seen, member.birth_date, member.gender)
    assert left >= 1000, f"{role} narrows the ID number to {left} candidates from {sorted(set(seen))}"


def test_the_former_mask_left_one_candidate():
    """The attack itself, on the former display: area code and last four beside the birth date."""
    assert candidates(["320612********1302"], date(1985, 3, 7), "F") == 1


def test_the_member_export_is_recorded_as_carrying_birth_dates_and_partial_id_numbers(client, tree, officer_a):
    MemberFactory(unit=tree["a"])
    client.force_login(officer_a)
    b"".join(client.get("/members/export/").streaming_content)
    record = AccessRecord.objects.get(action="export")
    assert "出生日期" in record.what and "身份证号" in record.what
