"""Tests of finding the server over zeroconf on the loopback interface."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator

import pytest
from zeroconf import ServiceInfo, Zeroconf

from client.discovery import SERVICE_TYPE, find_server
from client.errors import DiscoveryFailed
from tests.support.live_server import LiveServer

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
        fallback_url="http://127.0.0.1:9",  # nothing listens there
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
        fallback_url="http://127.0.0.1:9/api/v1",  # nothing listens there
        interfaces=LOOPBACK,
        office="no such office",
    )
    assert address.source == "config"
    assert address.url == "http://127.0.0.1:9"
    assert address.api_url == "http://127.0.0.1:9/api/v1"


async def test_zeroconf_turned_off_uses_the_configured_address_at_once() -> None:
    address = await find_server(fallback_url="http://127.0.0.1:9", use_zeroconf=False)
    assert address.source == "config"


async def test_configured_server_that_answers_is_used_without_waiting_for_zeroconf(
    live_server: LiveServer,
) -> None:
    started = time.monotonic()
    address = await find_server(
        timeout_s=5.0, fallback_url=live_server.url, interfaces=LOOPBACK, office="Kantor Kecamatan"
    )
    assert address.source == "config" and address.url == live_server.url
    assert time.monotonic() - started < 2.0
