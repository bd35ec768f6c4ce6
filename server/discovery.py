"""Advertise the server on the LAN as `_antrian._tcp.local.` (zeroconf / mDNS)."""

from __future__ import annotations

import ipaddress
import logging
import socket

import ifaddr
from zeroconf import IPVersion, ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

from server import __version__

log = logging.getLogger(__name__)
SERVICE_TYPE = "_antrian._tcp.local."
API_PATH = "/api/v1"
MAX_LABEL_BYTES = 63  # one DNS label: the instance name, the host name
MAX_TXT_STRING_BYTES = 255  # one TXT string: "key=value"
HOSTNAME_PART_BYTES = 20
# zeroconf renames an instance whose name is taken on the LAN by appending "-2", "-3", …:
# leave room for it, or the renamed label is too long and the advert fails
CONFLICT_SUFFIX_BYTES = 4


def truncate_utf8(text: str, max_bytes: int) -> str:
    """`text` cut to at most `max_bytes` of UTF-8, never inside a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")


def instance_name(office: str, hostname: str) -> str:
    """The instance name `<office> <host>` in one DNS label; letters of any script stay."""
    host = truncate_utf8(hostname.split(".")[0], HOSTNAME_PART_BYTES).strip() or "server"
    cleaned = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in office)
    cleaned = " ".join(cleaned.split()) or "Antrian"
    room = MAX_LABEL_BYTES - len(host.encode("utf-8")) - 1 - CONFLICT_SUFFIX_BYTES
    return f"{truncate_utf8(cleaned, room).rstrip()} {host}"


def text_records(properties: dict[str, str]) -> dict[str, str]:
    """Each value shortened so that "key=value" fits one TXT string."""
    return {
        key: truncate_utf8(value, MAX_TXT_STRING_BYTES - len(key.encode("utf-8")) - 1)
        for key, value in properties.items()
    }


def local_ipv4_addresses() -> list[str]:
    """Every non-loopback IPv4 address of this machine."""
    found = []
    for adapter in ifaddr.get_adapters():
        for address in adapter.ips:
            if isinstance(address.ip, str):
                parsed = ipaddress.IPv4Address(address.ip)
                if not parsed.is_loopback and not parsed.is_link_local:
                    found.append(address.ip)
    return found


def advertised_addresses(host: str, interfaces: tuple[str, ...]) -> list[str]:
    if interfaces:
        return list(interfaces)
    if host not in ("0.0.0.0", "", "::"):
        return [host]
    return local_ipv4_addresses() or ["127.0.0.1"]


class Advertiser:
    """Registers the service on start and withdraws it on stop."""

    def __init__(self, office: str, port: int, host: str, interfaces: tuple[str, ...] = ()):
        self.addresses = advertised_addresses(host, interfaces)
        hostname = socket.gethostname()
        # a long office name with accented letters overflowed both DNS limits and crashed
        # the server at start; clients compare the office shortened the same way
        self.info = ServiceInfo(
            SERVICE_TYPE,
            f"{instance_name(office, hostname)}.{SERVICE_TYPE}",
            port=port,
            properties=text_records(
                {"office": office, "api": "1", "path": API_PATH, "version": __version__}
            ),
            server=f"{truncate_utf8(hostname.split('.')[0], MAX_LABEL_BYTES) or 'antrian'}.local.",
            addresses=[socket.inet_aton(address) for address in self.addresses],
        )
        self._interfaces = list(interfaces) if interfaces else None
        self._zeroconf: AsyncZeroconf | None = None

    async def start(self) -> None:
        if self._interfaces:
            self._zeroconf = AsyncZeroconf(interfaces=self._interfaces, ip_version=IPVersion.V4Only)
        else:
            self._zeroconf = AsyncZeroconf(ip_version=IPVersion.V4Only)
        # the call returns a task that finishes once the announcement has been sent
        registered = await self._zeroconf.async_register_service(self.info, allow_name_change=True)
        await registered
        log.info("advertised %s on %s", self.info.name, ", ".join(self.addresses))

    async def stop(self) -> None:
        if self._zeroconf is None:
            return
        try:
            goodbye = await self._zeroconf.async_unregister_service(self.info)
            await goodbye
        finally:
            await self._zeroconf.async_close()
            self._zeroconf = None
