"""Tests of EventStream: against the real server, and a scripted server for faults."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

from client.api import ApiClient
from client.errors import Unauthorized
from client.events import (
    RECONNECT_MAX_DELAY_S,
    ConnectionStatus,
    EventStream,
    reconnect_delay_s,
)
from client.state import OfficeState
from client.wire import Event, EventType, UnknownEvent
from server.storage.schema import DATABASE_FILE
from tests.client.samples import event_json, service_json, snapshot_json, ticket_json
from tests.support.live_server import LiveServer
from tests.support.relay import Relay

WAIT_S = 5.0
FAST_RECONNECT = {"reconnect_delay_s": 0.05, "reconnect_max_delay_s": 0.1}
Update = tuple[OfficeState, Event | UnknownEvent | None]


class Recorder:
    """Collects what an EventStream reports, and waits for a wanted report."""

    def __init__(self) -> None:
        self.updates: list[Update] = []
        self.statuses: list[ConnectionStatus] = []
        self._changed = asyncio.Event()

    def on_state(self, state: OfficeState, event: Event | UnknownEvent | None) -> None:
        self.updates.append((state, event))
        self._changed.set()

    def on_connection(self, status: ConnectionStatus) -> None:
        self.statuses.append(status)
        self._changed.set()

    async def wait_until(self, condition: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
        async with asyncio.timeout(timeout_s):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    @property
    def state(self) -> OfficeState:
        return self.updates[-1][0]

    @property
    def seq(self) -> int:
        return self.updates[-1][0].seq if self.updates else -1

    def events(self) -> list[Event]:
        return [event for _, event in self.updates if isinstance(event, Event)]

    def snapshots(self) -> int:
        return sum(1 for _, event in self.updates if event is None)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@asynccontextmanager
async def running(stream: EventStream) -> AsyncIterator[EventStream]:
    task = asyncio.create_task(stream.run())
    try:
        yield stream
    finally:
        await stream.stop()
        await asyncio.wait_for(task, WAIT_S)


def stream_for(url: str, token: str | None, recorder: Recorder, **options: Any) -> EventStream:
    return EventStream(
        url,
        token,
        on_state=recorder.on_state,
        on_connection=recorder.on_connection,
        **options,
    )


def display_stream(
    server: LiveServer, recorder: Recorder, url: str | None = None, **options: Any
) -> EventStream:
    """The display's stream from `server`, or through `url` (a relay) if given."""
    return stream_for(url or server.url, server.tokens["display"], recorder, **options)


def test_reconnect_delay_doubles_up_to_the_cap_with_jitter() -> None:
    assert reconnect_delay_s(0, 0.5) == pytest.approx(0.5)
    assert 0.4 <= reconnect_delay_s(0, 0.0) < reconnect_delay_s(0, 0.999) <= 0.6
    assert reconnect_delay_s(1, 0.5) == pytest.approx(1.0)
    assert reconnect_delay_s(20, 0.999) == RECONNECT_MAX_DELAY_S
    assert reconnect_delay_s(1000, 0.0) == pytest.approx(RECONNECT_MAX_DELAY_S * 0.8)


# -- against the real server ----------------------------------------------------------------


async def test_events_arrive_in_order_and_match_the_server_snapshot(
    live_server: LiveServer, recorder: Recorder
) -> None:
    stream = display_stream(live_server, recorder)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.snapshots() == 1)
        assert recorder.statuses == [ConnectionStatus.CONNECTED]
        async with (
            ApiClient(live_server.url, live_server.tokens["kiosk"]) as kiosk,
            ApiClient(live_server.url, live_server.tokens["counter2"]) as counter,
        ):
            await kiosk.issue_ticket("A")
            await kiosk.issue_ticket("B", priority=True)
            await counter.call_next(2)
            await kiosk.issue_ticket("A")
            await recorder.wait_until(lambda: len(recorder.events()) >= 4)
            server_state = OfficeState.from_snapshot(await kiosk.snapshot())

        assert [event.type for event in recorder.events()] == [
            EventType.TICKET_ISSUED,
            EventType.TICKET_ISSUED,
            EventType.TICKET_CALLED,
            EventType.TICKET_ISSUED,
        ]
        seqs = [event.seq for event in recorder.events()]
        assert seqs == list(range(seqs[0], seqs[0] + 4))
        state = recorder.state
        assert state.last_call is not None and state.last_call.number == "B001"
        assert [ticket.number for ticket in state.waiting] == ["A001", "A002"]
        assert state.seq == server_state.seq
        assert [t.number for t in state.waiting] == [t.number for t in server_state.waiting]
        assert [t.number for t in state.recent_calls] == [
            t.number for t in server_state.recent_calls
        ]
        assert state.services == server_state.services
        assert state.counters == server_state.counters


def seqs(recorder: Recorder) -> list[int]:
    return [event.seq for event in recorder.events()]


