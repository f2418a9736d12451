"""HTTP load against the portal under gunicorn: wrk on loopback (bounded in time), and a burst of POSTs."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
    seconds: float  # from the first request written to the last answer


#: Seconds between the last connection opened and the first request sent: the server's workers accept the waiting
#: connections meanwhile, as they did while the first version of this client started a thread per person (about
#: half a second for a thousand), so that the burst measures the requests and not the accept queue.
SETTLE = 0.5


def burst_post(base: str, requests: list[tuple[str, ...]], *, timeout: float = 120) -> Burst:
    """POST every (path, cookie[, form body]) at the same instant: all connections opened first, then every
    request written in one pass, then the answers read as they come.

    One thread and non-blocking sockets (``selectors``), the requests' bytes built before the start: the client
    shares the machine's cores with the server it measures, and a thread per request (the first version) spent
    about as much CPU in the client as a request costs the server. The CSRF cookie and header carry the same
    random secret, as a browser's form would.
    """
    host, port_text = base.removeprefix("http://").split(":")
    port = int(port_text)
    csrf = os.urandom(16).hex()
    payloads = []
    for path, cookie, *rest in requests:
        body = (rest[0] if rest else "").encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Cookie: {cookie}; {settings.CSRF_COOKIE_NAME}={csrf}\r\nX-CSRFToken: {csrf}\r\n"
            f"Referer: {base}{path}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        )
        payloads.append(head.encode("latin-1") + body)
    n = len(payloads)
    statuses = [-1] * n
    answers = [bytearray() for _ in range(n)]
    selector = selectors.DefaultSelector()
    socks: list[socket.socket] = []
    try:
        # 1. Every connection opened (and accepted by the kernel) before anything is sent.
        for i in range(n):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            sock.connect_ex((host, port))
            socks.append(sock)
            selector.register(sock, selectors.EVENT_WRITE, i)
        connected: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(connected) < n and time.monotonic() < deadline:
            for key, _ in selector.select(timeout=1):
                i = key.data
                selector.unregister(key.fileobj)
                connected.add(i)
                if socks[i].getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    socks[i].close()  # its status stays -1: a connection error
        time.sleep(SETTLE)
        # 2. Every request written in one pass; what a full socket buffer kept back is written when it drains.
        started = time.perf_counter()
        unsent: dict[int, memoryview] = {}
        for i in range(n):
            if socks[i].fileno() < 0:
                continue
            data = memoryview(payloads[i])
            try:
                sent = socks[i].send(data)
            except OSError:
                socks[i].close()
                continue
            if sent < len(data):
                unsent[i] = data[sent:]
                selector.register(socks[i], selectors.EVENT_WRITE | selectors.EVENT_READ, i)
            else:
                selector.register(socks[i], selectors.EVENT_READ, i)
        # 3. The answers, read to the end of each connection (``Connection: close``).
        open_ = sum(1 for s in socks if s.fileno() >= 0)
        while open_ and time.monotonic() < deadline:
            for key, events in selector.select(timeout=1):
                i, sock = key.data, key.fileobj
                if events & selectors.EVENT_WRITE and i in unsent:
                    try:
                        sent = sock.send(unsent[i])
                    except OSError:
                        sent = -1
                    if sent < 0:
                        selector.unregister(sock)
                        sock.close()
                        open_ -= 1
                        continue
                    rest = unsent[i][sent:]
                    if len(rest):
                        unsent[i] = rest
                    else:
                        del unsent[i]
                        selector.modify(sock, selectors.EVENT_READ, i)
                if not events & selectors.EVENT_READ:
                    continue
                try:
                    chunk = sock.recv(65536)
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    chunk = b""
                if chunk:
                    answers[i] += chunk
                    continue
                selector.unregister(sock)
                sock.close()
                open_ -= 1
                statuses[i] = _status(bytes(answers[i]))
        return Burst(statuses, time.perf_counter() - started)
    finally:
        selector.close()
        for sock in socks:
            sock.close()


def _status(answer: bytes) -> int:
    """The status of a raw HTTP answer; 401 for a redirect to the login page (the session did not hold), -1 for
    no answer."""
    head, _, _ = answer.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return -1
    status = int(parts[1])
    if status == 302:
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"location" and settings.LOGIN_URL.encode() in value:
                return 401
    return status
