"""HTTP load against the portal under gunicorn: wrk on loopback (bounded in time), and a burst of POSTs."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P50 %d\\nP95 %d\\nP99 %d\\nNON2XX %d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.errors.status))
end
"""


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    errors: int
    requests: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2, threads: int = 1):
    """The portal under gunicorn on a free loopback port, with production-like settings."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,  # the sessions made here by session_cookie() must be valid there
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        STATIC_MANIFEST="0",
        AXES_ENABLED="0",
        LOG_LEVEL="WARNING",
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS)
        or "dGVzdC1vbmx5LWtleS10ZXN0LW9ubHkta2V5LTEyMzQ=",
        FIELD_HASH_KEY=settings.FIELD_HASH_KEY or "bench",
        DATABASE_URL=os.environ["DATABASE_URL"],
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "nantong_union.wsgi",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--backlog",
            "1024",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz/live", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def session_cookie(username: str) -> str:
    """A logged-in session for ``username``, as the cookie header a browser would send."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    from members.scoping import scope_for

    scope = scope_for(user)
    # An officer's session has passed the authenticator's code (issue #16): the server under test runs without
    # DEBUG, where the second factor is required (this process may run with DEBUG=1, where it is not).
    if user.is_superuser or scope.is_city_admin or scope.is_auditor or scope.is_officer:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="bench", confirmed=True
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def load(url: str, *, connections: int, seconds: int, cookie: str = "") -> Load:
    """Closed-loop load on ``url`` with ``connections`` concurrent clients for ``seconds`` (wrk)."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    check = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(check, timeout=30) as answer:  # a redirect to the login page would be followed
        if answer.status != 200 or answer.url != url:
            raise RuntimeError(f"{url} answers {answer.status} at {answer.url}: not the page to measure")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(LUA)
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s", "-s", f.name, url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60).stdout
    os.unlink(f.name)
    number = lambda pattern: float(re.search(pattern, out).group(1))  # noqa: E731
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Load(
        requests_per_s=number(r"Requests/sec:\s+([\d.]+)"),
        p50_ms=number(r"P50 (\d+)") / 1000,
        p95_ms=number(r"P95 (\d+)") / 1000,
        errors=int(number(r"NON2XX (\d+)")) + socket_errors,
        requests=int(number(r"(\d+) requests in")),
    )


@dataclass
class Burst:
    statuses: list[int]  # HTTP status per request, -1 for a connection error, 401 for a login redirect
    seconds: float  # from the release of the barrier to the last answer


def burst_post(base: str, requests: list[tuple[str, ...]]) -> Burst:
    """POST every (path, cookie[, form body]) at the same instant: all connections opened first, then a barrier
    releases them.

    The CSRF cookie and header carry the same random secret, as a browser's form would.
    """
    host, port = base.removeprefix("http://").split(":")
    csrf = os.urandom(16).hex()
    statuses = [0] * len(requests)
    barrier = threading.Barrier(len(requests) + 1)

    def one(i: int, path: str, cookie: str, body: str = "") -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        conn.connect()
        headers = {
            "Cookie": f"{cookie}; {settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
            "Referer": base + path,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        barrier.wait()
        try:
            conn.request("POST", path, body=body, headers=headers)
            answer = conn.getresponse()
            statuses[i] = answer.status
            if answer.status == 302 and settings.LOGIN_URL in (answer.getheader("Location") or ""):
                statuses[i] = 401  # sent to the login page: the session did not hold
        except OSError:
            statuses[i] = -1
        finally:
            conn.close()

    workers = [threading.Thread(target=one, args=(i, *r)) for i, r in enumerate(requests)]
    for w in workers:
        w.start()
    barrier.wait()
    started = time.perf_counter()
    for w in workers:
        w.join()
    return Burst(statuses, time.perf_counter() - started)
