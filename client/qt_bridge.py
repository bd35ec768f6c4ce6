"""ServerLink: the Qt face of the client; asyncio runs in a thread, results come as signals.

The network code (asyncio, aiohttp, zeroconf, the API client and the event stream) is
imported when the link starts, mostly by the link's own thread, not with this module: a
program draws its first frame without waiting for it (hence the imports in functions).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar

from PySide6.QtCore import QObject, Signal

from client.async_worker import AsyncWorker
from client.connection import ConnectionStatus
from client.errors import (
    ClientError,
    DiscoveryFailed,
    Forbidden,
    ServerUnavailable,
    Unauthorized,
)

if TYPE_CHECKING:
    import asyncio

    import aiohttp

    from client.api import ApiClient
    from client.config import ClientConfig
    from client.discovery import ServerAddress
    from client.events import EventStream
    from client.state import OfficeState
    from client.wire import Event, UnknownEvent

logger = logging.getLogger(__name__)

DISCOVERY_RETRY_S: Final = 5.0
REDISCOVER_AFTER_S: Final = 30.0  # a server that refuses the token is looked for again
RELOOK_PAUSE_S: Final = 0.25

ResultT = TypeVar("ResultT")
ApiOperation = Callable[["ApiClient"], Awaitable[ResultT]]
"""One API call, typed: ``lambda api: api.call_next(3)``."""


class RequestHandle(QObject):
    """One API call in flight; exactly one of its signals is emitted, on the Qt thread."""

    finished = Signal(object)  # the parsed result: Ticket, Counter, Service, ...
    failed = Signal(object)  # a ClientError (ServerUnavailable, QueueEmpty, ...)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name  # for logs: "call_next", or the operation's name
        self.done = False

    def _deliver(self, result: object, error: ClientError | None) -> None:
        self.done = True
        if error is None:
            self.finished.emit(result)
        else:
            self.failed.emit(error)


class ServerLink(AsyncWorker):
    """One program's link to the server: discovery, API calls and the event stream.

    Create it on the Qt thread, connect its signals, then ``start()``. Every signal is
    emitted on the Qt thread; nothing here blocks the UI. ``stop()`` ends the worker
    thread (call it before the application quits).
    """

    worker_name = "server link"
    thread_name = "antrian-server-link"

    connection_changed = Signal(object)  # a ConnectionStatus
    state_changed = Signal(object, object)  # OfficeState, Event | UnknownEvent | None
    server_found = Signal(str)  # the server's root URL, e.g. "http://192.168.1.10:8470"

    def __init__(
        self,
        token: str | None,
        fallback_url: str | Sequence[str] | None = None,
        *,
        discovery: bool = True,
        discovery_timeout_s: float = 3.0,
        interfaces: Sequence[str] | None = None,
        office: str | None = None,
        stream_options: dict[str, Any] | None = None,
        rediscover_after_s: float = REDISCOVER_AFTER_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._token = token
        # one address, or an HA hall's several: the active one is looked for among them
        self._fallback_urls: tuple[str, ...] = (
            (fallback_url,) if isinstance(fallback_url, str) else tuple(fallback_url or ())
        )
        self._discovery = discovery
        self._discovery_timeout_s = discovery_timeout_s
        self._interfaces = interfaces
        self._office = office
        self._stream_options = dict(stream_options or {})
        self._rediscover_after_s = rediscover_after_s
        self._status = ConnectionStatus.SEARCHING
        self._last_error: ClientError | None = None
        self._state: OfficeState | None = None
        self._server: ServerAddress | None = None
        self._api: ApiClient | None = None
        self._pending: set[RequestHandle] = set()

    @classmethod
    def from_config(cls, config: ClientConfig, parent: QObject | None = None) -> ServerLink:
        """A link set up from the program's section of antrian.toml."""
        return cls(
            config.token,
            config.servers or config.server,
            discovery=config.discovery,
            discovery_timeout_s=config.discovery_timeout_s,
            office=config.office,
            parent=parent,
        )

    # -- what the UI reads ----------------------------------------------------------------

    @property
    def status(self) -> ConnectionStatus:
        """The last connection status emitted."""
        return self._status

    @property
    def last_error(self) -> ClientError | None:
        """Why the link is "unavailable"; None once connected.

        ``Unauthorized`` (or ``Forbidden``) when the server rejected the token, which
        waiting will not fix; ``ServerUnavailable`` or ``DiscoveryFailed`` when the
        server cannot be reached. Up to date whenever ``connection_changed`` is emitted.
        """
        return self._last_error

    @property
    def token_rejected(self) -> bool:
        """True while the server refuses this device's token (waiting will not help)."""
        return isinstance(self._last_error, Unauthorized | Forbidden)

    @property
    def state(self) -> OfficeState | None:
        """The last state emitted, or None before the first snapshot."""
        return self._state

    @property
    def server_url(self) -> str | None:
        """The server's root URL once found."""
        return self._server.url if self._server is not None else None

    # -- life cycle -----------------------------------------------------------------------

    # start() runs discovery, then the event stream, in the worker thread (AsyncWorker)

    def _after_stop(self) -> None:
        self._pending.clear()  # requests still in flight are dropped with the link

    # -- requests -------------------------------------------------------------------------

    def submit(
        self,
        operation: Callable[[ApiClient], Awaitable[ResultT]],
        *,
        on_finished: Callable[[ResultT], None] | None = None,
        on_failed: Callable[[ClientError], None] | None = None,
        name: str | None = None,
    ) -> RequestHandle:
        """Run ``operation(api)`` off the UI thread: ``link.submit(lambda api: api.done(3))``.

        The callbacks (or the handle's ``finished``/``failed``, connected right away) are
        called later, from the Qt event loop, never during this call. ``name`` is for logs.
        """
        handle = RequestHandle(name or str(getattr(operation, "__name__", "request")))
        if on_finished is not None:
            handle.finished.connect(on_finished)
        if on_failed is not None:
            handle.failed.connect(on_failed)
        self._pending.add(handle)
        loop = self._loop
        if loop is None or self._stopped:
            self._deliver_later(handle, None, ServerUnavailable("the server link is not running"))
            return handle
        import asyncio  # loaded by start() already

        try:
            asyncio.run_coroutine_threadsafe(self._perform(handle, operation), loop)
        except RuntimeError:
            self._deliver_later(handle, None, ServerUnavailable("the server link has stopped"))
        return handle

    # -- Qt thread side -------------------------------------------------------------------

    def _deliver_later(
        self, handle: RequestHandle, result: object, error: ClientError | None
    ) -> None:
        def deliver() -> None:
            if handle not in self._pending:
                return  # stopped meanwhile
            self._pending.discard(handle)
            handle._deliver(result, error)

        self._post(deliver)

    def _publish_status(self, status: ConnectionStatus, error: ClientError | None = None) -> None:
        def emit() -> None:
            if self._stopped:
                return
            if status is ConnectionStatus.CONNECTED:
                self._last_error = None
            elif status is ConnectionStatus.UNAVAILABLE and error is not None:
                self._last_error = error
            if status is self._status:
                return
            self._status = status
            self.connection_changed.emit(status)

        self._post(emit)

    def _publish_state(self, state: OfficeState, event: Event | UnknownEvent | None) -> None:
        def emit() -> None:
            if self._stopped:
                return
            self._state = state
            self.state_changed.emit(state, event)

        self._post(emit)

    def _publish_server(self, address: ServerAddress) -> None:
        def emit() -> None:
            if self._stopped:
                return
            self._server = address
            self.server_found.emit(address.url)

        self._post(emit)

    # -- worker thread side ---------------------------------------------------------------

    async def _main(self) -> None:
        import asyncio

        import aiohttp  # here, in the link's thread: see the module docstring

        from client.api import ApiClient

        loop = asyncio.get_running_loop()
        session = aiohttp.ClientSession()
        try:
            while True:
                address = await self._find_server()
                self._publish_server(address)
                self._api = ApiClient(address.url, self._token, session)
                started = loop.time()
                if not await self._follow(address, session):
                    return
                logger.warning("server %s cannot be reached; looking again", address.url)
                self._publish_status(ConnectionStatus.SEARCHING)
                # an address that failed at once (a stale zeroconf record): not in a tight loop
                await asyncio.sleep(max(0.0, started + RELOOK_PAUSE_S - loop.time()))
        finally:
            self._api = None
            await session.close()

    async def _follow(self, address: ServerAddress, session: aiohttp.ClientSession) -> bool:
        """Run the event stream of one server; True when it should be searched for again."""
        import asyncio

        from client.events import EventStream

        reachable = asyncio.Event()
        unreachable = asyncio.Event()

        def on_connection(status: ConnectionStatus) -> None:
            if status is ConnectionStatus.UNAVAILABLE:
                reachable.clear()
                unreachable.set()
            elif status is ConnectionStatus.CONNECTED:
                unreachable.clear()
                reachable.set()
            self._publish_status(status, stream.last_error)

        stream = EventStream(
            address.url,
            self._token,
            session=session,
            on_state=self._publish_state,
            on_connection=on_connection,
            **self._stream_options,
        )
        if address.source != "zeroconf" and not self._has_alternatives():
            await stream.run()  # the configured address is all there is: never give it up
            return False
        stream_task = asyncio.create_task(stream.run())
        try:
            await self._until_lost(reachable, unreachable, stream_task, stream)
        finally:
            await stream.stop()
            await stream_task
        return True

    def _has_alternatives(self) -> bool:
        """Whether another server could be found: zeroconf, or more than one address."""
        return self._discovery or len(self._fallback_urls) > 1

    async def _until_lost(
        self,
        reachable: asyncio.Event,
        unreachable: asyncio.Event,
        stream_task: asyncio.Task[None],
        stream: EventStream,
    ) -> None:
        """Return once the server cannot be reached, so that it is looked for again.

        At once when it refused the connection or answered 503 (a standby, or a server that
        lost the database's lease): another server may be active now (an HA hall), or the
        address changed (a new DHCP lease). A rejected token waits `rediscover_after_s`.
        """
        import asyncio

        while True:
            lost = asyncio.create_task(unreachable.wait())
            await asyncio.wait({lost, stream_task}, return_when=asyncio.FIRST_COMPLETED)
            lost.cancel()
            if stream_task.done():
                return
            if not isinstance(stream.last_error, Unauthorized | Forbidden):
                return
            try:
                await asyncio.wait_for(reachable.wait(), self._rediscover_after_s)
            except TimeoutError:
                return

    async def _find_server(self) -> ServerAddress:
        import asyncio

        from client.discovery import find_server

        reported = False
        while True:
            try:
                return await find_server(
                    self._discovery_timeout_s,
                    self._fallback_urls,
                    self._interfaces,
                    self._office,
                    use_zeroconf=self._discovery,
                )
            except DiscoveryFailed as exc:
                if not reported:
                    logger.warning("%s; searching again every %g s", exc, DISCOVERY_RETRY_S)
                    reported = True
                self._publish_status(ConnectionStatus.UNAVAILABLE, exc)
                await asyncio.sleep(DISCOVERY_RETRY_S)
                self._publish_status(ConnectionStatus.SEARCHING)

    async def _perform(
        self, handle: RequestHandle, operation: Callable[[ApiClient], Awaitable[object]]
    ) -> None:
        api = self._api
        if api is None:
            self._deliver_later(handle, None, ServerUnavailable("no server found yet"))
            return
        try:
            result = await operation(api)
        except ClientError as exc:
            self._deliver_later(handle, None, exc)
        except Exception as exc:
            # Loop boundary: a bug (wrong arguments from the UI, say) is logged loudly.
            logger.exception("API call %s failed unexpectedly", handle.name)
            self._deliver_later(handle, None, ClientError(f"{handle.name}: {exc}"))
        else:
            self._deliver_later(handle, result, None)
