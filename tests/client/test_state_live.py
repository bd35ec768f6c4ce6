"""Property test: the OfficeState folded from a real server's events equals its snapshot.

A real server is driven through a random sequence of actions (issue, next, recall,
done, no-show, requeue, transfer, pause/resume, void, close/open) while an EventStream
follows it; at the end the state the stream built must equal a fresh snapshot.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import msgspec
import pytest
from aiohttp.test_utils import TestServer

from client.api import ApiClient
from client.errors import ApiError
from client.events import ConnectionStatus, EventStream
from client.protocol import DayRollover, Ticket, TicketStatus
from client.state import RECENT_CALLS_LIMIT, OfficeState
from server.config import parse_config
from server.office import Office
from server.web.routes import create_app
from tests.server.conftest import Clock, make_tokens
from tests.support.live_server import LiveServer

SERVICES = ("A", "B", "C")
COUNTERS = (1, 2, 3)
WAIT_S = 5.0
snapshots: list[OfficeState] = []  # every snapshot the stream of `following` received


def comparable(ticket: Ticket) -> Ticket:
    # people_ahead and est_wait_s of a waiting ticket change with every move of its line
    # and are the server's as of the last message that carried the ticket.
    if ticket.status is not TicketStatus.WAITING:
        return ticket
    return msgspec.structs.replace(ticket, people_ahead=0, est_wait_s=0)


def assert_same_state(folded: OfficeState, fresh: OfficeState) -> None:
    """Everything the client folded is what a snapshot says, but what the events cannot say."""
    assert (folded.seq, folded.today, folded.log_id) == (fresh.seq, fresh.today, fresh.log_id)
    assert folded.services == fresh.services
    # counters serve called tickets: nothing in them may differ
    assert folded.counters == fresh.counters
    # A call that leaves the list (transferred, re-queued) lets an older call move up
    # into the server's last 20, which the client cannot know: it may have fewer. Calls
    # are never waiting tickets: each must be exactly the server's.
    assert list(folded.recent_calls) == list(fresh.recent_calls)[: len(folded.recent_calls)]
    assert len(folded.recent_calls) == len(fresh.recent_calls) or (
        len(folded.recent_calls) < RECENT_CALLS_LIMIT
    )
    # Each service's line must be in the server's exact call order; across services the
    # order of a ticket that started waiting after the snapshot is the server's alone.
    for code in SERVICES:
        assert [comparable(t) for t in folded.waiting_for([code])] == [
            comparable(t) for t in fresh.waiting_for([code])
        ], f"waiting line of {code}"
    assert sorted(t.id for t in folded.waiting) == sorted(t.id for t in fresh.waiting)


@asynccontextmanager
async def following(server: LiveServer) -> AsyncIterator[EventStream]:
    stream = EventStream(
        server.url,
        server.tokens["display"],
        reconnect_max_delay_s=0.5,
        on_state=lambda state, event: snapshots.append(state) if event is None else None,
    )
    task = asyncio.create_task(stream.run())
    try:
        async with asyncio.timeout(WAIT_S):
            while stream.state is None:
                await asyncio.sleep(0.01)
        yield stream
    finally:
        await stream.stop()
        await asyncio.wait_for(task, WAIT_S)


async def caught_up(stream: EventStream, api: ApiClient) -> OfficeState:
    """Wait until the stream has the server's latest seq; the server's fresh state."""
    fresh = OfficeState.from_snapshot(await api.snapshot())
    async with asyncio.timeout(WAIT_S):
        while stream.state is None or stream.state.seq != fresh.seq:
            await asyncio.sleep(0.01)
    assert stream.state is not None
    return fresh


async def random_action(rng: random.Random, api: ApiClient, issued: list[int]) -> None:
    counter = rng.choice(COUNTERS)
    kind = rng.choices(
        [
            "issue", "next", "recall", "done", "no_show", "requeue", "transfer",
            "pause", "resume", "void", "close", "open",
        ],
        weights=[8, 6, 1, 2, 2, 2, 2, 1, 2, 1, 1, 1],
    )[0]  # fmt: skip
    try:
        if kind == "issue":
            ticket = await api.issue_ticket(rng.choice(SERVICES), priority=rng.random() < 0.2)
            issued.append(ticket.id)
        elif kind == "next":
            await api.call_next(counter)
        elif kind == "recall":
            await api.recall(counter)
        elif kind == "done":
            await api.done(counter)
        elif kind == "no_show":
            await api.no_show(counter)
        elif kind == "requeue":
            snapshot = await api.snapshot()
            missed = [t for t in snapshot.recent_calls if t.status is TicketStatus.NO_SHOW]
            if missed:
                await api.requeue(counter, rng.choice(missed).number)
        elif kind == "transfer":
            await api.transfer(counter, rng.choice(SERVICES))
        elif kind == "pause":
            await api.pause(counter)
        elif kind == "resume":
            await api.resume(counter)
        elif kind == "void" and issued:
            await api.void_ticket(rng.choice(issued))
        elif kind == "close":
            await api.close_service(rng.choice(SERVICES))
        elif kind == "open":
            await api.open_service(rng.choice(SERVICES))
    except ApiError:
        pass  # queue_empty, no_current_ticket, counter_paused, service_closed, ...


async def assert_folded_like_the_server(stream: EventStream, api: ApiClient) -> None:
    """Once caught up, the stream's folded state is the server's fresh snapshot."""
    fresh = await caught_up(stream, api)
    assert stream.state is not None
    assert_same_state(stream.state, fresh)


async def act_and_compare(seed: int, api: ApiClient, stream: EventStream) -> None:
    """120 random actions (from `seed`); after every tenth the folded state must be the
    server's."""
    rng = random.Random(seed)
    issued: list[int] = []
    for step in range(120):
        await random_action(rng, api, issued)
        if step % 10 == 9:
            await assert_folded_like_the_server(stream, api)


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_folded_state_equals_a_fresh_snapshot(live_server: LiveServer, seed: int) -> None:
    async with (
        ApiClient(live_server.url, live_server.tokens["admin"]) as api,
        following(live_server) as stream,
    ):
        await act_and_compare(seed, api, stream)
        await assert_folded_like_the_server(stream, api)


