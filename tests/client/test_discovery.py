"""Tests of finding the server over zeroconf on the loopback interface."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator

import pytest
from zeroconf import ServiceInfo, Zeroconf

from client.discovery import SERVICE_TYPE, find_server
from client.errors import DiscoveryFailed

LOOPBACK = ["127.0.0.1"]


@pytest.fixture(scope="module")
def advertised_office() -> Iterator[str]:
    """A server advert for an office with a unique name, on loopback only.

    Registered once per module with the threaded API: registering takes ~1.6 s.
    """
    office = f"Kantor Uji {uuid.uuid4().hex[:8]}"
    info = ServiceInfo(
        SERVICE_TYPE,
        f"Antrian {office}.{SERVICE_TYPE}",
        addresses=[socket.inet_aton("127.0.0.1")],
        port=18470,
        properties={"office": office, "api": "1", "path": "/api/v1"},
    )
    zeroconf = Zeroconf(interfaces=LOOPBACK)
    try:
        zeroconf.register_service(info)
        yield office
        zeroconf.unregister_service(info)
    finally:
        zeroconf.close()


async def test_advertised_server_is_found(advertised_office: str) -> None:
    address = await find_server(timeout_s=3.0, interfaces=LOOPBACK, office=advertised_office)
    assert address.source == "zeroconf"
    assert address.url == "http://127.0.0.1:18470"
    assert address.api_url == "http://127.0.0.1:18470/api/v1"
    assert address.office == advertised_office


async def test_advert_is_preferred_to_the_configured_address(advertised_office: str) -> None:
    address = await find_server(
        timeout_s=3.0,
        fallback_url="http://192.0.2.1:8470",
        interfaces=LOOPBACK,
        office=advertised_office,
    )
    assert address.source == "zeroconf"


async def test_nothing_advertised_and_nothing_configured_fails_clearly() -> None:
    with pytest.raises(DiscoveryFailed, match="no server address is configured"):
        await find_server(timeout_s=0.3, interfaces=LOOPBACK, office="no such office")


async def test_nothing_advertised_falls_back_to_the_configured_address() -> None:
    address = await find_server(
        timeout_s=0.3,
        fallback_url="http://192.0.2.1:8470/api/v1",
        interfaces=LOOPBACK,
        office="no such office",
    )
    assert address.source == "config"
    assert address.url == "http://192.0.2.1:8470"
    assert address.api_url == "http://192.0.2.1:8470/api/v1"


async def test_zeroconf_turned_off_uses_the_configured_address_at_once() -> None:
    address = await find_server(fallback_url="http://192.0.2.1:8470", use_zeroconf=False)
    assert address.source == "config"
