"""Tests of ApiClient against the real server, and against broken servers."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from client.api import ApiClient, api_base_url
from client.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    ProtocolError,
    QueueEmpty,
    ServerUnavailable,
    ServiceClosed,
    Unauthorized,
)
from client.wire import ClosedReason, CounterState, TicketStatus
from tests.support.live_server import LiveServer


def test_api_base_url_accepts_the_server_or_the_api_address() -> None:
    assert api_base_url("http://10.0.0.1:8470") == "http://10.0.0.1:8470/api/v1"
    assert api_base_url("http://10.0.0.1:8470/") == "http://10.0.0.1:8470/api/v1"
    assert api_base_url("http://10.0.0.1:8470/api/v1/") == "http://10.0.0.1:8470/api/v1"


@pytest.fixture
async def kiosk(live_server: LiveServer) -> AsyncIterator[ApiClient]:
    async with ApiClient(live_server.url, live_server.tokens["kiosk"]) as client:
        yield client


def client_for(live_server: LiveServer, role: str) -> ApiClient:
    return ApiClient(live_server.api, live_server.tokens[role])


async def test_health_and_public_lists(kiosk: ApiClient) -> None:
    health = await kiosk.health()
    assert health.status == "ok"
    assert [service.code for service in await kiosk.services()] == ["A", "B", "C"]
    counters = await kiosk.counters()
    assert [(counter.number, counter.services) for counter in counters] == [
        (1, ("A",)),
        (2, ("A", "B")),
        (3, ("B", "C")),
    ]
    snapshot = await kiosk.snapshot()
    assert snapshot.today == health.today


async def test_ticket_issued_called_and_checked_by_phone(
    live_server: LiveServer, kiosk: ApiClient
) -> None:
    first = await kiosk.issue_ticket("A")
    second = await kiosk.issue_ticket("A", priority=True)
    assert first.number == "A001" and first.status is TicketStatus.WAITING
    assert first.check_url is not None
    key = parse_qs(urlsplit(first.check_url).query)["key"][0]

    async with client_for(live_server, "counter1") as counter:
        called = await counter.call_next(1)
        assert called.number == second.number  # priority first
        assert called.status is TicketStatus.CALLED and called.counter == 1
        assert (await counter.recall(1)).recalls == 1
        assert (await counter.done(1)).status is TicketStatus.DONE
        assert (await counter.call_next(1)).number == "A001"
        with pytest.raises(QueueEmpty) as empty:
            await counter.call_next(1)
        assert empty.value.status == 404 and empty.value.code == "queue_empty"

    status = await kiosk.ticket_status(first.id, key)
    # A refused "next" changes nothing: A001 is still being served at counter 1.
    assert (status.number, status.status, status.counter) == ("A001", TicketStatus.CALLED, 1)
    with pytest.raises(NotFound):
        await kiosk.ticket_status(first.id, "wrong-key")


async def test_counter_actions_no_show_requeue_transfer_pause(live_server: LiveServer) -> None:
    async with (
        client_for(live_server, "kiosk") as kiosk,
        client_for(live_server, "counter2") as counter,
    ):
        ticket = await kiosk.issue_ticket("A")
        await counter.call_next(2)
        assert (await counter.no_show(2)).status is TicketStatus.NO_SHOW
        requeued = await counter.requeue(2, ticket.number)
        assert requeued.status is TicketStatus.WAITING and requeued.requeued
        await counter.call_next(2)
        moved = await counter.transfer(2, "B")
        assert (moved.number, moved.service, moved.transferred_from) == ("A001", "B", "A")
        with pytest.raises(Conflict) as nothing_current:
            await counter.done(2)
        assert nothing_current.value.code == "no_current_ticket"
        assert (await counter.pause(2)).state is CounterState.PAUSED
        assert (await counter.resume(2)).state is CounterState.OPEN


async def test_a_counter_calls_a_given_number_of_its_services(live_server: LiveServer) -> None:
    async with (
        client_for(live_server, "kiosk") as kiosk,
        client_for(live_server, "counter1") as counter,
    ):
        for code in "AAB":
            await kiosk.issue_ticket(code)
        called = await counter.call_number(1, "A002")
        assert (called.number, called.status, called.counter) == ("A002", TicketStatus.CALLED, 1)
        with pytest.raises(Conflict) as refused:
            await counter.call_number(1, "B001")  # loket 1 serves A only
        assert refused.value.code == "not_served_here"
        with pytest.raises(NotFound):
            await counter.call_number(1, "A099")
        assert (await counter.call_next(1)).number == "A001"
        snapshot = await kiosk.snapshot()
        assert snapshot.priority.enabled and "lansia" in snapshot.priority.groups


async def test_void_only_a_waiting_ticket(kiosk: ApiClient) -> None:
    ticket = await kiosk.issue_ticket("C")
    assert (await kiosk.void_ticket(ticket.id)).status is TicketStatus.VOIDED
    with pytest.raises(Conflict) as again:
        await kiosk.void_ticket(ticket.id)
    assert again.value.code == "invalid_state"


async def test_closed_service_refuses_tickets_with_its_reason(
    live_server: LiveServer, kiosk: ApiClient
) -> None:
    with pytest.raises(Forbidden):
        await kiosk.close_service("B")
    async with client_for(live_server, "admin") as admin:
        closed = await admin.close_service("B")
        assert not closed.open and closed.closed_reason is ClosedReason.CLOSED
        with pytest.raises(ServiceClosed) as refused:
            await kiosk.issue_ticket("B")
        assert refused.value.reason == "closed"
        assert refused.value.message  # the server's human text is kept
        assert (await admin.open_service("B")).open
    assert (await kiosk.issue_ticket("B")).number == "B001"


async def test_bad_tokens_are_told_apart(live_server: LiveServer) -> None:
    async with ApiClient(live_server.url, "not-a-token") as stranger:
        with pytest.raises(Unauthorized):
            await stranger.issue_ticket("A")
    async with client_for(live_server, "counter2") as counter:
        with pytest.raises(Forbidden, match="counter 2"):
            await counter.call_next(1)
    async with client_for(live_server, "kiosk") as kiosk:
        with pytest.raises(NotFound):
            await kiosk.issue_ticket("Z")
        with pytest.raises(BadRequest):
            await kiosk.issue_ticket("")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_refused_connection_is_server_unavailable() -> None:
    async with ApiClient(f"http://127.0.0.1:{free_port()}", "token") as client:
        with pytest.raises(ServerUnavailable):
            await client.health()


async def test_server_that_never_answers_times_out_as_unavailable() -> None:
    connections: list[asyncio.StreamWriter] = []

    async def accept_and_stay_silent(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        connections.append(writer)
        await reader.read(65536)

    server = await asyncio.start_server(accept_and_stay_silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        async with ApiClient(f"http://127.0.0.1:{port}", total_timeout_s=0.3) as client:
            started = time.monotonic()
            with pytest.raises(ServerUnavailable, match="in time"):
                await client.health()
            assert time.monotonic() - started < 2
    finally:
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (200, "<html>proxy login</html>", ProtocolError),
        (200, '{"status": "ok"}', ProtocolError),
        (404, "<html>not found</html>", ProtocolError),
        (502, "bad gateway", ServerUnavailable),
    ],
)
async def test_answers_that_are_not_api_v1_are_typed_errors(
    status: int, body: str, expected: type[Exception]
) -> None:
    async def answer(request: web.Request) -> web.Response:
        return web.Response(status=status, text=body)

    app = web.Application()
    app.router.add_get("/api/v1/health", answer)
    async with TestServer(app, host="127.0.0.1") as server:  # noqa: SIM117 (needs its URL)
        async with ApiClient(str(server.make_url("/"))) as client:
            with pytest.raises(expected):
                await client.health()


async def test_a_request_key_gets_the_same_ticket_and_can_void_it(kiosk: ApiClient) -> None:
    first = await kiosk.issue_ticket("B", request_key="tap-0001-abcd")
    again = await kiosk.issue_ticket("B", request_key="tap-0001-abcd")
    other = await kiosk.issue_ticket("B", request_key="tap-0002-abcd")
    assert (first.number, again.number, other.number) == ("B001", "B001", "B002")
    voided = await kiosk.void_by_request_key("tap-0001-abcd")
    assert (voided.number, voided.status) == ("B001", TicketStatus.VOIDED)
    with pytest.raises(NotFound):
        await kiosk.void_by_request_key("tap-never-sent")
