"""The /events WebSocket: snapshot, gap-free events in order, resync, slow clients, rollover."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from server.web import events as events_module
from tests.server.conftest import Clock, Running, StartOffice

JAKARTA = ZoneInfo("Asia/Jakarta")


async def connect(office: Running, token: str = "display") -> aiohttp.ClientWebSocketResponse:
    return await office.session.ws_connect(office.api + "/events", headers=office.auth(token))


async def receive(socket: aiohttp.ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    messages = []
    for _ in range(count):
        messages.append(await asyncio.wait_for(socket.receive_json(), timeout=5))
    return messages


async def test_snapshot_then_every_change_in_order(start_office: StartOffice) -> None:
    office = await start_office()
    await office.post("/tickets", "kiosk", {"service": "A"})
    socket = await connect(office)
    (snapshot,) = await receive(socket, 1)
    assert snapshot["type"] == "snapshot"
    assert [ticket["number"] for ticket in snapshot["waiting"]] == ["A001"]
    assert [counter["number"] for counter in snapshot["counters"]] == [1, 2, 3]
    await office.post("/tickets", "kiosk", {"service": "B", "priority": True})
    await office.post("/counters/2/next", "counter2")
    await office.post("/counters/2/recall", "counter2")
    await office.post("/counters/2/no-show", "counter2")
    await office.post("/counters/2/pause", "counter2")
    got = await receive(socket, 5)
    assert [message["type"] for message in got] == [
        "ticket.issued", "ticket.called", "ticket.recalled", "ticket.no_show", "counter.changed",
    ]  # fmt: skip
    assert [message["seq"] for message in got] == list(
        range(snapshot["seq"] + 1, snapshot["seq"] + 6)
    )
    called = got[1]
    assert called["ticket"]["number"] == "B001"  # priority first
    assert called["counter"]["number"] == 2 and called["counter"]["current"]["number"] == "B001"
    waiting_b = next(service for service in called["services"] if service["code"] == "B")
    assert waiting_b["waiting"] == 0
    await socket.close()


async def test_resync_request_sends_a_fresh_snapshot(start_office: StartOffice) -> None:
    office = await start_office()
    socket = await connect(office, "kiosk")
    await receive(socket, 1)
    await office.post("/tickets", "kiosk", {"service": "C"})
    await receive(socket, 1)
    await socket.send_json({"type": "resync"})
    (snapshot,) = await receive(socket, 1)
    assert snapshot["type"] == "snapshot"
    assert [ticket["number"] for ticket in snapshot["waiting"]] == ["C001"]
    await socket.close()


async def test_reconnecting_client_gets_current_state(start_office: StartOffice) -> None:
    office = await start_office()
    socket = await connect(office)
    await receive(socket, 1)
    await socket.close()
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/counters/1/next", "counter1")
    socket = await connect(office)
    (snapshot,) = await receive(socket, 1)
    assert snapshot["counters"][0]["current"]["number"] == "A001"
    assert snapshot["recent_calls"][0]["number"] == "A001"
    await socket.close()


async def test_events_need_a_token(start_office: StartOffice) -> None:
    office = await start_office()
    async with office.session.get(office.api + "/events") as answer:
        assert answer.status == 401


def test_hub_drops_a_full_subscriber_to_a_snapshot_and_serves_the_others() -> None:
    async def scenario() -> None:
        hub = events_module.EventHub()
        stuck = hub.subscribe(after_seq=0)
        reader = hub.subscribe(after_seq=0)
        received = []
        for seq in range(1, 1001):
            hub.publish(seq, f"event {seq}")
            received.append(reader.queue.get_nowait())  # a reader that keeps up
        assert received == [f"event {seq}" for seq in range(1, 1001)]
        assert stuck.needs_snapshot
        assert stuck.queue.qsize() == 1 and stuck.queue.get_nowait() is None

    asyncio.run(scenario())


async def test_client_that_stops_reading_does_not_delay_others(start_office: StartOffice) -> None:
    office = await start_office()
    slow = await connect(office)  # reads nothing until the end
    fast = await connect(office)
    await receive(fast, 1)
    for _ in range(30):
        await office.post("/tickets", "kiosk", {"service": "A"})
    got = await receive(fast, 30)
    assert [message["ticket"]["number"] for message in got][-1] == "A030"
    last_seq = got[-1]["seq"]
    # the slow one ends up with the same state: all events, or a snapshot that holds them
    waiting: set[str] = set()
    while True:
        message = await asyncio.wait_for(slow.receive_json(), timeout=5)
        if message["type"] == "snapshot":
            waiting = {ticket["number"] for ticket in message["waiting"]}
        else:
            waiting.add(message["ticket"]["number"])
        if message["seq"] >= last_seq:
            break
    assert len(waiting) == 30
    await slow.close()
    await fast.close()


async def test_day_rollover_at_jakarta_midnight_keeps_history(start_office: StartOffice) -> None:
    clock = Clock(datetime(2026, 11, 24, 23, 58, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/counters/1/next", "counter1")
    socket = await connect(office)
    (before,) = await receive(socket, 1)
    assert before["today"] == "2026-11-24"
    # 17:00 UTC is midnight in Jakarta
    clock.now = datetime(2026, 11, 24, 17, 0, 1, tzinfo=ZoneInfo("UTC"))
    office.office.tick()
    (rollover,) = await receive(socket, 1)
    assert (rollover["type"], rollover["today"]) == ("day.rollover", "2026-11-25")
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    assert (status, ticket["number"], ticket["day"]) == (201, "A001", "2026-11-25")
    _, counters = await office.get("/counters")
    assert counters["counters"][0]["current"] is None
    status, body = await office.post("/counters/1/next", "counter1")
    assert (
        body["number"] == "A001" and body["day"] == "2026-11-25"
    )  # yesterday's A002 is not called
    days = office.database.rows("SELECT CAST(day AS TEXT), number FROM tickets ORDER BY id")
    assert days == [("2026-11-24", "A001"), ("2026-11-24", "A002"), ("2026-11-25", "A001")]
    await socket.close()


async def test_service_opening_by_the_clock_is_announced(start_office: StartOffice) -> None:
    clock = Clock(datetime(2026, 11, 24, 7, 59, 30, tzinfo=JAKARTA))
    office = await start_office({"hours": {"tue": "08:00-15:00"}}, clock=clock)
    socket = await connect(office)
    (snapshot,) = await receive(socket, 1)
    assert [service["closed_reason"] for service in snapshot["services"]] == ["hours"] * 3
    clock.now += timedelta(seconds=31)
    office.office.tick()
    (changed,) = await receive(socket, 1)
    assert changed["type"] == "service.changed"
    assert [service["open"] for service in changed["services"]] == [True, True, True]
    await socket.close()


async def test_garbage_from_a_websocket_client_is_ignored(start_office: StartOffice) -> None:
    office = await start_office()
    socket = await connect(office)
    await receive(socket, 1)
    for junk in ("", "not json", "[]", '{"type": 5}', '{"type": "drop_tables"}', "\x00" * 1000):
        await socket.send_str(junk)
    await socket.send_bytes(b"\xff\xfe binary")
    await office.post("/tickets", "kiosk", {"service": "A"})
    (event,) = await receive(socket, 1)
    assert event["type"] == "ticket.issued"
    # a frame over 64 KiB closes only that connection; the server goes on
    await socket.send_str("x" * (70 * 1024))
    closing = await asyncio.wait_for(socket.receive(), timeout=5)
    assert closing.type in (
        aiohttp.WSMsgType.CLOSE,
        aiohttp.WSMsgType.CLOSED,
        aiohttp.WSMsgType.ERROR,
    )
    await socket.close()
    status, health = await office.get("/health")
    assert status == 200 and health["status"] == "ok"
