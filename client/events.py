"""EventStream: the /events WebSocket kept connected, folded into an OfficeState.

After a drop it reconnects with ``?after=SEQ&log=LOG_ID`` (the last seq it folded and the
snapshot's database id): a server that still has the events it missed sends just those,
so a display that lost the network for a moment goes on without a new snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Callable
from typing import Final

import aiohttp

from client.api import api_base_url
from client.connection import ConnectionStatus
from client.errors import ClientError, ProtocolError, ServerUnavailable, api_error
from client.protocol import DayRollover, Event, Snapshot, UnknownEvent, decode_message
from client.state import OfficeState, SequenceGap

logger = logging.getLogger(__name__)

RECONNECT_DELAY_S: Final = 0.5
RECONNECT_MAX_DELAY_S: Final = 10.0
CONNECT_TIMEOUT_S: Final = 3.0
HEARTBEAT_S: Final = 10.0
RESYNC_TIMEOUT_S: Final = 5.0
RESYNC_MESSAGE: Final = json.dumps({"type": "resync"})
MAX_MESSAGE_BYTES: Final = 16 * 1024 * 1024
# Resume after a drop only this soon: the events of a longer outage would all arrive as
# live changes (a display would announce every call it missed); a snapshot sums them up.
RESUME_WITHIN_S: Final = 60.0


StateCallback = Callable[[OfficeState, Event | UnknownEvent | None], None]
ConnectionCallback = Callable[[ConnectionStatus], None]


def reconnect_delay_s(
    attempt: int,
    jitter: float,
    base_s: float = RECONNECT_DELAY_S,
    cap_s: float = RECONNECT_MAX_DELAY_S,
) -> float:
    """Delay before reconnect ``attempt`` (0-based): doubling from base to cap, ±20 %.

    ``jitter`` in [0, 1) spreads clients that lost the server at the same moment.
    """
    delay = min(cap_s, base_s * 2.0 ** min(attempt, 32))
    return min(cap_s, delay * (0.8 + 0.4 * jitter))


class EventStream:
    """Keeps the event stream connected and reports state and connection changes.

    ``run()`` connects, reads the snapshot and the events, and reconnects with
    exponential backoff until ``stop()``. Callbacks run on the event loop:
    ``on_state(state, event)`` with ``event`` None after each snapshot, and
    ``on_connection(status)`` when the status changes. A malformed message or a seq gap
    makes it ask for a new snapshot; nothing a server sends stops it. A reconnection
    within ``resume_within_s`` of the drop resumes after the last seq folded when the
    state is sound (no resync pending); a later one starts from a snapshot.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        on_state: StateCallback | None = None,
        on_connection: ConnectionCallback | None = None,
        session: aiohttp.ClientSession | None = None,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
        heartbeat_s: float = HEARTBEAT_S,
        reconnect_delay_s: float = RECONNECT_DELAY_S,
        reconnect_max_delay_s: float = RECONNECT_MAX_DELAY_S,
        resync_timeout_s: float = RESYNC_TIMEOUT_S,
        resume_within_s: float = RESUME_WITHIN_S,
    ) -> None:
        self.base_url = base_url
        self.token = token
        self.on_state = on_state
        self.on_connection = on_connection
        self._session = session
        self._connect_timeout_s = connect_timeout_s
        self._heartbeat_s = heartbeat_s
        self._reconnect_delay_s = reconnect_delay_s
        self._reconnect_max_delay_s = reconnect_max_delay_s
        self._resync_timeout_s = resync_timeout_s
        self._resume_within_s = resume_within_s
        self._lost_at: float | None = None  # when the last live connection ended
        self._state: OfficeState | None = None
        self._status = ConnectionStatus.SEARCHING
        self._last_error: ClientError | None = None
        self._stop_requested = asyncio.Event()
        self._socket: aiohttp.ClientWebSocketResponse | None = None
        self._resync_deadline: float | None = None
        self._failures = 0
        self._resumable = False  # the state is sound: a reconnection may resume after it

    @property
    def state(self) -> OfficeState | None:
        """The latest state, or None before the first snapshot."""
        return self._state

    @property
    def status(self) -> ConnectionStatus:
        """The current connection status."""
        return self._status

    @property
    def last_error(self) -> ClientError | None:
        """Why the last connection attempt failed (Unauthorized for a rejected token)."""
        return self._last_error

    @property
    def events_url(self) -> str:
        """The WebSocket address, from the server or API base URL."""
        return api_base_url(self.base_url) + "/events"

    def resume_params(self) -> dict[str, str]:
        """``after`` and ``log`` for the next connection, or none when a snapshot is needed."""
        state = self._state
        if state is None or state.log_id is None or not self._resumable:
            return {}
        lost_at = self._lost_at
        if lost_at is not None and time.monotonic() - lost_at > self._resume_within_s:
            return {}
        return {"after": str(state.seq), "log": state.log_id}

    async def stop(self) -> None:
        """Make ``run()`` return soon; safe to call more than once."""
        self._stop_requested.set()
        if self._socket is not None:
            await self._socket.close()

    async def run(self) -> None:
        """Connect and stay connected until ``stop()`` (or cancellation)."""
        session = self._session or aiohttp.ClientSession()
        attempt = 0
        try:
            while not self._stop_requested.is_set():
                live = await self._connect_and_read(session)
                if self._stop_requested.is_set():
                    break
                if live:
                    attempt = 0
                    self._set_status(ConnectionStatus.SEARCHING)
                else:
                    self._set_status(ConnectionStatus.UNAVAILABLE)
                delay = reconnect_delay_s(
                    attempt,
                    random.random(),
                    self._reconnect_delay_s,
                    self._reconnect_max_delay_s,
                )
                attempt += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop_requested.wait(), delay)
        finally:
            if self._session is None:
                await session.close()

    # -- one connection ------------------------------------------------------------------

    async def _connect_and_read(self, session: aiohttp.ClientSession) -> bool:
        """One connection from handshake to close; True if it was live (resumed or a snapshot)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        params = self.resume_params()
        try:
            async with asyncio.timeout(self._connect_timeout_s):
                socket = await session.ws_connect(
                    self.events_url,
                    params=params,
                    headers=headers,
                    heartbeat=self._heartbeat_s,
                    max_msg_size=MAX_MESSAGE_BYTES,
                )
        except aiohttp.WSServerHandshakeError as exc:
            self._record_failure(
                api_error(exc.status, _handshake_code(exc.status), exc.message or "")
            )
            return False
        except TimeoutError:
            self._record_failure(ServerUnavailable("the server did not answer in time"))
            return False
        except (aiohttp.ClientError, OSError) as exc:
            self._record_failure(ServerUnavailable(str(exc) or type(exc).__name__))
            return False

        self._socket = socket
        self._resync_deadline = None
        live = False
        try:
            if self._stop_requested.is_set():
                return False
            if params:
                # the server sends what we missed (maybe nothing) or a snapshot: either
                # way the state we have is the one to show until then
                logger.info("resuming the event stream after seq %s", params["after"])
                live = True
                self._connected()
            while True:
                message = await self._receive(socket)
                if message is None:
                    logger.warning("no snapshot after a resync request; reconnecting")
                    break
                if message.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSING,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.ERROR,
                ):
                    break
                if message.type is not aiohttp.WSMsgType.TEXT:
                    await self._request_resync(socket, f"unexpected {message.type.name} message")
                    continue
                try:
                    if await self._handle_text(socket, message.data):
                        live = True
                except Exception:
                    # Loop boundary: a bug in handling one message must not end the stream.
                    logger.exception("error while handling an event; asking for a snapshot")
                    await self._request_resync(socket, "handler error")
        except (aiohttp.ClientError, ConnectionError) as exc:
            logger.info("event stream dropped: %s", exc)
        finally:
            self._socket = None
            await socket.close()
        if live:
            logger.warning("lost the connection to the server; reconnecting")
            self._failures = 0
            self._lost_at = time.monotonic()
        return live

    async def _receive(self, socket: aiohttp.ClientWebSocketResponse) -> aiohttp.WSMessage | None:
        """The next message, or None when an asked-for snapshot is overdue."""
        if self._resync_deadline is None:
            return await socket.receive()
        remaining = self._resync_deadline - time.monotonic()
        if remaining <= 0:
            return None
        try:
            return await socket.receive(timeout=remaining)
        except TimeoutError:
            return None

    async def _handle_text(self, socket: aiohttp.ClientWebSocketResponse, text: str) -> bool:
        """Fold one message into the state; True if it was a snapshot."""
        try:
            message = decode_message(text)
        except ProtocolError as exc:
            await self._request_resync(socket, f"malformed message: {exc}")
            return False
        if isinstance(message, Snapshot):
            self._resync_deadline = None
            self._state = OfficeState.from_snapshot(message)
            self._resumable = True
            self._connected()
            self._notify_state(self._state, None)
            return True
        if self._state is None or self._resync_deadline is not None:
            return False  # a snapshot is on its way; it covers this event
        try:
            state = self._state.apply(message)
        except SequenceGap as gap:
            await self._request_resync(socket, str(gap))
            return False
        if state is self._state:
            return False
        self._state = state
        self._notify_state(state, message)
        if isinstance(message, DayRollover) and not message.services:
            await self._request_resync(socket, "day rollover from a server that sent no services")
        return False

    def _connected(self) -> None:
        if self._failures:
            logger.info("connected to the server again after %d failures", self._failures)
        self._failures = 0
        self._last_error = None
        self._set_status(ConnectionStatus.CONNECTED)

    async def _request_resync(self, socket: aiohttp.ClientWebSocketResponse, why: str) -> None:
        self._resumable = False  # until the snapshot comes, the state is not to resume from
        if self._resync_deadline is not None:
            return
        logger.info("asking the server for a new snapshot: %s", why)
        self._resync_deadline = time.monotonic() + self._resync_timeout_s
        await socket.send_str(RESYNC_MESSAGE)

    # -- reporting -----------------------------------------------------------------------

    def _record_failure(self, error: ClientError) -> None:
        self._last_error = error
        self._failures += 1
        if self._failures == 1:
            logger.warning(
                "cannot connect to the event stream at %s: %s; retrying quietly",
                self.events_url,
                error,
            )
        else:
            logger.debug("event stream attempt %d failed: %s", self._failures, error)

    def _set_status(self, status: ConnectionStatus) -> None:
        if status is self._status:
            return
        self._status = status
        if self.on_connection is not None:
            try:
                self.on_connection(status)
            except Exception:
                logger.exception("on_connection callback failed")

    def _notify_state(self, state: OfficeState, event: Event | UnknownEvent | None) -> None:
        if self.on_state is not None:
            try:
                self.on_state(state, event)
            except Exception:
                logger.exception("on_state callback failed")


def _handshake_code(status: int) -> str:
    return {401: "unauthorized", 403: "forbidden", 404: "not_found"}.get(status, "http_error")