async def assert_matches_the_server(recorder: Recorder, server: LiveServer) -> None:
    async with ApiClient(server.url, server.tokens["admin"]) as api:
        fresh = OfficeState.from_snapshot(await api.snapshot())
    await recorder.wait_until(lambda: recorder.seq == fresh.seq)
    assert recorder.state.waiting == fresh.waiting
    assert recorder.state.services == fresh.services
    assert recorder.state.counters == fresh.counters


async def test_stream_resumes_after_the_server_is_killed_without_a_snapshot(
    live_server: LiveServer, recorder: Recorder
) -> None:
    stream = display_stream(live_server, recorder, reconnect_delay_s=0.1, reconnect_max_delay_s=0.3)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.snapshots() == 1)
        async with ApiClient(live_server.url, live_server.tokens["kiosk"]) as kiosk:
            await kiosk.issue_ticket("C")
            await recorder.wait_until(lambda: len(recorder.events()) == 1)

            await asyncio.to_thread(live_server.kill)
            await recorder.wait_until(lambda: ConnectionStatus.UNAVAILABLE in recorder.statuses)
            assert recorder.statuses[:2] == [
                ConnectionStatus.CONNECTED,
                ConnectionStatus.SEARCHING,
            ]
            assert stream.state is not None  # the last known state is kept meanwhile

            await asyncio.to_thread(live_server.start)
            await recorder.wait_until(lambda: stream.status is ConnectionStatus.CONNECTED)
            await kiosk.issue_ticket("C")
            await recorder.wait_until(lambda: len(recorder.events()) == 2)
        assert recorder.snapshots() == 1  # resumed after its last seq: no snapshot needed
        assert [t.number for t in recorder.state.waiting] == ["C001", "C002"]
        first, second = seqs(recorder)
        assert recorder.events()[1].prev == first < second
        await assert_matches_the_server(recorder, live_server)


async def test_stream_gets_what_it_missed_while_the_network_was_cut(
    live_server: LiveServer, recorder: Recorder
) -> None:
    relay = Relay(live_server.port)
    stream = display_stream(live_server, recorder, relay.url, **FAST_RECONNECT)
    try:
        async with (
            running(stream),
            ApiClient(live_server.url, live_server.tokens["kiosk"]) as kiosk,
        ):
            await recorder.wait_until(lambda: recorder.snapshots() == 1)
            await kiosk.issue_ticket("A")
            await recorder.wait_until(lambda: len(recorder.events()) == 1)
            relay.lose_answers = True  # the display's cable is pulled
            for code in ("A", "B", "A"):
                await kiosk.issue_ticket(code)
            await recorder.wait_until(lambda: ConnectionStatus.UNAVAILABLE in recorder.statuses)
            assert len(recorder.events()) == 1
            relay.lose_answers = False
            await recorder.wait_until(lambda: len(recorder.events()) == 4)
            await assert_matches_the_server(recorder, live_server)
    finally:
        relay.close()
    assert recorder.snapshots() == 1  # the server replayed the three it missed
    numbers = [event.ticket.number for event in recorder.events() if event.ticket is not None]
    assert numbers == ["A001", "A002", "B001", "A003"]
    assert seqs(recorder) == sorted(set(seqs(recorder)))  # none twice, in order
    assert [event.prev for event in recorder.events()[1:]] == seqs(recorder)[:-1]


async def test_after_a_long_outage_the_stream_starts_from_a_snapshot(
    live_server: LiveServer, recorder: Recorder
) -> None:
    # resuming would hand over every call of the outage as a live one (a display would
    # say them all): past resume_within_s a snapshot sums the outage up instead
    stream = display_stream(live_server, recorder, **FAST_RECONNECT, resume_within_s=0.0)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.snapshots() == 1)
        await asyncio.to_thread(live_server.restart)
        await recorder.wait_until(lambda: recorder.snapshots() == 2)
    assert recorder.events() == []


async def test_a_server_on_another_database_sends_a_snapshot(
    live_server: LiveServer, recorder: Recorder
) -> None:
    stream = display_stream(live_server, recorder, **FAST_RECONNECT)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.snapshots() == 1)
        async with ApiClient(live_server.url, live_server.tokens["kiosk"]) as kiosk:
            await kiosk.issue_ticket("A")
        await recorder.wait_until(lambda: len(recorder.events()) == 1)
        old_log = recorder.state.log_id
        await asyncio.to_thread(live_server.kill)
        # the office's PC now runs on another database (a restore, a re-install): the
        # event ids may be the same numbers, but they are another log's
        await asyncio.to_thread(give_the_database_a_new_log_id, live_server.data_dir)
        await asyncio.to_thread(live_server.start)
        await recorder.wait_until(lambda: recorder.snapshots() == 2)
    assert recorder.state.log_id not in (None, old_log)
    await assert_matches_the_server(recorder, live_server)


