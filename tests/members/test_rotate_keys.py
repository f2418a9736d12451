"""Key rotation: after rotate_field_keys, the old key can be dropped and every value still decrypts."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command

from members import idnumbers
from members.models import Member
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("field_cipher")]
FULL = "11010519491231002X"


def _derived_default_key() -> str:
    import base64

    return base64.urlsafe_b64encode(idnumbers._derived_key("field-encryption")).decode()


def _keys(settings, cipher: str) -> tuple[str, str, str]:
    """(the setting that holds the current cipher's keys, its current first key, a new key)."""
    import secrets

    if cipher == "sm4":
        old = (
            settings.FIELD_SM4_KEYS[0]
            if settings.FIELD_SM4_KEYS
            else idnumbers._derived_key("field-encryption-sm4")[:16].hex()
        )
        return "FIELD_SM4_KEYS", old, secrets.token_hex(16)
    old = settings.FIELD_ENCRYPTION_KEYS[0] if settings.FIELD_ENCRYPTION_KEYS else _derived_default_key()
    return "FIELD_ENCRYPTION_KEYS", old, Fernet.generate_key().decode()


def test_rotation_re_encrypts_id_numbers_and_bank_accounts_with_the_new_key(
    settings, tree, officer_a, capsys, field_cipher
):
    name, old, new = _keys(settings, field_cipher)
    setattr(settings, name, [old])
    member = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    case = open_case(officer_a, member)
    from assistance import services

    services.case_update(actor=officer_a, case=case, data={}, bank_account="6228480012345678901")
    case.refresh_from_db()
    setattr(settings, name, [new, old])  # step 1: the new key first
    call_command("rotate_field_keys")
    assert "id_number_encrypted" in capsys.readouterr().out
    setattr(settings, name, [new])  # step 3: the old key dropped
    member.refresh_from_db()
    case.refresh_from_db()
    assert member.reveal_id_number() == FULL
    assert idnumbers.decrypt(case.bank_account_encrypted) == "6228480012345678901"
    assert all(idnumbers.decrypt(t) for t in Member.objects.values_list("id_number_encrypted", flat=True))
    setattr(settings, name, [old])  # and the old key alone no longer opens them
    with pytest.raises(InvalidToken):
        member.reveal_id_number()


def test_rotation_without_the_old_key_stops_with_a_clear_message(settings, tree, field_cipher):
    from django.core.management.base import CommandError

    MemberFactory(unit=tree["a"])
    name, _old, new = _keys(settings, field_cipher)
    setattr(settings, name, [new])
    with pytest.raises(CommandError, match="keep the old key"):
        call_command("rotate_field_keys")
