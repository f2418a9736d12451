"""Members Excel: the export of every member vs openpyxl's write-only mode, and its memory."""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.contrib.auth import get_user_model
from openpyxl import Workbook

from bench.common import Context, Figure
from members import services
from members.excel import EXPORT_COLUMNS, chinese, labelled_rows
from members.models import Member
from members.selectors import member_list


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

    out.append(Figure("machine load average (1 min) at the end", os.getloadavg()[0], "load"))
    return out
