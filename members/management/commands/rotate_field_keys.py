"""Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS (key rotation).

Every model field whose name ends in ``_encrypted`` (a token kept as text: ``members.Member.id_number_encrypted``,
``assistance.HardshipCase.bank_account_encrypted``) and every ``members.fields.EncryptedTextField`` (health,
disability, housing, visit findings, review reasons, talk concerns, and their history rows) is found through the
app registry (members imports no other app). Values already under the first key are
re-encrypted all the same (Fernet cannot tell which key made a token without trying); running it
twice is harmless. See docs/data-map.md for the whole rotation, step by step.
"""

from __future__ import annotations

from cryptography.fernet import InvalidToken
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members import idnumbers
from members.fields import EncryptedTextField
from members.scoping import unscoped


def encrypted_fields() -> list[tuple[type, str]]:
    out = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField) or (
                field.name.endswith("_encrypted") and field.get_internal_type() == "TextField"
            ):
                out.append((model, field.name))
    return out


def _rotated(model, name: str, value: str) -> str:
    """A token field's value re-encrypted; an EncryptedTextField's value is plain text already (loading it
    opened it) and is encrypted again with the first key when it is written back."""
    if isinstance(model._meta.get_field(name), EncryptedTextField):
        return value
    return idnumbers.rotate(value)


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field (ID numbers, bank accounts) with the first FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    @unscoped("key rotation re-encrypts every row of every unit")
    def handle(self, *args, batch_size: int = 1000, **options):
        for model, name in encrypted_fields():
            done = 0
            qs = model._default_manager.exclude(**{name: ""}).order_by("pk")
            last_pk = None
            while True:
                page = qs if last_pk is None else qs.filter(pk__gt=last_pk)
                try:
                    rows = list(page.only("pk", name)[:batch_size])
                    for row in rows:
                        setattr(row, name, _rotated(model, name, getattr(row, name)))
                except InvalidToken:
                    raise CommandError(
                        f"{model._meta.label}: {name} of a row after #{last_pk or 0} opens with no key of "
                        "FIELD_ENCRYPTION_KEYS; keep the old key in the list (after the new one) until the rotation "
                        "is done."
                    ) from None
                if not rows:
                    break
                with transaction.atomic():
                    model._default_manager.bulk_update(rows, [name])
                done += len(rows)
                last_pk = rows[-1].pk
            self.stdout.write(f"{model._meta.label}.{name}: {done} re-encrypted")
