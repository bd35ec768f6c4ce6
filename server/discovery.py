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
        safe_name = "".join(ch if ch.isalnum() or ch in " -" else " " for ch in office)[:40]
        instance = f"{safe_name.strip() or 'Antrian'} {socket.gethostname()[:20]}"
        self.info = ServiceInfo(
            SERVICE_TYPE,
            f"{instance}.{SERVICE_TYPE}",
            port=port,
            properties={
                "office": office[:200],
                "api": "1",
                "path": API_PATH,
                "version": __version__,
            },
            server=f"{socket.gethostname()[:40]}.local.",
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
