from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members import idnumbers

pytestmark = pytest.mark.usefixtures("field_cipher")


def test_well_known_example_is_valid_and_gives_birth_date_and_gender():
    facts = idnumbers.parse("11010519491231002X")
    assert facts.birth_date == date(1949, 12, 31)
    assert facts.gender == "F"  # sequence 002: even


def test_lowercase_x_is_accepted_and_stored_upper_case():
    assert idnumbers.parse("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    "bad",
    ["11010519491231003X", "11010519491231002 ", "21010519491231002X", "1101051949123100", "11010519491331002X", "abc"],
)
def test_one_digit_changed_or_malformed_is_invalid(bad):
    with pytest.raises(ValidationError):
        idnumbers.parse(bad)


def test_masking_keeps_only_province_and_city():
    assert idnumbers.mask("320602198001011234") == "3206**************"


def test_encryption_round_trips_and_the_keyed_hash_is_stable(settings):
    token = idnumbers.encrypt("11010519491231002X")
    assert "11010519491231002X" not in token
    assert idnumbers.decrypt(token) == "11010519491231002X"
    assert idnumbers.keyed_hash("11010519491231002x") == idnumbers.keyed_hash("11010519491231002X")
