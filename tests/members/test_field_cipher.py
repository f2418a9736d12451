"""The field cipher (商用密码, GB/T 39786-2021): SM4-GCM or Fernet behind FIELD_CIPHER, HMAC-SM3 or HMAC-SHA256
behind FIELD_HASH, and ``rotate_field_keys`` moving the data between keys and between ciphers, resumably."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from assistance import services as assistance_services
from assistance.models import HardshipCase
from members import idnumbers
from members.models import Member
from tests.assistance.conftest import open_case
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.django_db
FULL = "11010519491231002X"


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test names
        return cursor.fetchone()[0]


def test_sm4_tokens_round_trip_name_their_key_and_refuse_a_changed_byte(settings):
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = [secrets.token_hex(16)]
    token = idnumbers.encrypt(FULL)
    assert token.startswith("sm4$") and FULL not in token
    assert idnumbers.decrypt(token) == FULL
    assert idnumbers.encrypt(FULL) != token  # a fresh nonce each time
    tampered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(InvalidToken):
        idnumbers.decrypt(tampered)
    settings.FIELD_SM4_KEYS = [secrets.token_hex(16)]  # another key: the token names a key nobody has
    with pytest.raises(InvalidToken):
        idnumbers.decrypt(token)


def test_hmac_sm3_is_the_look_up_hash_when_chosen_and_both_are_looked_up(settings):
    sha = idnumbers.keyed_hash(FULL)
    settings.FIELD_HASH = "hmac-sm3"
    sm3 = idnumbers.keyed_hash(FULL)
    assert sm3 != sha and len(sm3) == len(sha) == 64
    assert idnumbers.lookup_hashes(FULL) == [sm3, sha]


def test_switching_to_sm4_and_rotating_moves_every_encrypted_field_over(settings, tree, officer_a, capsys):
    settings.FIELD_CIPHER = "fernet"
    member = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    case = open_case(officer_a, member, health_notes="糖尿病")
    assistance_services.case_update(actor=officer_a, case=case, data={}, bank_account="6228480012345678901")
    assert raw("members_member", "id_number_encrypted", member.pk).startswith("gAAAAA")
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_SM4_KEYS = [secrets.token_hex(16)]
    call_command("rotate_field_keys", "--batch-size", "1")
    out = capsys.readouterr().out
    assert "--from members.Member.id_number_encrypted:" in out  # where to resume from
    for table, column, pk in (
        ("members_member", "id_number_encrypted", member.pk),
        ("assistance_hardshipcase", "bank_account_encrypted", case.pk),
        ("assistance_hardshipcase", "health_notes", case.pk),
    ):
        assert raw(table, column, pk).startswith("sm4$"), (table, column)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the Fernet keys are gone: nothing needs them
    member.refresh_from_db()
    assert member.reveal_id_number() == FULL
    assert HardshipCase.objects.get(pk=case.pk).health_notes == "糖尿病"
    # and back to Fernet with a new key, resuming from a point: what is before it stays as it was
    settings.FIELD_CIPHER = "fernet"
    call_command("rotate_field_keys", "--from", f"members.Member.id_number_encrypted:{member.pk}")
    assert raw("members_member", "id_number_encrypted", member.pk).startswith("sm4$")  # skipped: before the point
    call_command("rotate_field_keys")
    assert raw("members_member", "id_number_encrypted", member.pk).startswith("gAAAAA")


def test_rehash_moves_members_to_hmac_sm3_and_old_household_hashes_are_still_found(settings, tree, officer_a):
    spouse = valid_id_number(777, gender="F")
    member = MemberFactory(unit=tree["a"], id_number=FULL, gender="F")
    open_case(officer_a, member, [assistance_services.Person("王芳", "配偶", spouse)])
    settings.FIELD_HASH = "hmac-sm3"
    call_command("rotate_field_keys", "--rehash")
    member.refresh_from_db()
    assert member.id_number_hash == idnumbers.keyed_hash(FULL)
    # the spouse's hash could not be recomputed (the number is not kept), yet a second file is still refused
    with pytest.raises(Exception, match="已有在档"):
        open_case(officer_a, MemberFactory(unit=tree["a"]), [assistance_services.Person("王芳", "配偶", spouse)])
    assert Member.objects.filter(id_number_hash__in=idnumbers.lookup_hashes(FULL)).count() == 1