def give_the_database_a_new_log_id(data_dir: Path) -> None:
    connection = sqlite3.connect(data_dir / DATABASE_FILE)
    try:
        with connection:
            connection.execute("UPDATE meta SET value = ? WHERE key = 'log_id'", (str(uuid4()),))
    finally:
        connection.close()


async def test_rejected_token_is_reported_and_retried(
    live_server: LiveServer, recorder: Recorder
) -> None:
    stream = stream_for(live_server.url, "wrong-token", recorder, **FAST_RECONNECT)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.statuses == [ConnectionStatus.UNAVAILABLE])
        assert isinstance(stream.last_error, Unauthorized)
        assert stream.state is None


# -- against a scripted server, for what the real one does not do on purpose ----------------


class ScriptedServer:
    """A WebSocket endpoint that plays a list of messages per connection."""

    def __init__(self, scripts: list[list[Any]]) -> None:
        self.scripts = scripts
        self.received: list[str] = []
        self.connections = 0
        self.authorization: list[str | None] = []

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.authorization.append(request.headers.get("Authorization"))
        script = self.scripts[min(self.connections, len(self.scripts) - 1)]
        self.connections += 1
        for step in script:
            if step == "expect resync":
                message = await socket.receive()
                assert message.type is WSMsgType.TEXT
                self.received.append(message.data)
            elif isinstance(step, bytes):
                await socket.send_bytes(step)
            elif isinstance(step, str):
                await socket.send_str(step)
            else:
                await socket.send_str(json.dumps(step))
        async for message in socket:  # stay open; record anything else the client says
            self.received.append(message.data)
        return socket


@pytest.fixture
async def scripted() -> AsyncIterator[Callable[[list[list[Any]]], Any]]:
    servers: list[TestServer] = []

    async def start(scripts: list[list[Any]]) -> tuple[ScriptedServer, str]:
        script = ScriptedServer(scripts)
        app = web.Application()
        app.router.add_get("/api/v1/events", script.handle)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        return script, str(server.make_url("/"))

    yield start
    for server in servers:
        await server.close()


def issued(seq: int, ticket_id: int, number: str, people_ahead: int = 0) -> dict[str, Any]:
    ticket = ticket_json(ticket_id, number, people_ahead=people_ahead)
    return event_json("ticket.issued", seq, ticket=ticket, services=[service_json()])


async def test_gap_and_garbage_make_the_client_ask_for_a_snapshot(
    scripted: Any, recorder: Recorder
) -> None:
    server, url = await scripted(
        [
            [
                snapshot_json(10),
                issued(11, 1, "A001"),
                issued(13, 3, "A003"),  # 12 is missing
                "expect resync",
                snapshot_json(13, waiting=[ticket_json(1, "A001"), ticket_json(3, "A003")]),
                "{not json",
                "expect resync",
                snapshot_json(13, waiting=[ticket_json(1, "A001"), ticket_json(3, "A003")]),
                b"\x00binary",
                "expect resync",
                snapshot_json(13, waiting=[ticket_json(1, "A001"), ticket_json(3, "A003")]),
                {"type": "survey.answered", "seq": 14},
                issued(15, 4, "A004", people_ahead=2),
            ]
        ]
    )
    stream = stream_for(url, "display-token", recorder)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.seq == 15)
    assert server.received == ['{"type": "resync"}'] * 3
    assert server.authorization == ["Bearer display-token"]
    assert recorder.snapshots() == 4
    assert [t.number for t in recorder.state.waiting] == ["A001", "A003", "A004"]
    assert server.connections == 1


async def test_broken_callback_does_not_stop_the_stream(
    scripted: Any, caplog: pytest.LogCaptureFixture
) -> None:
    _server, url = await scripted([[snapshot_json(1), issued(2, 1, "A001")]])
    seen: list[int] = []
    done = asyncio.Event()

    def on_state(state: OfficeState, event: Event | UnknownEvent | None) -> None:
        seen.append(state.seq)
        if state.seq == 2:
            done.set()
        if event is None:
            raise RuntimeError("a bug in the display")

    stream = EventStream(url, "token", on_state=on_state)
    with caplog.at_level(logging.ERROR, logger="client.events"):
        async with running(stream):
            await asyncio.wait_for(done.wait(), WAIT_S)
    assert seen == [1, 2]
    assert "on_state callback failed" in caplog.text


async def test_overdue_snapshot_after_resync_makes_the_client_reconnect(
    scripted: Any, recorder: Recorder
) -> None:
    server, url = await scripted([[snapshot_json(1), issued(3, 1, "A001")], [snapshot_json(3)]])
    stream = stream_for(url, "token", recorder, resync_timeout_s=0.2, reconnect_delay_s=0.05)
    async with running(stream):
        await recorder.wait_until(lambda: recorder.snapshots() == 2)
    assert server.connections == 2
    assert recorder.state.seq == 3
