"""The field cipher (issue #17): SM4-GCM against Fernet — encrypt and decrypt rates side by side, and the member
list, member page and member export with every encrypted field under SM4 against the same under Fernet (the
target: within 10 %, a ratio of at most 1.10).

The database is moved to SM4 with ``rotate_field_keys`` (its time is reported too; VACUUM ANALYZE follows each
rotation) and moved back to Fernet at the end, so the other cases see the database as seeded."""

from __future__ import annotations

import io
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from bench.common import Context, Figure, measure_page, median_p95, timed, vacuum_analyze
from members import idnumbers
from members.models import Member
from members.scoping import unscoped
from members.selectors import member_list
from members.services import member_export

RATE_N = 20_000
TEXT = "患有慢性肾病，需每周透析三次；配偶无业，子女在读高中。" * 4  # a hardship note of ~100 characters


def _rates(cipher_name: str) -> list[Figure]:
    settings.FIELD_CIPHER = cipher_name
    cipher = idnumbers.field_cipher()
    out = []
    for label, value in (("ID number", b"32061219850307130X"), ("100-character note", TEXT.encode())):
        started = time.perf_counter()
        tokens = [cipher.encrypt(value) for _ in range(RATE_N)]
        enc = RATE_N / (time.perf_counter() - started)
        started = time.perf_counter()
        for token in tokens:
            cipher.decrypt(token)
        dec = RATE_N / (time.perf_counter() - started)
        out += [
            Figure(f"{cipher_name} encrypt, {label}", round(enc), "ops/s"),
            Figure(f"{cipher_name} decrypt, {label}", round(dec), "ops/s"),
        ]
    return out


def _pages(client, some, admin) -> dict[str, float]:
    got = {}
    for label, url in (("member list", "/members/"), ("member page", f"/members/{some.pk}/")):
        median, _p95, _q = measure_page(client, url, 30)
        got[label] = median

    def export():
        tmp = member_export(actor=admin, queryset=member_list(actor=admin), filters_text="bench")
        while tmp.read(1 << 16):
            pass
        tmp.close()

    got["member export"], _ = median_p95(timed(export, 3))
    return got


def _rotate(cipher_name: str) -> float:
    """Every encrypted field re-encrypted under ``cipher_name``; then VACUUM ANALYZE, as autovacuum would do
    after such a rewrite (otherwise the dead rows the rotation leaves behind, not the cipher, are measured)."""
    settings.FIELD_CIPHER = cipher_name
    started = time.perf_counter()
    call_command("rotate_field_keys", "--batch-size", "2000", stdout=io.StringIO())
    took = time.perf_counter() - started
    _compact()
    vacuum_analyze()
    return took


def _compact() -> None:
    """Rewrite the member table compactly (a rotation rewrites every row: the new versions land wherever there is
    room, so the same rows are spread over twice the pages until the table is rewritten), as a site would after a
    rotation of its whole table."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL members_member")


def run(ctx: Context) -> list[Figure]:
    before = getattr(settings, "FIELD_CIPHER", "fernet")
    out = _rates("fernet") + _rates("sm4")
    admin = get_user_model().objects.get(username="admin")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    with unscoped("the benchmark picks a member in the middle of the table"):
        some = Member.objects.order_by("pk")[Member.objects.count() // 2]
    # Fernet, SM4, Fernet, SM4: the machine is shared, so each cipher is measured twice, in turn, and the
    # medians of its two rounds are averaged.
    rounds: dict[str, list[dict[str, float]]] = {"fernet": [], "sm4": []}
    to_sm4 = 0.0
    try:
        for _ in range(2):
            _rotate("fernet")
            rounds["fernet"].append(_pages(client, some, admin))
            to_sm4 = _rotate("sm4")
            with unscoped("the benchmark checks that the rotation reached the members"):
                token = Member.objects.filter(pk=some.pk).values_list("id_number_encrypted", flat=True).get()
            assert token.startswith(idnumbers.SM4_PREFIX), "rotate_field_keys did not move the members to SM4"
            rounds["sm4"].append(_pages(client, some, admin))
    finally:
        _rotate(before)
        settings.FIELD_CIPHER = before
    fernet = {k: sum(r[k] for r in rounds["fernet"]) / 2 for k in rounds["fernet"][0]}
    sm4 = {k: sum(r[k] for r in rounds["sm4"]) / 2 for k in rounds["sm4"][0]}
    out.append(Figure("rotate_field_keys Fernet → SM4, whole database", round(to_sm4, 1), "s"))
    for label in fernet:
        out += [
            Figure(f"{label}, Fernet: median", round(fernet[label], 1), "ms"),
            Figure(f"{label}, SM4: median", round(sm4[label], 1), "ms"),
            Figure(f"{label}, SM4 / Fernet", round(sm4[label] / fernet[label], 3), "ratio", "<= 1.1"),
        ]
    return out
