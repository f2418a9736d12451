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


def mask(number: str) -> str:
    """320602********1234: area code and last four only."""
    number = normalize(number)
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[14:]}"


def _derived_key(label: str) -> bytes:
    return hashlib.sha256(f"{label}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:  # development only (settings refuse this with DEBUG off)
        keys = (base64.urlsafe_b64encode(_derived_key("field-encryption")).decode(),)
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    """The field cipher: encrypts with the first key of FIELD_ENCRYPTION_KEYS, opens with any of them."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(number: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).encrypt(normalize(number).encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Re-encrypt a token with the current (first) key."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS)).rotate(token.encode()).decode()


def keyed_hash(number: str) -> str:
    key = settings.FIELD_HASH_KEY.encode() if settings.FIELD_HASH_KEY else _derived_key("field-hash")
    return hmac.new(key, normalize(number).encode(), hashlib.sha256).hexdigest()
