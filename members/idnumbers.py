"""Resident ID numbers (GB 11643-1999): checksum, derived facts, masking, encryption, keyed hash."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    """The check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalize(value: str) -> str:
    return (value or "").strip().upper()


def looks_like_id_number(value: str) -> bool:
    """Shaped like an ID number (17 digits and a digit or X), whether or not its check character is right."""
    return bool(_SHAPE.match(normalize(value)))


@dataclass(frozen=True)
class IdFacts:
    number: str
    birth_date: date
    gender: str  # "M" or "F"


def parse(value: str) -> IdFacts:
    """Validate an ID number and return its facts; raises ValidationError with a clear message."""
    number = normalize(value)
    if not _SHAPE.match(number):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="id_shape")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID number's check character is wrong; please check the number."), code="id_checksum"
        )
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("The birth date inside the ID number is not a real date."), code="id_date") from None
    if born.year < 1900 or born > date.today():
        raise ValidationError(_("The birth date inside the ID number is not plausible."), code="id_date")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdFacts(number=number, birth_date=born, gender=gender)


#: Characters of an ID number a masked copy keeps: the province and city (``3206`` for Nantong). See
#: docs/data-map.md, "The masking rule": the birth date is shown beside the mask on the member page and in
#: the export, so the mask must show neither the district (which narrows the ~10 area codes of the city to
#: one) nor the sequence digits nor the check character (the last four: with the birth date and the area code
#: known, the last four leave exactly one number). What stays unknown: the district (about 10) times the
#: sequence (500 of each gender), so at least 5,000 candidate numbers for anyone who knows the birth date, the
#: gender and the city. A data migration (members 0010, assistance 0005) re-masked the stored copies.
MASK_KEEP = 4


def mask(number: str) -> str:
    """``3206**************``: the first four characters only (province and city), never the district,
    the birth date, the sequence digits or the check character."""
    number = normalize(number)
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:MASK_KEEP]}{'*' * (18 - MASK_KEEP)}"


