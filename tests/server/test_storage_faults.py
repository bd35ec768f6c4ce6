"""Real storage faults under concurrent load: nothing acknowledged is lost or given twice.

Each test drives the real server (127.0.0.1, random port) with many concurrent kiosks while
a real fault happens underneath: another session holds the database's write lock past the
writer's timeout (on either engine), the disk (a small tmpfs) is full (SQLite), or another
server takes the PostgreSQL lease (fencing). Afterwards every acknowledged ticket is on
disk exactly as it was answered, no number was handed out twice, and the event loop never
stalled for more than a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from server.storage import writer
from server.storage.schema import DATABASE_FILE
from tests.server.conftest import Running, StartOffice
from tests.support.database import Database

CLIENTS = 50
LOCK_TIMEOUT_S = 0.3


@dataclass
class Load:
    """Kiosks issuing tickets as fast as the server answers, and what they were told."""

    office: Running
    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    max_loop_lag_s: float = 0.0

    async def kiosk(self, index: int) -> None:
        services = "ABC"
        while not self.stop.is_set():
            code = services[index % 3]
            try:
                status, body = await self.office.post("/tickets", "kiosk", {"service": code})
            except Exception as exc:  # the answer itself must never fail
                self.answers.append((0, {"error": repr(exc)}))
                continue
            self.answers.append((status, body))

    async def watch_loop(self) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            await asyncio.sleep(0.01)
            self.max_loop_lag_s = max(self.max_loop_lag_s, time.monotonic() - started - 0.01)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Load]:
        tasks = [asyncio.create_task(self.kiosk(index)) for index in range(CLIENTS)]
        tasks.append(asyncio.create_task(self.watch_loop()))
        try:
            yield self
        finally:
            self.stop.set()
            await asyncio.gather(*tasks)

    def acknowledged(self) -> list[dict[str, Any]]:
        return [body for status, body in self.answers if status == 201]

    def refused(self) -> list[dict[str, Any]]:
        return [body for status, body in self.answers if status != 201]


def stored_tickets(database: Database) -> dict[int, tuple[str, str]]:
    rows = database.rows("SELECT id, number, issued_at FROM tickets")
    return {ticket_id: (number, issued_at) for ticket_id, number, issued_at in rows}


async def assert_nothing_lost_or_given_twice(load: Load, flush: bool = True) -> None:
    for _ in range(300):  # a recovery still running holds the state it is replacing
        if not load.office.office.recovering:
            break
        await asyncio.sleep(0.01)
    if flush:  # (a server that may not write any more cannot flush)
        await load.office.office.flush()
    acknowledged = load.acknowledged()
    numbers = [body["number"] for body in acknowledged]
    ids = [body["id"] for body in acknowledged]
    assert len(set(numbers)) == len(numbers), "a number was handed to two visitors"
    assert len(set(ids)) == len(ids), "a ticket id was handed out twice"
    stored = stored_tickets(load.office.database)
    from datetime import datetime

    for body in acknowledged:
        assert body["id"] in stored, f"acknowledged ticket {body['number']} is not on disk"
        number, issued_at = stored[body["id"]]
        assert number == body["number"], f"ticket {body['id']} was overwritten"
        stored_at = datetime.fromisoformat(issued_at).replace(microsecond=0)
        assert stored_at == datetime.fromisoformat(body["issued_at"]), f"{body['number']} changed"
    # what the server holds in memory is what is on disk (a standby's memory is not used:
    # taking over reads the day again)
    in_memory = {} if load.office.office.standby else load.office.office.day.tickets
    assert {ticket_id for ticket_id in in_memory if ticket_id not in stored} == set()
    assert all(stored[ticket_id][0] == ticket.number for ticket_id, ticket in in_memory.items())
    # the record: gap-free ids, and one issue event for each acknowledged ticket
    events = load.office.database.rows("SELECT id, type, ticket FROM events ORDER BY id")
    assert [event_id for event_id, _, _ in events] == list(range(1, len(events) + 1))
    issued = sorted(ticket for _, kind, ticket in events if kind == "ticket.issued")
    assert issued == sorted(stored)
    assert load.max_loop_lag_s < 1.0, f"the server froze for {load.max_loop_lag_s:.2f} s"


def refusals_are_storage_errors(load: Load) -> None:
    errors = {body.get("error") for body in load.refused()}
    assert errors <= {"storage_unavailable"}, errors


@pytest.fixture
def short_lock_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "LOCK_TIMEOUT_S", LOCK_TIMEOUT_S)


async def hold_write_lock(database: Database, seconds: float, table: str = "tickets") -> None:
    """Another session takes the write lock and keeps it for `seconds`.

    SQLite: another process in `BEGIN IMMEDIATE`. PostgreSQL: another connection holding
    `LOCK TABLE <table> IN ACCESS EXCLUSIVE MODE` (every commit writes `events`).
    """
    if database.url:
        await hold_postgres_table_lock(database.url, seconds, table)
        return
    script = (
        "import sqlite3, sys, time\n"
        "connection = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "connection.execute('BEGIN IMMEDIATE')\n"
        "print('locked', flush=True)\n"
        "time.sleep(float(sys.argv[2]))\n"
        "connection.execute('ROLLBACK')\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(database.data_dir / DATABASE_FILE), str(seconds),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    assert (await process.stdout.readline()).strip() == b"locked"
    await process.wait()


async def hold_postgres_table_lock(url: str, seconds: float, table: str = "tickets") -> None:
    import psycopg

    locked = threading.Event()

    def hold() -> None:
        with psycopg.connect(url) as connection:
            connection.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            locked.set()
            time.sleep(seconds)
            connection.rollback()

    holder = asyncio.create_task(asyncio.to_thread(hold))
    while not locked.is_set() and not holder.done():
        await asyncio.sleep(0.005)
    await holder


async def test_a_write_lock_held_by_another_process_loses_and_duplicates_nothing(
    start_office: StartOffice, short_lock_timeout: None, tmp_path: Path
) -> None:
    office = await start_office()
    load = Load(office)
    async with load.running():
        await asyncio.sleep(0.5)
        await hold_write_lock(office.database, 2.5 * LOCK_TIMEOUT_S)
        await asyncio.sleep(1.0)  # the server recovers and goes on issuing
    assert load.refused(), "the lock did not make any write fail: the test proves nothing"
    refusals_are_storage_errors(load)
    await assert_nothing_lost_or_given_twice(load)
    assert len(load.acknowledged()) > 100
    # and the office still works: the next ticket continues the numbering
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    assert status == 201
    issued_a = [int(body["number"][1:]) for body in load.acknowledged() if body["service"] == "A"]
    assert int(ticket["number"][1:]) == max(issued_a) + 1


async def test_an_idempotent_replay_never_returns_a_ticket_that_was_not_stored(
    start_office: StartOffice, short_lock_timeout: None, tmp_path: Path
) -> None:
    office = await start_office()
    locker = asyncio.create_task(hold_write_lock(office.database, 2.5 * LOCK_TIMEOUT_S))
    await asyncio.sleep(0.2)
    headers = {**office.auth("kiosk"), "Idempotency-Key": "kiosk-request-0001"}

    async def issue() -> tuple[int, dict[str, Any]]:
        async with office.session.post(
            office.api + "/tickets", json={"service": "A"}, headers=headers
        ) as answer:
            return answer.status, await answer.json()

    first, replay = await asyncio.gather(issue(), issue())
    await locker
    stored = stored_tickets(office.database)
    for status, body in (first, replay):
        if status == 201:
            assert body["id"] in stored and stored[body["id"]][0] == body["number"]
        else:
            assert (status, body["error"]) == (503, "storage_unavailable")
    # once the lock is gone (on PostgreSQL it held up the reload of the day too, so let the
    # server finish recovering) the same request gets one ticket, stored
    for _ in range(300):
        if not office.office.recovering:
            break
        await asyncio.sleep(0.01)
    status, ticket = await issue()
    assert status == 201 and stored_tickets(office.database)[ticket["id"]][0] == ticket["number"]
    status, again = await issue()
    assert status == 201 and again["id"] == ticket["id"]


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
@pytest.mark.parametrize("database_url", [None], ids=["sqlite"])  # the data dir's own disk
async def test_a_full_disk_loses_and_duplicates_nothing(
    start_office: StartOffice, tmp_path: Path
) -> None:
    with small_tmpfs(tmp_path / "disk", "16m") as disk:
        data_dir = disk / "data"
        office = await start_office(data_dir=data_dir)
        filler = disk / "filler"
        load = Load(office)
        async with load.running():
            await asyncio.sleep(0.3)
            with contextlib.suppress(OSError), filler.open("wb") as handle:
                while True:  # fill the disk to the last byte
                    handle.write(b"\0" * 65536)
                    handle.flush()
            for _ in range(5):
                with contextlib.suppress(OSError), filler.open("ab") as handle:
                    handle.write(b"\0" * 4096)
            await asyncio.sleep(1.0)
            refused_while_full = len(load.refused())
            filler.unlink()
            await asyncio.sleep(1.5)
        assert refused_while_full > 0, "the full disk made no write fail: the test proves nothing"
        refusals_are_storage_errors(load)
        await assert_nothing_lost_or_given_twice(load)
        issued_after = [body for status, body in load.answers[-200:] if status == 201]
        assert issued_after, f"no recovery once the disk had room again: {load.answers[-3:]}"
        await office.session.close()
        await office.server.close()
        await office.office.close()
        shutil.rmtree(data_dir, ignore_errors=True)


def cut_connections(url: str) -> int:
    """The database ends every other session on it (a restart, a network cut, a DBA)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_connections_cut_by_postgresql_lose_and_duplicate_nothing(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    assert office.database.url is not None
    load = Load(office)
    async with load.running():
        await asyncio.sleep(0.5)
        assert await asyncio.to_thread(cut_connections, office.database.url) >= 3
        await asyncio.sleep(2.5)  # the server reconnects, reloads the day and goes on
    assert load.refused(), "cutting the writer's connection failed no write: it proves nothing"
    refusals_are_storage_errors(load)
    await assert_nothing_lost_or_given_twice(load)
    issued_after = [body for status, body in load.answers[-200:] if status == 201]
    assert issued_after, f"no recovery after the connections were cut: {load.answers[-3:]}"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_tokens_are_checked_without_waiting_on_a_database_that_vanished(
    start_office: StartOffice, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    from server.storage.postgres_tokens import TokenSnapshot
    from tests.support.relay import Relay

    monkeypatch.setattr(TokenSnapshot, "STALE_S", 1.0)
    port = conninfo_to_dict(database_url)["port"]
    relay = Relay(int(port))
    try:
        through_relay = database_url.replace(f":{port}/", f":{relay.port}/")
        # the tokens are made directly; the office reaches the database through the relay
        office = await start_office(database_url_override=through_relay)
        async with office.session.get(
            office.api + "/snapshot", headers=office.auth("display")
        ) as answer:
            assert answer.status == 200
        relay.black_hole = True  # the database PC froze: nothing comes back, nothing is cut
        await asyncio.sleep(1.5)
        started = time.monotonic()
        # a token the office has not cached: the check must not wait on the network
        async with office.session.get(
            office.api + "/snapshot", headers=office.auth("admin")
        ) as answer:
            assert (answer.status, (await answer.json())["error"]) == (503, "storage_unavailable")
        assert time.monotonic() - started < 0.5
    finally:
        relay.close()  # the connections end: the office can stop


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_write_to_a_database_that_stopped_answering_fails_instead_of_hanging(
    start_office: StartOffice, database_url: str, short_lock_timeout: None
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    from tests.support.relay import Relay

    port = conninfo_to_dict(database_url)["port"]
    relay = Relay(int(port))
    try:
        office = await start_office(
            database_url_override=database_url.replace(f":{port}/", f":{relay.port}/")
        )
        assert (await office.post("/tickets", "kiosk", {"service": "A"}))[0] == 201
        relay.black_hole = True  # the database PC froze in the middle of the day
        started = time.monotonic()
        status, body = await office.post("/tickets", "kiosk", {"service": "A"})
        waited = time.monotonic() - started
        assert (status, body["error"]) == (503, "storage_unavailable")
        # the writer's deadline (2 x the lock timeout + 1 s), well inside a kiosk's 5 s
        assert waited < 2 * LOCK_TIMEOUT_S + 1.5, f"the answer took {waited:.1f} s"
    finally:
        relay.close()
    assert office.database.rows("SELECT number FROM tickets") == [("A001",)]
