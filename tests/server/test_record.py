"""The office's record: one stored event per change, gap-free ids, resumable streams, /log."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from server.errors import StorageError
from tests.server.conftest import Clock, Running, StartOffice

JAKARTA = ZoneInfo("Asia/Jakarta")


async def read_log(office: Running, query: str = "after=0", token: str = "admin") -> Any:
    async with office.session.get(f"{office.api}/log?{query}", headers=office.auth(token)) as got:
        assert got.status == 200, await got.text()
        return await got.json()


async def connect(office: Running, query: str = "") -> aiohttp.ClientWebSocketResponse:
    return await office.session.ws_connect(
        f"{office.api}/events{query}", headers=office.auth("display")
    )


async def receive(socket: aiohttp.ClientWebSocketResponse, count: int) -> list[dict[str, Any]]:
    return [await asyncio.wait_for(socket.receive_json(), timeout=5) for _ in range(count)]


async def nothing_more(socket: aiohttp.ClientWebSocketResponse) -> bool:
    try:
        await asyncio.wait_for(socket.receive_json(), timeout=0.3)
    except TimeoutError:
        return True
    return False


async def test_every_change_is_one_event_with_gap_free_ids_and_every_ticket_it_touched(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    for code in ("A", "A", "B"):
        await office.post("/tickets", "kiosk", {"service": code})
    await office.post("/counters/1/next", "counter1")  # A001
    await office.post("/counters/1/recall", "counter1")
    await office.post("/counters/1/next", "counter1")  # A001 done, A002 called
    await office.post("/counters/1/no-show", "counter1")  # A002
    await office.post("/counters/1/requeue", "counter1", {"number": "A002"})
    await office.post("/counters/3/next", "counter3")  # B001
    await office.post("/counters/3/transfer", "counter3", {"service": "C"})
    await office.post("/counters/3/pause", "counter3")
    await office.post("/services/C/close", "admin")
    log = await read_log(office)
    events = log["events"]
    assert [event["type"] for event in events] == [
        "ticket.issued", "ticket.issued", "ticket.issued", "ticket.called", "ticket.recalled",
        "ticket.called", "ticket.no_show", "ticket.requeued", "ticket.called",
        "ticket.transferred", "counter.changed", "service.changed",
    ]  # fmt: skip
    assert [event["id"] for event in events] == list(range(1, 13))
    assert log["last_id"] == log["head_id"] == 12 and len(log["log_id"]) == 36
    assert all(event["v"] == 1 and event["office"] for event in events)
    # "next" while serving finishes the previous ticket: both are in its event
    second_call = events[5]
    assert [(t["number"], t["status"]) for t in second_call["tickets"]] == [
        ("A001", "done"),
        ("A002", "called"),
    ]
    assert second_call["ticket"] == 2 and second_call["counter"] == 1
    transfer = events[9]
    assert transfer["data"]["from_service"] == "B"
    assert (transfer["tickets"][0]["service"], transfer["tickets"][0]["status"]) == (
        "C",
        "waiting",
    )
    assert events[11]["data"]["services"] == {"C": {"open": False, "closed_reason": "closed"}}
    # the record keeps no secrets: no ticket key, no request key
    assert all("key" not in ticket for event in events for ticket in event["tickets"])
    # paging
    page = await read_log(office, "after=4&limit=3")
    assert [event["id"] for event in page["events"]] == [5, 6, 7]
    assert (page["last_id"], page["head_id"]) == (7, 12)


async def test_each_call_recall_and_finish_keeps_its_own_time(start_office: StartOffice) -> None:
    clock = Clock(datetime(2026, 11, 24, 8, 0, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    await office.post("/tickets", "kiosk", {"service": "A"})
    for minutes, action in ((3, "next"), (5, "recall"), (9, "no-show")):
        clock.now = datetime(2026, 11, 24, 8, minutes, tzinfo=JAKARTA)
        await office.post(f"/counters/1/{action}", "counter1")
    clock.now = datetime(2026, 11, 24, 8, 20, tzinfo=JAKARTA)
    await office.post("/counters/1/requeue", "counter1", {"number": "A001"})
    clock.now = datetime(2026, 11, 24, 8, 31, tzinfo=JAKARTA)
    await office.post("/counters/2/next", "counter2")
    events = (await read_log(office))["events"]
    times = [(event["type"], event["at"][11:16], event["counter"]) for event in events]
    assert times == [
        ("ticket.issued", "08:00", None),
        ("ticket.called", "08:03", 1),
        ("ticket.recalled", "08:05", 1),
        ("ticket.no_show", "08:09", 1),
        ("ticket.requeued", "08:20", 1),
        ("ticket.called", "08:31", 2),
    ]
    assert all(event["at"].endswith("+07:00") for event in events)
    # the ticket's own called_at is its current call
    assert events[-1]["tickets"][0]["called_at"].startswith("2026-11-24T08:31")


async def test_the_record_and_its_ids_continue_after_a_restart(
    start_office: StartOffice, tmp_path: Path
) -> None:
    first = await start_office()
    await first.post("/tickets", "kiosk", {"service": "A"})
    await first.post("/tickets", "kiosk", {"service": "B"})
    log_id = (await read_log(first))["log_id"]
    await first.session.close()
    await first.server.close()
    await first.office.close()
    again = await start_office(data_dir=tmp_path / "data")
    status, health = await again.get("/health")
    assert status == 200
    assert (health["log_id"], health["last_event_id"]) == (log_id, 2)
    socket = await connect(again)
    (snapshot,) = await receive(socket, 1)
    assert snapshot["seq"] == 2 and snapshot["log_id"] == log_id
    await again.post("/tickets", "kiosk", {"service": "A"})
    (issued,) = await receive(socket, 1)
    assert (issued["seq"], issued["prev"], issued["ticket"]["number"]) == (3, 2, "A002")
    # a display that saw event 3 before a restart resumes there: nothing missed, no snapshot
    await socket.close()
    await again.session.close()
    await again.server.close()
    await again.office.close()
    third = await start_office(data_dir=tmp_path / "data")
    resumed = await connect(third, f"?after=3&log={log_id}")
    assert await nothing_more(resumed)
    await third.post("/tickets", "kiosk", {"service": "C"})
    (message,) = await receive(resumed, 1)
    assert (message["type"], message["seq"], message["prev"]) == ("ticket.issued", 4, 3)
    await resumed.close()


async def test_a_stream_resumes_after_the_last_event_it_saw_without_a_snapshot(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    socket = await connect(office)
    (snapshot,) = await receive(socket, 1)
    await office.post("/tickets", "kiosk", {"service": "A"})
    await office.post("/tickets", "kiosk", {"service": "A"})
    seen = await receive(socket, 2)
    assert [(m["seq"], m["prev"]) for m in seen] == [(1, 0), (2, 1)]
    await socket.close()
    await office.post("/tickets", "kiosk", {"service": "B"})  # missed while away
    await office.post("/counters/1/next", "counter1")
    resumed = await connect(office, f"?after=2&log={snapshot['log_id']}")
    missed = await receive(resumed, 2)
    assert [(m["type"], m["seq"], m["prev"]) for m in missed] == [
        ("ticket.issued", 3, 2),
        ("ticket.called", 4, 3),
    ]
    await resumed.close()
    # another database's id, or an id this server never gave: a snapshot instead
    for query in ("?after=2&log=00000000-0000-0000-0000-000000000000", "?after=99"):
        other = await connect(office, query)
        (first,) = await receive(other, 1)
        assert first["type"] == "snapshot" and first["seq"] == 4
        await other.close()


async def test_the_log_needs_an_admin_or_central_token_and_sane_bounds(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    for headers, status, error in (
        ({}, 401, "unauthorized"),
        (office.auth("kiosk"), 403, "forbidden"),
        (office.auth("display"), 403, "forbidden"),
    ):
        async with office.session.get(f"{office.api}/log", headers=headers) as answer:
            assert (answer.status, (await answer.json())["error"]) == (status, error)
    for query in ("limit=0", "limit=10001", "after=-1", "after=١٢", "limit=abc"):
        async with office.session.get(
            f"{office.api}/log?{query}", headers=office.auth("admin")
        ) as answer:
            body = await answer.json()
            assert (answer.status, body["error"]) == (400, "bad_request"), query
    assert (await read_log(office, "limit=10000"))["events"] == []


async def test_a_bad_log_query_is_explained_in_indonesian_as_at_the_central(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    for query, message in (
        ("after=-1", "'after' harus bilangan bulat 0 atau lebih."),
        ("after=١٢", "'after' harus bilangan bulat 0 atau lebih."),
        ("limit=abc", "'limit' harus bilangan bulat dari 1 sampai 10000."),
        ("limit=0", "'limit' harus bilangan bulat dari 1 sampai 10000."),
        ("limit=10001", "'limit' harus bilangan bulat dari 1 sampai 10000."),
    ):
        async with office.session.get(
            f"{office.api}/log?{query}", headers=office.auth("admin")
        ) as answer:
            assert (answer.status, await answer.json()) == (
                400, {"error": "bad_request", "message": message},
            ), query  # fmt: skip


async def test_clock_driven_openings_and_the_rollover_are_stored_events(
    start_office: StartOffice,
) -> None:
    clock = Clock(datetime(2026, 11, 24, 7, 59, tzinfo=JAKARTA))  # a Tuesday
    office = await start_office(
        {
            "office": {"timezone": "Asia/Jakarta"},
            "hours": {day: "08:00-15:00" for day in ("mon", "tue", "wed", "thu", "fri")},
        },
        clock=clock,
    )
    clock.now = datetime(2026, 11, 24, 8, 0, 1, tzinfo=JAKARTA)
    office.office.tick()
    await office.office.flush()
    clock.now = datetime(2026, 11, 25, 0, 0, 1, tzinfo=JAKARTA)
    office.office.tick()
    await office.office.flush()
    events = (await read_log(office))["events"]
    kinds = [(event["type"], event["day"]) for event in events]
    assert kinds[:2] == [("service.changed", "2026-11-24"), ("day.rollover", "2026-11-25")]
    opening = events[0]["data"]
    assert opening["by"] == "clock"
    assert opening["services"]["A"] == {"open": True, "closed_reason": None}
    assert events[1]["data"] == {"previous": "2026-11-24", "today": "2026-11-25"}
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))


async def test_the_rollover_keeps_ticket_ids_going_while_writes_are_on_their_way(
    start_office: StartOffice,
) -> None:
    clock = Clock(datetime(2026, 11, 24, 23, 59, 59, tzinfo=JAKARTA))
    office = await start_office(clock=clock)
    before = [
        asyncio.create_task(office.post("/tickets", "kiosk", {"service": "A"})) for _ in range(20)
    ]
    await asyncio.sleep(0.01)  # some are issued, some on their way to the disk
    clock.now = clock.now + timedelta(seconds=2)  # midnight passes
    after = [
        asyncio.create_task(office.post("/tickets", "kiosk", {"service": "A"})) for _ in range(20)
    ]
    answers = [await task for task in before + after]
    assert {status for status, _ in answers} == {201}
    ids = [body["id"] for _, body in answers]
    assert len(set(ids)) == 40
    new_day = sorted(body["number"] for _, body in answers if body["day"] == "2026-11-25")
    assert new_day[0] == "A001" and len(set(new_day)) == len(new_day)
    events = (await read_log(office, "limit=100"))["events"]
    assert [event["id"] for event in events] == list(range(1, len(events) + 1))
    assert sum(event["type"] == "ticket.issued" for event in events) == 40


async def test_a_whole_history_copies_into_an_empty_database_unchanged(
    start_office: StartOffice, tmp_path: Path
) -> None:
    from server.storage.sqlite import SqliteStore

    office = await start_office()
    for code in ("A", "B", "A"):
        await office.post("/tickets", "kiosk", {"service": code})
    await office.post("/counters/1/next", "counter1")
    await office.post("/counters/2/pause", "counter2")
    await office.post("/services/C/close", "admin")
    history = office.office.store.export_history()
    copy = SqliteStore(tmp_path / "copy")
    copy.open_existing()
    copy.import_history(history)
    again = copy.export_history()
    assert again == history
    assert (len(again.tickets), len(again.events), again.closed_services) == (3, 6, {"C"})
    with pytest.raises(StorageError, match="not empty"):
        copy.import_history(history)
    copy.close()
