"""The client's real address, for login throttling (django-axes), the access record and the login log.

Behind the README's deployment (gunicorn on 127.0.0.1 behind nginx) every request comes from the proxy's
address. ``X-Forwarded-For`` is believed only when the connection itself comes from one of
``settings.TRUSTED_PROXIES`` (addresses or networks: "127.0.0.1", "10.0.0.0/8"); anyone else could send
the header and choose their address. The header is parsed by django-ipware: nginx appends the address
it saw (``$proxy_add_x_forwarded_for``) to whatever the client sent, so the right-most entry is the
client as the trusted proxy saw it, and entries a client invented on the left are ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from ipware import get_client_ip


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _from_trusted_proxy(remote: str) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not remote:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the person at the other end (``AXES_CLIENT_IP_CALLABLE`` points here)."""
    if request is None:
        return None
    meta = request.META
    remote = meta.get("REMOTE_ADDR") or None
    if not _from_trusted_proxy(remote or "") or not meta.get("HTTP_X_FORWARDED_FOR"):
        return remote
    # The right-most entry: what our own proxy appended (proxy_count=0 counts the hops after the client
    # inside the header: none, nginx's own address is REMOTE_ADDR).
    address, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=0,
        request_header_order=["HTTP_X_FORWARDED_FOR"],
        strict=False,
    )
    return address or remote
