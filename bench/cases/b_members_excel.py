"""Members Excel: export of every member vs openpyxl's write-only mode, its memory, and a 10,000-row import."""

from __future__ import annotations

import io
import os
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from openpyxl import Workbook

from bench.common import Context, Figure
from members import demo, excel, services
from members.excel import EXPORT_COLUMNS, chinese, labelled_rows
from members.models import Member, MembershipChange, Organization
from members.selectors import member_list

IMPORT_ROWS = 10_000
CARD_PREFIX = "BX"


def _peak_rss_kb() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Linux: reset the process's peak resident size (VmHWM) so that growth can be read afterwards."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _baseline(rows: list[list]) -> float:
    """openpyxl write-only, the same rows and columns, values already in memory."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("members")
        ws.append([chinese(label) for _f, label, _w in EXPORT_COLUMNS])
        for row in rows:
            ws.append(row)
        wb.save(out)
    return time.perf_counter() - started


def _export(admin) -> tuple[float, int]:
    started = time.perf_counter()
    tmp = services.member_export(actor=admin, queryset=member_list(actor=admin), filters_text="bench")
    size = 0
    while chunk := tmp.read(1 << 16):  # what the response streams
        size += len(chunk)
    tmp.close()
    return time.perf_counter() - started, size


def _import_file(units: list[str]) -> bytes:
    """A roster as a spreadsheet program saves it (a normal workbook, with its <dimension>)."""
    wb = Workbook()
    ws = wb.active
    from members.excel import IMPORT_COLUMNS

    ws.append([chinese(label) for _f, label, _r, _e in IMPORT_COLUMNS])
    people = demo.people(IMPORT_ROWS, units, seed=4242)
    for i, p in enumerate(people):
        ws.append(
            [
                p.name,
                demo.id_number_for("320600", date(1970, 1, 1) + timedelta(days=i // 500), (i % 500) * 2 + 1),
                "",
                None,
                "汉族",
                p.native_place,
                "中共党员",
                "大学本科",
                p.unit_name,
                p.position,
                p.professional_title,
                "在编",
                datetime(p.join_date.year, p.join_date.month, p.join_date.day),
                f"{CARD_PREFIX}{i:07d}",
                p.mobile,
                "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cleanup() -> None:
    with transaction.atomic():
        ids = list(Member.objects.filter(card_number__startswith=CARD_PREFIX).values_list("pk", flat=True))
        MembershipChange.objects.filter(member_id__in=ids).delete()
        Member.history.filter(id__in=ids).delete()
        Member.objects.filter(pk__in=ids).delete()


def run(ctx: Context) -> list[Figure]:
    admin = get_user_model().objects.get(username="admin")
    out: list[Figure] = []
    total = Member.objects.count()

    # Export first (its memory is measured before anything else fills the heap), then the
    # baseline, openpyxl's write-only mode on the same rows and columns, alternating with the
    # export in this same run (the machine's load changes from minute to minute): best of three each.
    reset = _reset_peak()
    before = _peak_rss_kb()
    first, size = _export(admin)
    after = _peak_rss_kb()
    growth = (after - before) / 1024 if reset and before and after else None
    if growth is None:  # no /proc: Python allocations only
        tracemalloc.start()
        _export(admin)
        growth = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()
    values = list(
        labelled_rows(
            member_list(actor=admin)
            .order_by("unit__sort_order", "unit__name", "name", "pk")
            .values_list(*services.EXPORT_FIELDS)
        )
    )
    exports, baselines = [first], []
    for _ in range(3):
        baselines.append(_baseline(values))
        exports.append(_export(admin)[0])
    del values
    seconds, baseline = min(exports), min(baselines)
    out += [
        Figure(f"export {total:,} members: openpyxl write-only baseline", baseline, "s"),
        Figure(f"export {total:,} members: portal export", seconds, "s"),
        Figure("export time / write-only baseline", seconds / baseline, "ratio", "<= 1.5"),
        Figure("export peak memory growth", growth, "MB", "< 100"),
        Figure("export file size", size / (1024 * 1024), "MB"),
    ]

    # Import: 10,000 new rows, preview (validation only) and confirmation (validation + commit).
    _cleanup()
    units = list(Organization.objects.units().values_list("name", flat=True))
    data = _import_file(units)
    started = time.perf_counter()
    preview = services.member_import_preview(actor=admin, data=data, mode="update")
    preview_s = time.perf_counter() - started
    assert preview.ok, preview.errors[:5]
    kept = excel.dataset_to_json(preview.dataset)  # what the preview page keeps for the confirmation
    started = time.perf_counter()
    outcome = services.member_import_commit(actor=admin, dataset=excel.dataset_from_json(kept), mode="update")
    commit_s = time.perf_counter() - started
    assert outcome.ok and outcome.new == IMPORT_ROWS, (outcome.new, outcome.errors[:5])
    out += [
        Figure(f"import {IMPORT_ROWS:,} rows: preview ({connection.vendor})", IMPORT_ROWS / preview_s, "rows/s"),
        Figure(
            f"import {IMPORT_ROWS:,} rows: validate and commit ({connection.vendor})",
            IMPORT_ROWS / commit_s,
            "rows/s",
            ">= 1000",
        ),
        Figure(
            f"import {IMPORT_ROWS:,} rows: upload to saved, end to end ({connection.vendor})",
            IMPORT_ROWS / (preview_s + commit_s),
            "rows/s",
        ),
    ]
    _cleanup()
    out.append(Figure("machine load average (1 min) at the end", os.getloadavg()[0], "load"))
    return out
