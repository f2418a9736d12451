#!/usr/bin/env python
"""`make bench-scale`: the portal measured at a million members (issue #23), beside the everyday 50,000.

    python bench/scale.py [--members 1000000] [--skip-seed]

Seeds ``--members`` members on PostgreSQL (``seed_demo``, bulk inserts of 2,000 rows with their
history), runs the cases that show how cost grows with the data — the member list (first and last
page, search by name, by card number, by ID number), the dashboards, the export of every member against
openpyxl's write-only mode, the daily reminder scan and the 300-way registration burst — writes them to
``bench/results/scale.json`` and writes ``docs/benchmark-scale.md``: each figure at this size beside
the same figure of the last ``make bench`` (``bench/results/latest.json``, 50,000 members).

Heavy: about an hour on a quiet 2-core machine, most of it the seed. Use its own database
(``DATABASE_URL``), never a shared one.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = ["a_members_pages", "b_members_excel", "c_dashboard", "d_registration_burst", "y_reminders"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--skip-seed", action="store_true")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("bench-scale runs on PostgreSQL only: set DATABASE_URL=postgres://…", file=sys.stderr)
        return 2
    out = ROOT / "bench" / "results" / "scale.json"
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--members", str(args.members), "--only", *CASES]
    command += ["--out", str(out)] + (["--skip-seed"] if args.skip_seed else [])
    if subprocess.call(command) != 0:
        return 1
    write_table(json.loads(out.read_text(encoding="utf-8")), args.members)
    return 0


def write_table(scale: list[dict], members: int) -> None:
    latest = ROOT / "bench" / "results" / "latest.json"
    base = {f["name"]: f for f in json.loads(latest.read_text(encoding="utf-8"))} if latest.exists() else {}
    lines = [
        "# The portal at a million members",
        "",
        f"`make bench-scale` on PostgreSQL at {members:,} members, beside `make bench` at 50,000 (the last run of "
        "each on this machine; `bench/results/scale.json`, `bench/results/latest.json`). Written by "
        "`bench/scale.py`; the machine's load at the end of each run is in the table.",
        "",
        f"| figure | 50,000 | {members:,} | ratio | target | result |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for f in scale:
        small = base.get(f["name"], {}).get("value")
        ratio = f"{f['value'] / small:.2f}" if isinstance(small, (int, float)) and small else ""
        result = "" if f["pass"] is None else ("pass" if f["pass"] else "MISS")
        shown_small = "" if small is None else f"{small:,.2f}"
        lines.append(
            f"| {f['name']} ({f['unit']}) | {shown_small} | {f['value']:,.2f} | {ratio} | {f['target']} | {result} |"
        )
    (ROOT / "docs" / "benchmark-scale.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
