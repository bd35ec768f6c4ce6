"""Zeroconf in an HA hall: only the active server advertises; one that takes over starts to.

Two real server processes on one real PostgreSQL database, real zeroconf on loopback.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import pytest
from zeroconf import ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from client.discovery import SERVICE_TYPE, address_from_info
from tests.support.live_server import start_pair

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
LOOPBACK = ["127.0.0.1"]
ADVERT_LIMIT_S = 5.0  # the new server is found over zeroconf within this of its takeover


async def advertised(office: str, listen_s: float, until: str | None = None) -> set[str]:
    """The server URLs advertised for `office` while listening `listen_s` (or until `until`)."""
    names: asyncio.Queue[str] = asyncio.Queue()

    def on_state_change(
        zeroconf: Zeroconf, service_type: str, name: str, state_change: ServiceStateChange
    ) -> None:
        if state_change in (ServiceStateChange.Added, ServiceStateChange.Updated):
            names.put_nowait(name)

    found: set[str] = set()
    async_zeroconf = AsyncZeroconf(interfaces=LOOPBACK)
    try:
        await async_zeroconf.zeroconf.async_wait_for_start()
        browser = AsyncServiceBrowser(
            async_zeroconf.zeroconf, SERVICE_TYPE, handlers=[on_state_change]
        )
        try:
            async with asyncio.timeout(listen_s):
                while until not in found:
                    info = AsyncServiceInfo(SERVICE_TYPE, await names.get())
                    if await info.async_request(async_zeroconf.zeroconf, 1000):
                        address = address_from_info(info, office)
                        if address is not None:
                            found.add(address.url)
        except TimeoutError:
            pass
        finally:
            await browser.async_cancel()
    finally:
        await async_zeroconf.async_close()
    return found


def test_only_the_active_server_advertises_and_the_one_that_takes_over_starts_to(
    tmp_path: Path, database_url: str
) -> None:
    office = f"Kantor HA {uuid.uuid4().hex[:8]}"  # no other test's advert matches it
    config = f'[office]\nname = "{office}"\n[server]\nzeroconf_interfaces = ["127.0.0.1"]\n'
    first, second = start_pair(tmp_path, database_url, config_text=config, zeroconf=True)
    try:
        assert second.health_status() == "standby"
        # a while of listening: the active one is found, the standby never
        assert asyncio.run(advertised(office, listen_s=4.0)) == {first.url}
        first.kill()  # no goodbye: a fresh browser asks, and only the living answer
        took_over = second.wait_until_active()
        found = asyncio.run(advertised(office, listen_s=ADVERT_LIMIT_S, until=second.url))
        advert_s = time.monotonic() - took_over
        print(f"the new server advertised {advert_s:.2f} s after its takeover")
        assert found == {second.url}
    finally:
        second.stop()
        first.kill()
