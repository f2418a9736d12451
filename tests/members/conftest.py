"""Fixtures of the members tests: a valid registration form's data."""

from __future__ import annotations

import pytest


@pytest.fixture
def form_data(tree):
    """What an officer of unit A types for a new member (the well-known valid ID number)."""
    return {
        "name": "阿依古丽·买买提",
        "id_number": "11010519491231002x",
        "gender": "",
        "birth_date": "",
        "ethnicity": "05",
        "native_place": "新疆喀什",
        "political_status": "masses",
        "education": "bachelor",
        "unit": str(tree["a"].pk),
        "position": "科员",
        "professional_title": "",
        "employment_type": "contract",
        "join_date": "2020-05-04",
        "card_number": "NT9000001",
        "mobile": "13912345678",
        "notes": "",
    }


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Logins are created by the hundred here; a cheap hasher keeps the tests quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
