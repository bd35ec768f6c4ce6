"""The ingest API: each event stored once and in order; a gap or another record is a 409."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from aiohttp.test_utils import TestServer

from central.store import CentralStore
from central.web import create_app
from tests.support.central import RunningCentral

INGEST = "/api/v1/city/ingest"
LOG = str(uuid.uuid4())


def ticket(ticket_id: int, status: str, issued: str, called: str | None = None) -> dict[str, Any]:
    return {
        "id": ticket_id, "day": "2026-12-01", "number": f"A{ticket_id:03d}",
        "issued_service": "A", "service": "A", "priority": False, "status": status,
        "issued_at": issued, "counter": 1 if called else None, "called_at": called,
        "finished_at": None, "recalls": 0, "requeued": False, "transferred_from": None,
    }  # fmt: skip


def issued(event_id: int, ticket_id: int, at: str) -> dict[str, Any]:
    return {
        "id": event_id, "v": 1, "type": "ticket.issued", "at": at, "day": "2026-12-01",
        "office": "Kecamatan Karawaci", "ticket": ticket_id,
        "tickets": [ticket(ticket_id, "waiting", at)], "counter": None, "clerk": None,
        "data": {},
    }  # fmt: skip


def events(first: int, last: int) -> list[dict[str, Any]]:
    return [issued(number, number, f"2026-12-01T{8 + number // 60:02d}:{number % 60:02d}:00+07:00")
            for number in range(first, last + 1)]  # fmt: skip


async def test_a_batch_is_stored_once_and_its_repeat_is_a_no_op(central: RunningCentral) -> None:
    office_id, token = await central.add_office("Kecamatan Karawaci")
    assert await central.call("GET", INGEST, token) == (200, {"log_id": None, "last_event_id": 0})
    batch = {"log_id": LOG, "events": events(1, 5)}
    assert await central.call("POST", INGEST, token, batch) == (
        200, {"log_id": LOG, "last_event_id": 5, "stored": 5},
    )  # fmt: skip
    assert await central.call("POST", INGEST, token, batch) == (
        200, {"log_id": LOG, "last_event_id": 5, "stored": 0},
    )  # fmt: skip
    # an overlap: 4 and 5 are skipped, 6 and 7 stored
    overlap = {"log_id": LOG, "events": events(4, 7)}
    status, body = await central.call("POST", INGEST, token, overlap)
    assert (status, body["stored"], body["last_event_id"]) == (200, 2, 7)
    assert await central.call("GET", INGEST, token) == (200, {"log_id": LOG, "last_event_id": 7})
    held = await central.events(office_id)
    assert held == events(1, 7)  # exactly as sent, the office's offset kept


async def test_a_gap_is_refused_with_what_the_central_holds(central: RunningCentral) -> None:
    office_id, token = await central.add_office("Kecamatan Karawaci")
    await central.call("POST", INGEST, token, {"log_id": LOG, "events": events(1, 3)})
    status, body = await central.call(
        "POST", INGEST, token, {"log_id": LOG, "events": events(5, 6)}
    )
    assert status == 409
    assert (body["error"], body["last_event_id"], body["log_id"]) == ("gap", 3, LOG)
    assert "kejadian 3" in body["message"]
    assert [event["id"] for event in await central.events(office_id)] == [1, 2, 3]


async def test_another_record_of_the_same_office_is_a_visible_conflict(
    central: RunningCentral,
) -> None:
    office_id, token = await central.add_office("Kecamatan Karawaci")
    await central.call("POST", INGEST, token, {"log_id": LOG, "events": events(1, 3)})
    other = str(uuid.uuid4())
    status, body = await central.call(
        "POST", INGEST, token, {"log_id": other, "events": events(1, 2)}
    )
    assert status == 409
    assert (body["error"], body["log_id"], body["last_event_id"]) == ("log_mismatch", LOG, 3)
    assert "dipasang ulang" in body["message"]
    office = (await central.offices())["Kecamatan Karawaci"]
    assert office["conflict"]["log_id"] == other
    assert office["last_event_id"] == 3
    assert [event["id"] for event in await central.events(office_id)] == [1, 2, 3]


async def test_the_ingest_needs_an_office_token(central: RunningCentral) -> None:
    await central.add_office("Kecamatan Karawaci")
    status, body = await central.call("GET", INGEST, "city_wrong")
    assert (status, body["error"]) == (401, "unauthorized")
    status, body = await central.call("POST", INGEST, central.reader, {"log_id": LOG, "events": []})
    assert (status, body["error"]) == (401, "unauthorized")  # a read token pushes nothing


async def test_the_office_token_does_not_read_the_city(central: RunningCentral) -> None:
    _office_id, token = await central.add_office("Kecamatan Karawaci")
    status, body = await central.call("GET", "/api/v1/city/offices", token)
    assert (status, body["error"]) == (401, "unauthorized")


async def test_an_older_event_version_is_accepted(central: RunningCentral) -> None:
    office_id, token = await central.add_office("Kecamatan Karawaci")
    old = {"id": 1, "v": 0 + 1, "type": "ticket.issued", "at": "2026-12-01T08:00:00+07:00"}
    status, body = await central.call("POST", INGEST, token, {"log_id": LOG, "events": [old]})
    assert (status, body["stored"]) == (200, 1)
    held = await central.events(office_id)
    assert held[0]["day"] == "2026-12-01" and held[0]["tickets"] == [] and held[0]["data"] == {}


async def test_two_central_processes_on_one_database_store_each_event_once(
    central: RunningCentral,
) -> None:
    office_id, token = await central.add_office("Kecamatan Karawaci")
    second = CentralStore(central.store.url)  # another process's connections and app
    app = create_app(second)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        other = f"http://127.0.0.1:{server.port}"
        batches = [{"log_id": LOG, "events": events(first, first + 99)} for first in (1, 101, 201)]
        headers = {"Authorization": f"Bearer {token}"}

        async def push(base: str) -> int:
            stored = 0
            for batch in batches:  # both push the same batches at the same time
                async with central.session.post(
                    f"{base}{INGEST}", json=batch, headers=headers
                ) as answer:
                    assert answer.status == 200, await answer.text()
                    stored += (await answer.json())["stored"]
            return stored

        counts = await asyncio.gather(push(central.url), push(other))
        assert sum(counts) == 300
        assert [event["id"] for event in await central.events(office_id)] == list(range(1, 301))
    finally:
        await server.close()
        await asyncio.to_thread(second.close)
