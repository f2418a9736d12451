#!/usr/bin/env python
"""`make bench`: build a large database and measure the figures the issues name.

    python bench/run.py [--members 50000] [--only NAME ...] [--skip-seed]

Runs on PostgreSQL when DATABASE_URL is set, otherwise on a SQLite file under var/. Each module
in bench/cases/ contributes figures through ``run(ctx) -> list[Figure]``; the table is printed
with each target and pass/miss, and written as JSON to bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nantong_union.settings")
os.environ.setdefault("DEBUG", "1")  # local measurement; DEBUG's query log is switched off below
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
(ROOT / "var").mkdir(exist_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--only", nargs="*", help="run only these case modules")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the database as it is")
    parser.add_argument("--out", help="where to write the figures (default: bench/results/latest.json)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from bench.common import Context, print_table, vacuum_analyze
    from members.scoping import unscoped

    # The benchmark seeds and inspects the whole city; the pages and services it measures still
    # enforce the rule (the middleware, for_actor).
    with unscoped("the benchmark seeds and inspects the whole city"):
        return _run(args, settings, call_command, connection, Context, print_table, vacuum_analyze)


def _run(args, settings, call_command, connection, Context, print_table, vacuum_analyze) -> int:  # noqa: N803

    settings.DEBUG = False  # no query log growing in memory
    started = time.monotonic()
    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']})", flush=True)
    if not args.skip_seed:
        call_command("migrate", verbosity=0)
        t = time.monotonic()
        call_command("seed_demo", members=args.members, verbosity=0)
        print(f"seed_demo --members {args.members}: {time.monotonic() - t:.1f} s", flush=True)
        t = time.monotonic()
        vacuum_analyze()
        print(f"VACUUM ANALYZE: {time.monotonic() - t:.1f} s", flush=True)
    ctx = Context(members=args.members, root=ROOT)
    figures = []
    import bench.cases as cases
    from bench.common import Figure

    for info in sorted(pkgutil.iter_modules(cases.__path__), key=lambda i: i.name):
        if args.only and info.name not in args.only:
            continue
        module = importlib.import_module(f"bench.cases.{info.name}")
        t = time.monotonic()
        print(f"-- {info.name} …", flush=True)
        try:
            figures.extend(module.run(ctx))
        except Exception:  # noqa: BLE001 -- one broken case must not hide the others' figures
            traceback.print_exc()
            figures.append(Figure(f"{info.name}: the case failed (traceback above)", 1, "failures", "== 0"))
        print(f"   ({time.monotonic() - t:.1f} s)", flush=True)
    print_table(figures)
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / "latest.json"
    out.write_text(json.dumps([f.as_dict() for f in figures], ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nWritten {out}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
