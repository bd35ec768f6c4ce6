"""Every message the server sends decodes with the client's decoder, to the same JSON.

A real office on 127.0.0.1 is driven through every kind of change while a WebSocket
client records the text it receives; each text is decoded with `client.protocol` and
encoded again, and must give back exactly the JSON the server sent. The HTTP answers of
the documented endpoints are checked the same way.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from client import protocol
from tests.server.conftest import Clock, Running, StartOffice

JAKARTA = ZoneInfo("Asia/Jakarta")


async def texts_until(socket: Any, seq: int) -> list[str]:
    """The messages received until one with `seq` (inclusive)."""
    received: list[str] = []
    async with asyncio.timeout(5):
        while True:
            text = await socket.receive_str()
            received.append(text)
            if msgspec.json.decode(text)["seq"] == seq:
                return received


def assert_round_trip(text: str | bytes) -> protocol.Message:
    message = protocol.decode_message(text)
    assert msgspec.json.decode(protocol.encode(message)) == msgspec.json.decode(text)
    return message


async def drive_every_change(office: Running, clock: Clock) -> None:
    async def post(path: str, token: str, body: Any = None) -> Any:
        status, answer = await office.post(path, token, body)
        assert status in (200, 201), answer
        return answer

    for code in ("A", "A", "B", "A"):
        await post("/tickets", "kiosk", {"service": code})
    voided = await post("/tickets", "kiosk", {"service": "C"})
    await post(f"/tickets/{voided['id']}/void", "kiosk")
    await post("/counters/1/next", "counter1")
    await post("/counters/1/recall", "counter1")
    await post("/counters/1/next", "counter1")  # finishes A001 too
    await post("/counters/1/no-show", "counter1")
    await post("/counters/1/requeue", "counter1", {"number": "A002"})
    await post("/counters/2/next", "counter2")
    await post("/counters/2/transfer", "counter2", {"service": "C"})
    await post("/counters/3/next", "counter3")
    await post("/counters/3/done", "counter3")
    await post("/counters/2/pause", "counter2")
    await post("/counters/2/resume", "counter2")
    await post("/services/B/close", "admin")
    clock.now = datetime(2026, 11, 25, 0, 0, 1, tzinfo=JAKARTA)
    office.office.tick()


async def test_every_event_kind_decodes_to_the_json_the_server_sent(
    start_office: StartOffice,
) -> None:
    clock = Clock(datetime(2026, 11, 24, 10, 0, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    snapshot = assert_round_trip(await socket.receive_str())
    assert isinstance(snapshot, protocol.Snapshot)
    await drive_every_change(office, clock)
    texts = await texts_until(socket, office.office.last_event_id)
    messages = [assert_round_trip(text) for text in texts]
    assert {message.type for message in messages} == set(protocol.EventType)
    assert all(isinstance(message, protocol.Event) for message in messages)
    assert [message.seq for message in messages] == list(
        range(snapshot.seq + 1, snapshot.seq + 1 + len(messages))
    )
    assert [message.prev for message in messages] == [snapshot.seq, *(m.seq for m in messages[:-1])]
    await socket.close()


async def test_next_carries_the_ticket_it_finished(start_office: StartOffice) -> None:
    office = await start_office()
    for _ in range(2):
        await office.post("/tickets", "kiosk", {"service": "A"})
    socket = await office.session.ws_connect(office.api + "/events", headers=office.auth("display"))
    await socket.receive_str()
    await office.post("/counters/1/next", "counter1")
    await office.post("/counters/1/next", "counter1")
    texts = await texts_until(socket, office.office.last_event_id)
    second = protocol.decode_message(texts[-1])
    assert isinstance(second, protocol.TicketCalled)
    assert [(t.number, t.status) for t in second.tickets] == [
        ("A001", protocol.TicketStatus.DONE),
        ("A002", protocol.TicketStatus.CALLED),
    ]
    assert second.ticket == second.tickets[-1]
    await socket.close()


async def test_http_answers_decode_to_the_json_the_server_sent(start_office: StartOffice) -> None:
    office = await start_office()
    status, issued = await office.post("/tickets", "kiosk", {"service": "A"})
    assert status == 201
    answers: list[tuple[Any, type[msgspec.Struct]]] = [(issued, protocol.Ticket)]
    _, called = await office.post("/counters/1/next", "counter1")
    answers.append((called, protocol.Ticket))
    _, paused = await office.post("/counters/2/pause", "counter2")
    answers.append((paused, protocol.Counter))
    _, closed = await office.post("/services/C/close", "admin")
    answers.append((closed, protocol.Service))
    for path, kind in (
        ("/health", protocol.Health),
        ("/services", protocol.ServicesAnswer),
        ("/counters", protocol.CountersAnswer),
    ):
        _, answer = await office.get(path)
        answers.append((answer, kind))
    async with office.session.get(office.api + "/snapshot", headers=office.auth("display")) as got:
        answers.append((await got.json(), protocol.Snapshot))
    for answer, kind in answers:
        decoded = protocol.convert(answer, kind, kind.__name__)
        assert protocol.to_builtins(decoded) == answer, kind.__name__
    assert issued["check_url"].startswith("http://")
    assert "check_url" not in called
