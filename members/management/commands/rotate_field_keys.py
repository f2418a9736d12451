"""Re-encrypt every encrypted field with the current cipher and key, and optionally re-hash ID numbers.

The current cipher is ``FIELD_CIPHER`` (``fernet``: the first key of FIELD_ENCRYPTION_KEYS; ``sm4``: SM4-GCM with
the first key of FIELD_SM4_KEYS). Tokens of either cipher, under any listed key, are opened, so this moves data
between keys (rotation) and between ciphers (Fernet → SM4 or back) alike.

Every model field whose name ends in ``_encrypted`` (a token kept as text: ``members.Member.id_number_encrypted``,
``assistance.HardshipCase.bank_account_encrypted``) and every ``members.fields.EncryptedTextField`` (health,
disability, housing, visit findings, review reasons, talk concerns, correction requests, and their history rows)
is found through the app registry (members imports no other app).

Chunks of ``--batch-size`` rows, each in its own transaction, in primary-key order: an interrupted run has
committed what it printed. It is resumable: run it again (running twice is harmless), or pass the ``--from``
it printed last (``--from members.Member.id_number_encrypted:12345``) to skip what is done. Tokens already under
the current SM4 key are left as they are (an SM4 token names its key; a Fernet one cannot be told without trying).

``--rehash`` also recomputes ``members.Member.id_number_hash`` with ``FIELD_HASH`` (after switching HMAC-SHA256 ↔
HMAC-SM3). See docs/data-map.md for the whole procedure, step by step.
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


def _label(model, name: str) -> str:
    return f"{model._meta.label}.{name}"


def _current_sm4_prefix() -> str | None:
    """The start every token under the current SM4 key shares (None when the cipher is Fernet)."""
    cipher = idnumbers.field_cipher()
    if cipher.cipher != "sm4":
        return None
    sample = cipher.encrypt(b"x").decode()
    return sample[: len(idnumbers.SM4_PREFIX) + 4]  # "sm4$" + the base64 of the first 3 bytes of the key id


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with FIELD_CIPHER and its first key (key rotation, Fernet ↔ SM4); "
        "--rehash recomputes the members' ID-number hashes with FIELD_HASH."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--from", dest="start", default="", help="resume: MODEL.FIELD:PK printed by a run")
        parser.add_argument("--rehash", action="store_true", help="recompute members' ID-number hashes")

    @unscoped("key rotation re-encrypts every row of every unit")
    def handle(self, *args, batch_size: int = 1000, start: str = "", rehash: bool = False, **options):
        fields = encrypted_fields()
        start_label, _sep, start_pk = start.partition(":")
        if start:
            labels = [_label(m, n) for m, n in fields]
            if start_label not in labels:
                raise CommandError(f"--from {start}: no encrypted field {start_label} (one of {', '.join(labels)})")
            fields = fields[labels.index(start_label) :]
        skip_prefix = _current_sm4_prefix()
        for i, (model, name) in enumerate(fields):
            last_pk = int(start_pk) if (i == 0 and start_pk) else None
            self._rotate(model, name, batch_size, last_pk, skip_prefix)
        if rehash:
            self._rehash(batch_size)

    def _rotate(self, model, name: str, batch_size: int, last_pk, skip_prefix) -> None:
        plain_text = isinstance(model._meta.get_field(name), EncryptedTextField)
        pk_name = model._meta.pk.attname
        qs = model._default_manager.exclude(**{name: ""}).order_by(pk_name)
        done = 0
        while True:
            page = qs if last_pk is None else qs.filter(**{f"{pk_name}__gt": last_pk})
            try:
                rows = list(page.only(pk_name, name)[:batch_size])
                changed = []
                for row in rows:
                    value = getattr(row, name)
                    if plain_text:  # loading opened it; writing it back encrypts with the current cipher
                        changed.append(row)
                    elif not (skip_prefix and value.startswith(skip_prefix)):
                        setattr(row, name, idnumbers.rotate(value))
                        changed.append(row)
            except InvalidToken:
                raise CommandError(
                    f"{model._meta.label}: {name} of a row after #{last_pk or 0} opens with no key of "
                    "FIELD_ENCRYPTION_KEYS / FIELD_SM4_KEYS; keep the old key in the list (after the new one) until "
                    "the rotation is done."
                ) from None
            if not rows:
                break
            with transaction.atomic():
                if changed:
                    model._default_manager.bulk_update(changed, [name])
            done += len(changed)
            last_pk = getattr(rows[-1], pk_name)
            self.stdout.write(f"  … up to --from {_label(model, name)}:{last_pk}", ending="\n")
        self.stdout.write(f"{_label(model, name)}: {done} re-encrypted")

    def _rehash(self, batch_size: int) -> None:
        Member = apps.get_model("members", "Member")
        last_pk, done = 0, 0
        while True:
            rows = list(
                Member._default_manager.filter(pk__gt=last_pk)
                .exclude(id_number_encrypted="")
                .only("pk", "id_number_encrypted", "id_number_hash")
                .order_by("pk")[:batch_size]
            )
            if not rows:
                break
            changed = []
            for row in rows:
                digest = idnumbers.keyed_hash(idnumbers.decrypt(row.id_number_encrypted))
                if digest != row.id_number_hash:
                    row.id_number_hash = digest
                    changed.append(row)
            with transaction.atomic():
                Member._default_manager.bulk_update(changed, ["id_number_hash"])
            done += len(changed)
            last_pk = rows[-1].pk
        self.stdout.write(f"members.Member.id_number_hash: {done} re-hashed")
