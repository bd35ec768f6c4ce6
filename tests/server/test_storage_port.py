"""The storage port on both engines: what is written comes back the same; a clash stores nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.domain.model import Counter, CounterState, Lane, Ticket, TicketStatus
from server.errors import StorageError
from server.storage.port import Commit, Event, Store
from tests.support.database import Database

JAKARTA = ZoneInfo("Asia/Jakarta")
DAY = date(2026, 11, 24)
ISSUED = datetime(2026, 11, 24, 8, 5, 30, 123456, tzinfo=JAKARTA)


def ticket(ticket_id: int, sequence: int, **changes: object) -> Ticket:
    made = Ticket(
        id=ticket_id, day=DAY, number=f"A{sequence:03d}", sequence=sequence,
        issued_service="A", service="A", priority=False, status=TicketStatus.WAITING,
        issued_at=ISSUED, lane=Lane.REGULAR, sort_key=float(sequence), key=f"key{ticket_id}",
    )  # fmt: skip
    return replace(made, **changes)  # type: ignore[arg-type]


def event(event_id: int, kind: str, **fields: object) -> Event:
    return Event(id=event_id, type=kind, at=ISSUED, day=DAY, **fields)  # type: ignore[arg-type]


@pytest.fixture
async def store(tmp_path: Path, database_url: str | None) -> AsyncIterator[Store]:
    opened = Database(tmp_path / "data", database_url).store()
    assert await asyncio.to_thread(opened.acquire)
    opened.start_writer(asyncio.get_running_loop())
    yield opened
    await asyncio.to_thread(opened.close)


async def write(store: Store, commit: Commit) -> BaseException | None:
    finished: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()
    store.submit(commit, finished.set_result)
    return await finished


async def test_what_is_written_comes_back_equal_with_its_time_zone(store: Store) -> None:
    first = ticket(1, 1, priority=True, lane=Lane.PRIORITY, request_key="tap-1")
    called = replace(
        first, status=TicketStatus.CALLED, counter=2, called_at=ISSUED.replace(minute=9),
        recalls=1,
    )  # fmt: skip
    data = {"counters": [{"number": 2, "state": "open", "current": 1}], "z": 1, "a": [1.5]}
    issued = Commit(event(1, "ticket.issued", ticket=1), new_tickets=(first,))
    assert await write(store, issued) is None
    call = Commit(
        event(2, "ticket.called", ticket=1, counter=2, clerk="Siti",
              tickets=({"id": 1, "status": "called"},), data=data),
        changed_tickets=(called,), counters=(Counter(2, CounterState.OPEN, 1),),
        service_states=(("B", True),),
    )  # fmt: skip
    assert await write(store, call) is None
    state = await asyncio.to_thread(store.load_day, DAY)
    assert state.tickets == (called,)
    assert state.tickets[0].called_at is not None
    assert state.tickets[0].called_at.utcoffset() == ISSUED.utcoffset()
    assert state.counters == (Counter(2, CounterState.OPEN, 1),)
    assert (state.closed_services, state.next_ticket_id, state.last_event_id) == (
        frozenset({"B"}), 2, 2,
    )  # fmt: skip
    events = await asyncio.to_thread(store.events_after, 0, 10)
    assert [item.id for item in events] == [1, 2]
    assert events[1].data == data and list(events[1].data) == ["counters", "z", "a"]
    assert (events[1].clerk, events[1].counter, events[1].tickets) == (
        "Siti", 2, ({"id": 1, "status": "called"},),
    )  # fmt: skip
    assert events[1].at == ISSUED and events[1].at.utcoffset() == ISSUED.utcoffset()
    assert events[1].day == DAY and not events[1].synthesized
    # the next day: the counter keeps its state but not yesterday's ticket
    tomorrow = await asyncio.to_thread(store.load_day, date(2026, 11, 25))
    assert (tomorrow.tickets, tomorrow.counters) == ((), (Counter(2, CounterState.OPEN, None),))


async def test_a_change_to_a_ticket_that_is_not_stored_stores_nothing(store: Store) -> None:
    error = await write(
        store, Commit(event(1, "ticket.called", ticket=7), changed_tickets=(ticket(7, 1),))
    )
    assert isinstance(error, StorageError)
    assert store.failed
    # every job behind a failed one fails too, until the office resumed
    later = await write(store, Commit(event(2, "ticket.issued"), new_tickets=(ticket(8, 2),)))
    assert later is error
    assert await asyncio.to_thread(store.events_after, 0, 10) == []
    store.resume()
    assert (
        await write(store, Commit(event(1, "ticket.issued"), new_tickets=(ticket(1, 1),))) is None
    )
    clash = await write(store, Commit(event(2, "ticket.issued"), new_tickets=(ticket(1, 2),)))
    assert isinstance(clash, StorageError), "an INSERT over a stored ticket must not replace it"
    state = await asyncio.to_thread(store.load_day, DAY)
    assert [item.number for item in state.tickets] == ["A001"]
    assert state.last_event_id == 1


async def test_tokens_are_found_listed_and_revoked(store: Store) -> None:
    from server.storage.port import Role

    version = store.tokens_version()
    now = datetime(2026, 11, 24, 7, 0, tzinfo=JAKARTA)
    secret = store.create_token(Role.COUNTER, "Loket 2", 2, now)
    found = store.find_token(secret)
    assert found is not None and (found.role, found.counter, found.name) == (
        Role.COUNTER,
        2,
        "Loket 2",
    )
    assert store.tokens_version() == version + 1
    assert store.revoke_token("Loket 2", now) == 1
    assert store.find_token(secret) is None
    assert [token.revoked_at for token in store.list_tokens()] == [now.isoformat()]
    with pytest.raises(StorageError, match="--counter"):
        store.create_token(Role.COUNTER, "x", None, now)
