"""Sensitive free text stored encrypted at rest (PIPL, GB/T 35273): health, disability, housing, assessments.

``EncryptedTextField`` is a ``TextField`` whose value is plain text in Python and a token of the field cipher
(Fernet, or SM4-GCM with ``FIELD_CIPHER=sm4``: ``members.idnumbers.field_cipher``) in the
database, in its dumps and in the history tables (django-simple-history copies the field), under the keys of
``FIELD_ENCRYPTION_KEYS`` (``manage.py rotate_field_keys`` re-encrypts after a key change). The database cannot
search, sort or compare such a column: only texts nobody filters on are stored this way.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.db import models
from django.db.models import Value

from .idnumbers import FERNET_PREFIX, SM4_PREFIX, field_cipher, is_token

#: Every Fernet token starts so (version byte 0x80, then the high bytes of a timestamp); SM4 ones with "sm4$".
TOKEN_PREFIX = FERNET_PREFIX
#: The starts of a token of either cipher (``str.startswith`` takes the tuple).
TOKEN_PREFIXES = (FERNET_PREFIX, SM4_PREFIX)


def encrypt_text(text: str) -> str:
    return field_cipher().encrypt(text.encode()).decode()


def decrypt_text(value: str) -> str:
    """The plain text of a stored value; a value written before the column was encrypted is returned as it is
    (the data migration encrypts those). A token no key opens raises ``InvalidToken``."""
    if not value or not is_token(value):
        return value
    return field_cipher().decrypt(value.encode()).decode()


class EncryptedTextField(models.TextField):
    description = "Text stored encrypted (Fernet or SM4-GCM)"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return decrypt_text(value)
        except InvalidToken:
            raise InvalidToken(
                f"{self.model._meta.label}.{self.name}: no key of FIELD_ENCRYPTION_KEYS opens it"
            ) from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt_text(value)


def encrypt_existing(app_label: str, fields: dict[str, list[str]]):
    """The RunPython pair for a migration that turns plain columns into ``EncryptedTextField``s (a new
    migration copies it in, frozen, as assistance/0004 and voice/0002 do).

    Forwards, every stored text is read (a plain one comes back as it is) and written again encrypted;
    backwards, the plain text is written back as a plain value."""

    def chunks(model, names, size=1000):
        # Keyset pages of 1,000 rows: memory stays flat whatever the table's size.
        last = 0
        while True:
            batch = list(model._base_manager.filter(pk__gt=last).only("pk", *names).order_by("pk")[:size])
            if not batch:
                return
            last = batch[-1].pk
            yield batch

    def forwards(apps, schema_editor):
        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            for batch in chunks(model, names):
                changed = [row for row in batch if any(getattr(row, n) for n in names)]
                model._base_manager.bulk_update(changed, names, batch_size=1000)

    def backwards(apps, schema_editor):
        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            for batch in chunks(model, names):
                for row in batch:
                    plain = {n: Value(getattr(row, n)) for n in names if getattr(row, n)}
                    if plain:
                        model._base_manager.filter(pk=row.pk).update(**plain)

    return forwards, backwards