FAIR_PRIORITY = """
[office]
requeue_after = 1

[priority]
max_in_row = 1
"""


@pytest.mark.parametrize("seed", [6, 11, 17])
async def test_folded_state_equals_a_fresh_snapshot_with_fair_priority(
    live_server_factory: Callable[..., LiveServer], seed: int
) -> None:
    # re-queued tickets counting down and one priority call in a row move other tickets
    # in their line: the events carry them, so the folded lines stay the server's
    server = live_server_factory(FAIR_PRIORITY)
    async with (
        ApiClient(server.url, server.tokens["admin"]) as api,
        following(server) as stream,
    ):
        await act_and_compare(seed, api, stream)


async def test_folded_state_survives_a_server_restart(live_server: LiveServer) -> None:
    rng = random.Random(7)
    issued: list[int] = []
    async with following(live_server) as stream:
        async with ApiClient(live_server.url, live_server.tokens["admin"]) as api:
            for _ in range(40):
                await random_action(rng, api, issued)
            await caught_up(stream, api)
        received = len(snapshots)
        live_server.restart()  # kill -9; same port, same data
        async with asyncio.timeout(WAIT_S):
            while stream.status is not ConnectionStatus.CONNECTED:
                await asyncio.sleep(0.01)
        async with ApiClient(live_server.url, live_server.tokens["admin"]) as api:
            for _ in range(40):
                await random_action(rng, api, issued)
            await assert_folded_like_the_server(stream, api)
        assert len(snapshots) == received  # it resumed after its last seq


async def test_day_rollover_shows_the_new_day_with_empty_lines(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 11, 24, 23, 58, tzinfo=ZoneInfo("Asia/Jakarta")))
    tokens = make_tokens(tmp_path)
    office = Office(parse_config({}), tmp_path, clock)
    await office.start()
    server = TestServer(create_app(office), host="127.0.0.1", port=0)
    await server.start_server()
    updates: list[tuple[OfficeState, object]] = []
    stream = EventStream(
        f"http://127.0.0.1:{server.port}",
        tokens["display"],
        on_state=lambda state, event: updates.append((state, event)),
    )
    task = asyncio.create_task(stream.run())
    try:
        async with ApiClient(f"http://127.0.0.1:{server.port}", tokens["admin"]) as api:
            for code in ("A", "A", "B"):
                await api.issue_ticket(code)
            await api.call_next(1)
            async with asyncio.timeout(WAIT_S):
                while not updates or updates[-1][0].seq < 4:
                    await asyncio.sleep(0.01)
            clock.now = datetime(2026, 11, 24, 17, 0, 1, tzinfo=UTC)  # Jakarta midnight
            office.tick()
            async with asyncio.timeout(WAIT_S):
                while not any(isinstance(event, DayRollover) for _, event in updates):
                    await asyncio.sleep(0.01)
            rolled = updates[-1][0]
            assert rolled.today == date(2026, 11, 25)
            assert rolled.waiting == () and rolled.recent_calls == ()
            assert all(counter.current is None for counter in rolled.counters)
            assert all(s.waiting == 0 and s.issued_today == 0 for s in rolled.services)
            # the rollover carried the new day: no snapshot was needed to show it
            assert sum(1 for _, event in updates if event is None) == 1
            assert_same_state(rolled, OfficeState.from_snapshot(await api.snapshot()))
            ticket = await api.issue_ticket("A")
            assert ticket.number == "A001"
            async with asyncio.timeout(WAIT_S):
                while stream.state is None or not stream.state.waiting:
                    await asyncio.sleep(0.01)
            assert [t.number for t in stream.state.waiting] == ["A001"]
    finally:
        await stream.stop()
        await asyncio.wait_for(task, WAIT_S)
        await server.close()
        await office.close()
