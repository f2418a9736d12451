#!/usr/bin/env python
"""Start the portal for development: Django's server, a Celery worker and Celery beat together.

Ctrl-C stops all three. Used by `make run`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", default="8000")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    py = sys.executable
    os.environ.setdefault("DEBUG", "1")
    (ROOT / "var" / "celery").mkdir(parents=True, exist_ok=True)
    commands = {
        "web": [py, "manage.py", "runserver", f"{args.host}:{args.port}", "--noreload"],
        "worker": [py, "-m", "celery", "-A", "nantong_union", "worker", "-l", "info", "--concurrency", "2"],
        "beat": [
            py,
            "-m",
            "celery",
            "-A",
            "nantong_union",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(ROOT / "var" / "celerybeat-schedule"),
        ],
    }
    procs = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands.items()}
    print(
        f"\n  Portal: http://{args.host}:{args.port}/  (web, Celery worker and beat started; Ctrl-C stops all)\n"
        "  Demo accounts: admin, zonelead, officer, member (password as printed by seed_demo)\n",
        flush=True,
    )

    def stop(*_):
        for p in procs.values():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        for p in procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()

    interrupted = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: interrupted.set())  # Ctrl-C (it reaches the children too)
    signal.signal(signal.SIGTERM, lambda *_: interrupted.set())
    try:
        while not interrupted.is_set() and all(p.poll() is None for p in procs.values()):
            interrupted.wait(0.5)
        if interrupted.is_set():
            print("Stopping web, worker and beat …", flush=True)
            return 0
        dead = [n for n, p in procs.items() if p.poll() is not None]
        print(f"Stopped because {', '.join(dead)} exited.", file=sys.stderr)
        return 1
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