def _derived_key(label: str) -> bytes:
    return hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:  # development only (settings refuse this with DEBUG off)
        keys = (base64.urlsafe_b64encode(_derived_key("field-encryption")).decode(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


# --- the field cipher: Fernet or SM4-GCM (商用密码, GB/T 39786-2021) --------------------------------------
#: How a token says which cipher made it: Fernet tokens start so (version byte 0x80 and a timestamp), SM4 ones
#: with this text prefix.
FERNET_PREFIX = "gAAAAA"
SM4_PREFIX = "sm4$"
_SM4_AAD = b"nantong-union field v1"


def _sm3(data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


class Sm4Gcm:
    """SM4 (GB/T 32907-2016) in GCM mode: a token is ``sm4$`` + base64url(key id (4) | nonce (12) | ciphertext |
    tag (16)); the key id is the start of the key's SM3 digest, so the right key is found without trying each.
    Encrypts with the first key, opens with any; an unknown key or a changed byte raises ``InvalidToken``."""

    def __init__(self, keys: tuple[bytes, ...]):
        if not keys or any(len(k) != 16 for k in keys):
            raise ValueError("SM4 keys are 16 bytes (32 hex characters)")
        self.keys = keys
        self.by_id = {_sm3(k)[:4]: k for k in keys}

    def encrypt(self, data: bytes) -> bytes:
        import os

        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        key = self.keys[0]
        kid, nonce = _sm3(key)[:4], os.urandom(12)
        encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(_SM4_AAD + kid)
        body = encryptor.update(data) + encryptor.finalize()
        return SM4_PREFIX.encode() + base64.urlsafe_b64encode(kid + nonce + body + encryptor.tag)

    def decrypt(self, token: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.fernet import InvalidToken
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        try:
            raw = base64.urlsafe_b64decode(token[len(SM4_PREFIX) :])
        except ValueError:
            raise InvalidToken from None
        kid, nonce, body, tag = raw[:4], raw[4:16], raw[16:-16], raw[-16:]
        key = self.by_id.get(kid)
        if key is None or len(raw) < 36:
            raise InvalidToken
        decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(_SM4_AAD + kid)
        try:
            return decryptor.update(body) + decryptor.finalize()
        except InvalidTag:
            raise InvalidToken from None


class FieldCipher:
    """What every encrypted field uses: encrypts with the configured cipher (``FIELD_CIPHER``: ``fernet`` with
    the first key of FIELD_ENCRYPTION_KEYS, or ``sm4`` with the first of FIELD_SM4_KEYS) and opens a token of
    either cipher with any of its keys, so that ``rotate_field_keys`` can move data between keys and ciphers."""

    def __init__(self, cipher: str, fernet_keys: tuple[str, ...], sm4_keys: tuple[str, ...]):
        self.cipher = cipher
        self.fernet = _fernet(fernet_keys)
        if not sm4_keys:  # development only (settings refuse FIELD_CIPHER=sm4 without keys with DEBUG off)
            sm4_keys = (_derived_key("field-encryption-sm4")[:16].hex(),)
        self.sm4 = Sm4Gcm(tuple(bytes.fromhex(k) for k in sm4_keys))
        self.current = self.sm4 if cipher == "sm4" else self.fernet

    def encrypt(self, data: bytes) -> bytes:
        return self.current.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        if token.startswith(SM4_PREFIX.encode()):
            return self.sm4.decrypt(token)
        return self.fernet.decrypt(token)

    def rotate(self, token: bytes) -> bytes:
        return self.encrypt(self.decrypt(token))


def is_token(value: str) -> bool:
    """Whether a stored text is a token of one of the ciphers (else: a plain value written before encryption)."""
    return value.startswith((FERNET_PREFIX, SM4_PREFIX))


@lru_cache(maxsize=4)
def _cipher(cipher: str, fernet_keys: tuple[str, ...], sm4_keys: tuple[str, ...]) -> FieldCipher:
    return FieldCipher(cipher, fernet_keys, sm4_keys)


def field_cipher() -> FieldCipher:
    """The field cipher of the settings (FIELD_CIPHER, FIELD_ENCRYPTION_KEYS, FIELD_SM4_KEYS)."""
    return _cipher(
        getattr(settings, "FIELD_CIPHER", "fernet"),
        tuple(settings.FIELD_ENCRYPTION_KEYS),
        tuple(getattr(settings, "FIELD_SM4_KEYS", ()) or ()),
    )


def fernet() -> FieldCipher:
    """Former name of ``field_cipher`` (the field cipher is not always Fernet any more)."""
    return field_cipher()


def encrypt(number: str) -> str:
    return field_cipher().encrypt(normalize(number).encode()).decode()


def decrypt(token: str) -> str:
    return field_cipher().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt a token with the current cipher and its first key."""
    return field_cipher().rotate(token.encode()).decode()


# --- the keyed look-up hash: HMAC-SHA256 or HMAC-SM3 ----------------------------------------------------
HASHES = ("hmac-sha256", "hmac-sm3")


def _hash_key() -> bytes:
    return settings.FIELD_HASH_KEY.encode() if settings.FIELD_HASH_KEY else _derived_key("field-hash")


def _keyed(number: str, algorithm: str) -> str:
    data = normalize(number).encode()
    if algorithm == "hmac-sm3":
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives import hmac as chmac

        mac = chmac.HMAC(_hash_key(), hashes.SM3())
        mac.update(data)
        return mac.finalize().hex()
    return hmac.new(_hash_key(), data, hashlib.sha256).hexdigest()


def keyed_hash(number: str) -> str:
    """The look-up hash stored with an ID number, with the algorithm of FIELD_HASH (both are 64 hex characters)."""
    return _keyed(number, getattr(settings, "FIELD_HASH", "hmac-sha256"))


def lookup_hashes(number: str) -> list[str]:
    """Every hash an ID number may be stored under (the current algorithm first): rows hashed before a switch of
    FIELD_HASH are still found (household members' hashes cannot be recomputed: their numbers are not kept)."""
    current = getattr(settings, "FIELD_HASH", "hmac-sha256")
    return [_keyed(number, current)] + [_keyed(number, a) for a in HASHES if a != current]
