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
PROBE_INTERVAL_S = 0.25  # while searching, the configured addresses are asked this often


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
    timeout_s: float,
    interfaces: Sequence[str] | None,
    office: str | None,
    fallback_urls: Sequence[str],
    use_zeroconf: bool = True,
) -> ServerAddress | None:
    """Browse, but stop early when a configured server answers as the active one first.

    Without this a program with a fixed address would wait the whole discovery timeout
    on a network that blocks multicast, every time it starts or reconnects. The addresses
    are asked again every `PROBE_INTERVAL_S` meanwhile, so a standby that takes over
    during the search is found within that.
    """
    tasks: set[asyncio.Task[ServerAddress | None]] = set()
    probe = asyncio.create_task(_probe_until(fallback_urls, office, timeout_s))
    tasks.add(probe)
    search = asyncio.create_task(browse(timeout_s, interfaces, office)) if use_zeroconf else None
    if search is not None:
        tasks.add(search)
    found: ServerAddress | None = None
    try:
        while tasks and found is None:
            done, tasks = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                found = found or task.result()
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return found


async def _probe_until(
    urls: Sequence[str], office: str | None, timeout_s: float
) -> ServerAddress | None:
    """Ask the addresses again and again until one answers as the active server."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        url = await first_active(urls, office)
        if url is not None:
            return ServerAddress(url=url, office=None, source="config")
        if asyncio.get_running_loop().time() + PROBE_INTERVAL_S >= deadline:
            return None
        await asyncio.sleep(PROBE_INTERVAL_S)


async def first_active(urls: Sequence[str], office: str | None) -> str | None:
    """The first of `urls` (all asked at once) that answers /health as the active server.

    A standby's answer names the active server (`active.url`): that address is asked too,
    so a client given only one of two servers' addresses still finds the other one.
    """
    asked: set[str] = set()
    pending: set[asyncio.Task[tuple[str, str, str | None]]] = set()

    def ask(url: str) -> None:
        root = server_root(url)
        if root not in asked:
            asked.add(root)
            pending.add(asyncio.create_task(_health(root, office)))

    for url in urls:
        ask(url)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                url, status, active_url = task.result()
                if status == "ok":
                    return url
                if status == "standby" and active_url:
                    ask(active_url)
        return None
    finally:
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def server_root(url: str) -> str:
    """``http://host:port`` of a server or API address."""
    return url.rstrip("/").removesuffix(API_PATH)


async def _health(url: str, office: str | None) -> tuple[str, str, str | None]:
    """(url, "ok" | "standby" | "no", the active server's url a standby names)."""
    timeout = aiohttp.ClientTimeout(total=FALLBACK_PROBE_TIMEOUT_S)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{url}{API_PATH}/health") as answer,
        ):
            if answer.status != 200:
                return url, "no", None
            health = await answer.json()
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return url, "no", None
    if not isinstance(health, dict):
        return url, "no", None
    if office is not None and health.get("office") != office:
        return url, "no", None
    if health.get("status") == "standby":
        active = health.get("active")
        active_url = active.get("url") if isinstance(active, dict) else None
        return url, "standby", active_url if isinstance(active_url, str) else None
    return url, "ok" if health.get("status") == "ok" else "no", None


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
    fallback_url: str | Sequence[str] | None = None,
    interfaces: Sequence[str] | None = None,
    office: str | None = None,
    use_zeroconf: bool = True,
    hint: str | None = None,
) -> ServerAddress:
    """Find the active server: zeroconf and the configured addresses, then the first address.

    ``fallback_url`` is one address or a list (an HA hall's servers); ``hint`` an address to
    ask first (a standby's ``active_url``). ``office`` keeps only the server of that office
    when several advertise on one LAN. Raises DiscoveryFailed when no server answers and no
    address is configured.
    """
    urls = addresses(fallback_url)
    candidates = ([hint] if hint else []) + urls
    problem = "zeroconf is turned off"
    if not use_zeroconf and len(candidates) > 1:
        # several servers and no zeroconf: the one that says it is active
        found = await _browse_or_fallback(timeout_s, interfaces, office, candidates, False)
        if found is not None:
            return found
        problem = "no configured server answered as the active one"
    elif use_zeroconf:
        try:
            if candidates:
                address = await _browse_or_fallback(timeout_s, interfaces, office, candidates)
            else:
                address = await browse(timeout_s, interfaces, office)
        except OSError as exc:
            # No multicast route or no usable interface: the fallback is for exactly this.
            problem = f"zeroconf failed: {exc}"
            logger.warning("server discovery: %s", problem)
        else:
            if address is not None:
                how = "over zeroconf" if address.source == "zeroconf" else "at its address"
                logger.info("found server %s (%s) %s", address.url, address.office, how)
                return address
            problem = f"no server advertised {SERVICE_TYPE} within {timeout_s:g} s"
    if urls:
        logger.info("%s; using configured server %s", problem, urls[0])
        return ServerAddress(url=server_root(urls[0]), office=None, source="config")
    raise DiscoveryFailed(
        f"{problem}, and no server address is configured (set 'server' in antrian.toml)"
    )


def addresses(configured: str | Sequence[str] | None) -> list[str]:
    """The configured server addresses as a list (one, several or none)."""
    if configured is None:
        return []
    if isinstance(configured, str):
        return [configured]
    return list(configured)
