"""PostgreSQL's lease: one active server per database; a server that lost it stores nothing.

A second store on the same database is a standby that writes and migrates nothing; a
server whose lease another holder took (its epoch bumped from another connection, as a
standby taking over would) has every write refused under load, loses no acknowledged
ticket and hands no number out twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

import pytest

from server.storage import postgres_lease
from server.storage.postgres import PostgresStore
from tests.server.conftest import StartOffice
from tests.server.test_storage_faults import Load, assert_nothing_lost_or_given_twice
from tests.support.database import Database

on_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@on_postgresql
def test_a_second_store_is_a_standby_until_the_first_one_lets_go(database_url: str) -> None:
    first = PostgresStore(database_url)
    second = PostgresStore(database_url)
    try:
        assert first.acquire()
        first.announce_address("http://10.0.0.5:8470")
        started = time.monotonic()
        assert not second.acquire(), "two servers hold one database"
        # it decided on seeing the holder renew the lease, well before the lease could expire
        assert time.monotonic() - started < postgres_lease.LEASE_TTL_S
        active = second.active_server()
        assert active is not None and active.url == "http://10.0.0.5:8470"
        assert active.server == first._lease.server
        second.close()  # a standby that stops leaves the lease alone
        onlooker = PostgresStore(database_url)
        assert onlooker.active_server() == active
        onlooker.close()
        first.close()  # a clean stop frees it: the next server need not wait
        third = PostgresStore(database_url)
        started = time.monotonic()
        assert third.acquire()
        assert time.monotonic() - started < 0.5
        third.close()
    finally:
        second.close()
        first.close()


@on_postgresql
def test_a_standby_on_an_empty_database_creates_nothing_but_the_lease(database_url: str) -> None:
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        # another server holds the lease of a database it has not migrated yet
        connection.execute(
            "CREATE TABLE lease (id integer PRIMARY KEY CHECK (id = 1), holder text, "
            "epoch bigint NOT NULL DEFAULT 0, renewed_at timestamptz, acquired_at timestamptz, "
            "server text, url text)"
        )
        connection.execute(
            "INSERT INTO lease VALUES (1, 'other', 7, now(), now(), 'pc-2 (pid 1)', NULL)"
        )
        keep_renewing = threading.Event()

        def renew() -> None:
            with psycopg.connect(database_url, autocommit=True) as renewer:
                while not keep_renewing.wait(0.3):
                    renewer.execute("UPDATE lease SET renewed_at = now()")

        renewer = threading.Thread(target=renew)
        renewer.start()
        store = PostgresStore(database_url)
        try:
            assert not store.acquire()
        finally:
            keep_renewing.set()
            renewer.join()
            store.close()
        tables = connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        assert tables == [("lease",), ("schema_version",)]
        assert connection.execute("SELECT version FROM schema_version").fetchone() == (0,)
        assert connection.execute("SELECT holder, epoch FROM lease").fetchone() == ("other", 7)


def take_lease(url: str) -> None:
    """What a standby taking over does: a new holder and the next epoch."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            "UPDATE lease SET holder = 'standby-pc', epoch = epoch + 1, renewed_at = now() "
            "WHERE id = 1"
        )


@on_postgresql
async def test_a_server_whose_lease_was_taken_stores_nothing_and_loses_nothing(
    start_office: StartOffice,
) -> None:
    office = await start_office()
    database: Database = office.database
    assert database.url is not None
    load = Load(office)
    async with load.running():
        await asyncio.sleep(0.5)
        await asyncio.to_thread(take_lease, database.url)
        stored_when_taken = database.rows("SELECT count(*) FROM tickets")[0][0]
        events_when_taken = database.rows("SELECT count(*) FROM events")[0][0]
        await asyncio.sleep(1.0)
        refused_after = len(load.refused())
    assert stored_when_taken > 50, "too little load before the takeover to prove anything"
    assert refused_after > 0, "the server went on answering: the fence did not work"
    # refused while it found out, then a standby
    assert {body.get("error") for body in load.refused()} <= {"storage_unavailable", "standby"}
    assert office.office.standby
    # not one row was stored after the lease was taken
    assert database.rows("SELECT count(*) FROM tickets")[0][0] == stored_when_taken
    assert database.rows("SELECT count(*) FROM events")[0][0] == events_when_taken
    ids = [event_id for (event_id,) in database.rows("SELECT id FROM events ORDER BY id")]
    assert ids == list(range(1, len(ids) + 1)), "the record has a gap"
    await assert_nothing_lost_or_given_twice(load, flush=False)
    # and it goes on refusing: it is a standby now, no longer the database's writer
    status, body = await office.post("/tickets", "kiosk", {"service": "A"})
    assert (status, body["error"]) == (503, "standby")
    assert database.rows("SELECT holder FROM lease") == [("standby-pc",)]


@on_postgresql
@pytest.mark.parametrize("taker", ["standby", "starting"])
def test_a_takeover_ends_the_write_a_frozen_holder_left_open_inside_a_batch(
    database_url: str, taker: str
) -> None:
    """The holder froze (SIGSTOP, a hung PC) inside a batch: its INSERT of event 1 ran, the
    rest of the pipelined batch never came. PostgreSQL ends no such session by itself (no
    statement runs and, before the batch's Sync, it is not idle in a transaction), and its
    uncommitted row holds id 1: the new holder's write of id 1 would wait on it until it
    timed out, again and again. Taking over ends it: by a standby that was watching, or by a
    server starting meanwhile."""
    import psycopg

    first = PostgresStore(database_url)
    second = PostgresStore(database_url)
    stuck_pid: list[int] = []
    frozen = threading.Event()
    release = threading.Event()

    def write_and_freeze() -> None:
        connection = first._writing()  # the holder's own writer connection
        with (
            contextlib.suppress(psycopg.Error),
            connection.transaction(),
            connection.pipeline(),
        ):
            stuck_pid.append(connection.info.backend_pid)
            inserted = connection.execute(
                "INSERT INTO events (id, v, type, at, day, tickets, data) "
                "VALUES (1, 1, 'ticket.issued', '', '2026-12-01', '[]', '{}') RETURNING id"
            )
            # its result asked for (a flush, no Sync): it ran; the batch would go on, but
            # nothing more comes
            assert inserted.fetchone() == (1,)
            frozen.set()
            release.wait(30)

    try:
        assert first.acquire()
        if taker == "standby":
            assert not second.acquire()
        writer = threading.Thread(target=write_and_freeze)
        writer.start()
        assert frozen.wait(5)
        first._lease._stopping.set()  # the frozen holder renews no more
        started = time.monotonic()
        if taker == "standby":
            while not second._lease.take_if_expired():
                assert time.monotonic() - started < 10, "the standby never took over"
                time.sleep(postgres_lease.WATCH_INTERVAL_S)
        else:
            assert second.acquire()  # once the lease expired
        took_over_s = time.monotonic() - started
        assert took_over_s < postgres_lease.LEASE_TTL_S + 2
        with psycopg.connect(database_url, autocommit=True) as onlooker:
            alive = onlooker.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (stuck_pid[0],)
            ).fetchone()
            assert alive == (0,), "the frozen holder's open write still holds its rows"
            # what the new holder's first write needs: id 1, not blocked
            onlooker.execute("SET lock_timeout = '2s'")
            onlooker.execute(
                "INSERT INTO events (id, v, type, at, day, tickets, data) "
                "VALUES (1, 1, 'ticket.issued', '', '2026-12-01', '[]', '{}')"
            )
    finally:
        release.set()
        second.close()
        first.close()
