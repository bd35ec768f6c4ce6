"""Where a visitor's phone reaches this server: the base of the URL printed in ticket QRs."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import logging
import socket

from aiohttp import web

from server.config import ServerSettings

log = logging.getLogger(__name__)
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def phone_base(request: web.Request, settings: ServerSettings) -> str:
    """`[server] public_url`, else the address the request came to, never a loopback one.

    A kiosk on the server's own PC reaches it on 127.0.0.1, but a phone on the office Wi-Fi
    cannot: then the first non-loopback address of this machine (or its host name) is used,
    with a warning that says how to set it properly.
    """
    if settings.public_url:
        return settings.public_url.rstrip("/")
    host = request.url.host or ""
    if not is_loopback(host):
        return f"{request.scheme}://{request.host}"
    port = request.url.port or settings.port
    if settings.host not in WILDCARD_HOSTS and is_loopback(settings.host):
        _warn_loopback_only(settings.host)
        return f"{request.scheme}://{request.host}"
    return f"{request.scheme}://{_lan_host(port)}"


@functools.cache
def _warn_loopback_only(listening: str) -> None:
    log.warning(
        "the server listens on %s only: QR codes printed on tickets will not open on "
        "visitors' phones; listen on the office network and set [server] public_url",
        listening,
    )


@functools.cache
def _lan_host(port: int) -> str:
    address = first_lan_address()
    host = address if address is not None else socket.gethostname()
    log.warning(
        "a kiosk reached this server on a loopback address and [server] public_url is not "
        "set: printed QR codes use %s:%d, which phones reach only if it is on the office "
        "Wi-Fi; set [server] public_url to the address phones use",
        host, port,
    )  # fmt: skip
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def first_lan_address() -> str | None:
    """This machine's first non-loopback IPv4 address, or None when it has none."""
    candidates: list[str] = []
    # connecting a UDP socket sends nothing; it only picks the outgoing interface
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))
        candidates.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        candidates.extend(socket.gethostbyname_ex(socket.gethostname())[2])
    for candidate in candidates:
        if not is_loopback(candidate) and candidate != "0.0.0.0":
            return candidate
    return None
