"""seed_demo: realistic demo data, and running it twice changes nothing."""

import pytest
from django.apps import apps
from django.core.management import call_command

from members import idnumbers
from members.models import Member, Organization, OrganizationKind

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.app_label in {"members", "activities", "assistance", "welfare", "voice"}
    }


def test_seed_demo_twice_changes_nothing(capsys):
    call_command("seed_demo", members=120, password="Demo@pass-2026")
    first = _counts()
    call_command("seed_demo", members=120, password="Demo@pass-2026")
    assert _counts() == first
    assert first["members.Member"] == 120
    assert "Demo accounts" in capsys.readouterr().out


def test_demo_members_are_realistic(db):
    call_command("seed_demo", members=200, skip_apps=True)
    assert Organization.objects.filter(kind=OrganizationKind.ZONE).count() >= 3
    assert Organization.objects.filter(kind=OrganizationKind.UNIT).count() >= 12
    assert Organization.objects.filter(name="市财政局").exists()
    months = set(Member.objects.values_list("birth_date__month", flat=True))
    assert len(months) == 12  # birthdays across the year
    assert set(Member.objects.values_list("employment_type", flat=True)) == {"established", "contract", "agency"}
    for member in Member.objects.all()[:50]:
        facts = idnumbers.parse(member.reveal_id_number())  # a valid GB 11643 number
        assert (facts.birth_date, facts.gender) == (member.birth_date, member.gender)
