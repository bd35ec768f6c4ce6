"""Finding the Antrian server on the LAN over zeroconf, with a configured fallback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import aiohttp
from zeroconf import IPVersion, ServiceStateChange, Zeroconf
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

from client.errors import DiscoveryFailed

logger = logging.getLogger(__name__)

SERVICE_TYPE = "_antrian._tcp.local."
API_VERSION = "1"
API_PATH = "/api/v1"
OFFICE_RECORD_BYTES = 255 - len("office=")  # one TXT string holds "office=<name>"
SERVICE_INFO_TIMEOUT_MS = 1000
FALLBACK_PROBE_TIMEOUT_S = 2.0


@dataclass(frozen=True, slots=True)
class ServerAddress:
    """Where the server is: its root URL (``http://host:port``) and how it was found."""

    url: str
    office: str | None
    source: Literal["zeroconf", "config"]
    api_path: str = API_PATH

    @property
    def api_url(self) -> str:
        """The API base, e.g. ``http://192.168.1.10:8470/api/v1``."""
        return self.url.rstrip("/") + self.api_path


def advertised_office(office: str) -> str:
    """The office name as a server advertises it: one TXT string, at most 248 bytes of UTF-8."""
    limit = OFFICE_RECORD_BYTES
    encoded = office.encode("utf-8")
    return office if len(encoded) <= limit else encoded[:limit].decode("utf-8", "ignore")


def _text_records(info: AsyncServiceInfo) -> dict[str, str]:
    records: dict[str, str] = {}
    for key, value in info.properties.items():
        try:
            records[key.decode()] = value.decode() if value is not None else ""
        except UnicodeDecodeError:
            continue
    return records


def address_from_info(info: AsyncServiceInfo, office: str | None = None) -> ServerAddress | None:
    """The server address an advertisement describes, or None if it does not fit."""
    records = _text_records(info)
    if records.get("api") != API_VERSION:
        logger.info("ignoring %s: API version %r", info.name, records.get("api"))
        return None
    if office is not None and records.get("office") != advertised_office(office):
        return None
    if info.port is None:
        return None
    ipv4 = info.parsed_addresses(IPVersion.V4Only)
    ipv6 = info.parsed_addresses(IPVersion.V6Only)
    if ipv4:
        host = ipv4[0]
    elif ipv6:
        host = f"[{ipv6[0]}]"
    else:
        return None
    path = records.get("path") or API_PATH
    if not path.startswith("/"):
        path = "/" + path
    return ServerAddress(
        url=f"http://{host}:{info.port}",
        office=records.get("office"),
        source="zeroconf",
        api_path=path.rstrip("/"),
    )


async def _browse_or_fallback(
    timeout_s: float, interfaces: Sequence[str] | None, office: str | None, fallback_url: str
) -> ServerAddress | None:
    """Browse, but stop early when the configured server answers first.

    Without this a program with a fixed address would wait the whole discovery timeout
    on a network that blocks multicast, every time it starts or reconnects.
    """
    search = asyncio.create_task(browse(timeout_s, interfaces, office))
    probe = asyncio.create_task(_answers(fallback_url, office))
    done, _ = await asyncio.wait({search, probe}, return_when=asyncio.FIRST_COMPLETED)
    if search not in done and probe.result():
        search.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await search
        return None  # the caller uses the configured address
    probe.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await probe
    return await search


async def _answers(url: str, office: str | None) -> bool:
    """True when the configured address answers /health as an Antrian server (of `office`)."""
    base = url.rstrip("/").removesuffix(API_PATH)
    timeout = aiohttp.ClientTimeout(total=FALLBACK_PROBE_TIMEOUT_S)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{base}{API_PATH}/health") as answer,
        ):
            if answer.status != 200:
                return False
            health = await answer.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return False
    if not isinstance(health, dict) or health.get("status") != "ok":
        return False
    return office is None or health.get("office") == office


async def browse(
    timeout_s: float,
    interfaces: Sequence[str] | None = None,
    office: str | None = None,
) -> ServerAddress | None:
    """The first server advertised within ``timeout_s``, or None."""
    names: asyncio.Queue[str | None] = asyncio.Queue()
    search = asyncio.create_task(_search(names, timeout_s, interfaces, office))
    try:
        return await asyncio.shield(search)
    except asyncio.CancelledError:
        # Zeroconf leaks its sockets when cancelled while starting: end the search
        # with a sentinel instead, and let it close zeroconf in its own time.
        names.put_nowait(None)
        with contextlib.suppress(Exception):
            await search
        raise


async def _search(
    names: asyncio.Queue[str | None],
    timeout_s: float,
    interfaces: Sequence[str] | None,
    office: str | None,
) -> ServerAddress | None:
    def on_state_change(
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if state_change in (ServiceStateChange.Added, ServiceStateChange.Updated):
            names.put_nowait(name)

    async_zeroconf = AsyncZeroconf(interfaces=list(interfaces)) if interfaces else AsyncZeroconf()
    try:
        await async_zeroconf.zeroconf.async_wait_for_start()
        browser = AsyncServiceBrowser(
            async_zeroconf.zeroconf, SERVICE_TYPE, handlers=[on_state_change]
        )
        try:
            async with asyncio.timeout(timeout_s):
                while (name := await names.get()) is not None:
                    info = AsyncServiceInfo(SERVICE_TYPE, name)
                    if not await info.async_request(
                        async_zeroconf.zeroconf, SERVICE_INFO_TIMEOUT_MS
                    ):
                        continue
                    address = address_from_info(info, office)
                    if address is not None:
                        return address
                return None
        except TimeoutError:
            return None
        finally:
            await browser.async_cancel()
    finally:
        await async_zeroconf.async_close()


async def find_server(
    timeout_s: float = 3.0,
    fallback_url: str | None = None,
    interfaces: Sequence[str] | None = None,
    office: str | None = None,
    use_zeroconf: bool = True,
) -> ServerAddress:
    """Find the server: zeroconf first, then ``fallback_url`` from the config.

    ``office`` keeps only the server of that office when several advertise on one LAN.
    Raises DiscoveryFailed when no server answers and no fallback is configured.
    """
    problem = "zeroconf is turned off"
    if use_zeroconf:
        try:
            if fallback_url:
                address = await _browse_or_fallback(timeout_s, interfaces, office, fallback_url)
            else:
                address = await browse(timeout_s, interfaces, office)
        except OSError as exc:
            # No multicast route or no usable interface: the fallback is for exactly this.
            problem = f"zeroconf failed: {exc}"
            logger.warning("server discovery: %s", problem)
        else:
            if address is not None:
                logger.info("found server %s (%s) over zeroconf", address.url, address.office)
                return address
            problem = f"no server advertised {SERVICE_TYPE} within {timeout_s:g} s"
    if fallback_url:
        logger.info("%s; using configured server %s", problem, fallback_url)
        url = fallback_url.rstrip("/")
        url = url.removesuffix(API_PATH)
        return ServerAddress(url=url, office=None, source="config")
    raise DiscoveryFailed(
        f"{problem}, and no server address is configured (set 'server' in antrian.toml)"
    )
