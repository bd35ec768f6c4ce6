"""`antrian-central office renew NAME`: a re-installed or restored office's new record is
taken under the same office, the older records kept, every report counting all of them.

Real offices (in-process, SQLite data dirs, one clock the test moves) push through their
real forwarders to a real central; the renew is the real CLI in a child process. Every
visit is on one office day, 2026-12-01 (Asia/Jakarta), the figures worked out by hand
next to each test.
"""

from __future__ import annotations

import asyncio
import html
import re
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import psycopg
import pytest

from central.schema import BOOTSTRAP, CENTRAL_MIGRATIONS, MIGRATIONS
from central.store import CentralStore
from server import city
from server.main import run_backup, run_restore
from server.storage.postgres_schema import run_migrations
from server.storage.repository import hash_token
from tests.central.test_dashboard import sign_in
from tests.server.conftest import Clock, Running, StartOffice, start_office
from tests.server.test_city import forwarders, office_log, quick_retries, until
from tests.server.test_survey_api import answer, report
from tests.server.test_survey_carry import cli_config, stop
from tests.support.central import PROJECT_ROOT, RunningCentral, running_central
from tests.support.postgres import Cluster

__all__ = ["forwarders", "quick_retries", "start_office"]  # the office tests' fixtures

NAME = "Kecamatan Tangerang"
DAY = "2026-12-01"
OPENING = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 in Jakarta

# every office on SQLite in its own data dir: records are data dirs here
pytestmark = pytest.mark.parametrize("database_url", [None])


def all_of(value: int) -> dict[str, dict[str, int]]:
    return {"answers": {f"u{index}": value for index in range(1, 10)}}


@pytest.fixture(autouse=True)
def quick_conflict_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(city, "CONFLICT_RETRY_S", 0.1)


@pytest.fixture
def clock() -> Clock:
    return Clock(OPENING)


@pytest.fixture
async def central(postgres_cluster: Cluster, clock: Clock) -> AsyncIterator[RunningCentral]:
    async with running_central(postgres_cluster, clock) as running:
        yield running


def renew(central: RunningCentral, name: str) -> subprocess.CompletedProcess[str]:
    """`antrian-central --database URL office renew NAME`, as the city's administrator types it."""
    return subprocess.run(
        [sys.executable, "-m", "central", "--database", central.store.url, "office", "renew",
         name],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


async def visit(office: Running, clock: Clock, wait_min: int, answered: int | None = None) -> None:
    """A visitor waits `wait_min` minutes, is served at loket 1 for 2 minutes, and answers
    every SKM element with `answered` (if given)."""
    status, ticket = await office.post("/tickets", "kiosk", {"service": "A"})
    assert status == 201
    clock.now += timedelta(minutes=wait_min)
    assert (await office.post("/counters/1/next", "counter1"))[0] == 200
    clock.now += timedelta(minutes=2)
    assert (await office.post("/counters/1/done", "counter1"))[0] == 200
    if answered is not None:
        ticket["key"] = ticket["check_url"].split("key=", 1)[1]
        assert (await answer(office, ticket, all_of(answered)))[0] == 201


async def pushed(central: RunningCentral, office_id: int, office: Running) -> None:
    """Until the central's copy of the office's current record is the office's own log."""

    async def same() -> bool:
        return await central.events(office_id) == await office_log(office)

    await until(same)


async def conflicted(central: RunningCentral, office: Running) -> None:
    async def refused() -> bool:
        conflict = (await central.offices())[NAME]["conflict"]
        return conflict is not None and conflict["log_id"] == office.office.log_id

    await until(refused)


async def record_log(central: RunningCentral, office_id: int, record: int) -> list[Any]:
    status, body = await central.call(
        "GET", f"/api/v1/city/offices/{office_id}/log?record={record}&limit=10000"
    )
    assert status == 200, body
    return list(body["events"])


async def city_figures(central: RunningCentral) -> tuple[dict[str, Any], dict[str, Any]]:
    """The city summary (by office) and SKM of the day, both as JSON."""
    query = f"from={DAY}&to={DAY}"
    status, summary = await central.call(
        "GET", f"/api/v1/city/reports/summary?{query}&group=office"
    )
    assert status == 200, summary
    status, skm = await central.call("GET", f"/api/v1/city/reports/skm?{query}")
    assert status == 200, skm
    return summary, skm


@pytest.fixture
async def dashboard(central: RunningCentral) -> AsyncIterator[aiohttp.ClientSession]:
    """A browser session signed in to the city dashboard."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        await sign_in(central, session)
        yield session


async def dashboard_rows(
    central: RunningCentral, session: aiohttp.ClientSession
) -> list[tuple[str, str]]:
    """(office name, its row's html) of every row of the dashboard."""
    async with session.get(central.url + "/") as response:
        assert response.status == 200
        page = await response.text()
    return re.findall(
        r'<tr data-office="\d+" class="[^"]*">\s*<td class="name">'
        r'<a href="/offices/\d+">([^<]+)</a></td>(.*?)</tr>',
        page,
        re.S,
    )


async def test_a_restored_office_renewed_pushes_its_new_record_under_the_same_office(
    start_office: StartOffice, central: RunningCentral, forwarders: Any, clock: Clock,
    tmp_path: Path, dashboard: aiohttp.ClientSession,
) -> None:  # fmt: skip
    office_id, token = await central.add_office(NAME)
    office = await start_office(clock=clock, data_dir=tmp_path / "office")
    database, tokens = office.database, office.tokens
    await visit(office, clock, 5, answered=4)  # A001
    await visit(office, clock, 10)  # A002
    await stop(office)
    backup = tmp_path / "nightly.sqlite3"
    assert await asyncio.to_thread(run_backup, cli_config(database), backup) == 0
    office = await start_office(database=database, tokens=tokens, clock=clock)
    forwarder = forwarders(office, central.url, token)
    await visit(office, clock, 20, answered=3)  # A003
    status, _ = await office.post("/tickets", "kiosk", {"service": "A"})  # A004 waits
    assert status == 201
    await pushed(central, office_id, office)
    first_record = await office_log(office)
    await forwarder.stop()
    await stop(office)

    # the PC is restored from last night's backup: A001 and A002 again, under a new log_id
    assert await asyncio.to_thread(run_restore, cli_config(database), backup) == 0
    office = await start_office(database=database, tokens=tokens, clock=clock)
    clock.now += timedelta(minutes=1)
    await visit(office, clock, 30, answered=2)  # A003 of the restored record
    forwarder = forwarders(office, central.url, token)
    await conflicted(central, office)
    assert await central.events(office_id) == first_record  # the first record only, as before
    [(_name, row_html)] = await dashboard_rows(central, dashboard)
    assert (
        "konflik: kantor dipasang ulang; terima catatan barunya dengan antrian-central "
        f'office renew "{NAME}"'
    ) in html.unescape(row_html)

    done = renew(central, NAME)
    assert done.returncode == 0, done.stderr
    older = len(first_record)
    assert done.stdout == (
        f"kantor {NAME} (id {office_id}) kini memakai catatan barunya {office.office.log_id}; "
        "1 catatan lama tetap disimpan dan ikut dihitung di laporan kota\n"
    )
    # the very next push is taken whole, from event 1, with nothing done at the office
    await pushed(central, office_id, office)
    assert forwarder.status.conflict is False
    listed = (await central.offices())[NAME]
    assert listed["id"] == office_id and listed["conflict"] is None
    [old, new] = listed["records"]
    assert (old["id"], old["last_event_id"], old["current"]) == (office_id, older, False)
    assert new["current"] is True
    assert (new["log_id"], new["last_event_id"]) == (
        office.office.log_id,
        office.office.last_event_id,
    )
    assert await record_log(central, office_id, office_id) == first_record  # unchanged

    # by hand: A001 (5 min, all 4s) and A002 (10 min) are in both records: counted once;
    # A003 (20 min, all 3s) and A004 (waiting) of the first record; A003 of the restored
    # record (30 min, all 2s). 5 issued, 4 served, waits 5, 10, 20, 30 min: mean 16.25
    # min = 975 s, median 15 min = 900 s, max 1800 s; SKM: 3 respondents, each element
    # 4 + 3 + 2 = 9 → NRR 3.0 → IKM 75.00, C.
    summary, skm = await city_figures(central)
    [row] = summary["rows"]
    assert (row["office"], row["office_name"], row["issued"], row["served"]) == (
        office_id, NAME, 5, 4,
    )  # fmt: skip
    assert (row["wait_s"]["mean"], row["wait_s"]["median"], row["wait_s"]["max"]) == (
        975.0, 900.0, 1800.0,
    )  # fmt: skip
    assert summary["total"]["issued"] == 5 and summary["total"]["served"] == 4
    [mine] = skm["offices"]
    assert (mine["respondents"], mine["ikm"], mine["grade"]) == (3, 75.0, "C")
    assert mine["nrr"] == {f"u{index}": 3.0 for index in range(1, 10)}
    assert (skm["city"]["respondents"], skm["city"]["ikm"]) == (3, 75.0)
    # the office's own SKM report for the day counts what its restored record holds
    own_status, own = await report(office, f"from={DAY}&to={DAY}")
    assert own_status == 200 and own["respondents"] == 2  # A001 and its own A003

    # the dashboard: one row, no conflict; waiting: the restored record's queue (empty)
    figures = (await central.offices())[NAME]
    assert figures["today"] == {"issued": 5, "served": 4, "waiting": 0, "no_show": 0}
    assert figures["ikm_month"] == 75.0
    rows = await dashboard_rows(central, dashboard)
    assert [name for name, _html in rows] == [NAME]
    assert "konflik" not in rows[0][1]
    cells = dict(re.findall(r'<td class="(\w+)">([^<]*)', rows[0][1]))
    assert (cells["issued"], cells["served"], cells["waiting"]) == ("5", "4", "0")

    # what the office does next arrives as before, once and in order
    await visit(office, clock, 1)
    await pushed(central, office_id, office)
    assert (await central.offices())[NAME]["today"]["served"] == 5


async def reinstall(
    start_office: StartOffice, central: RunningCentral, forwarders: Any, clock: Clock,
    data_dir: Path, token: str,
) -> tuple[Running, Any]:  # fmt: skip
    """The office PC re-installed: a fresh data dir (a new, empty record), the same token."""
    office = await start_office(clock=clock, data_dir=data_dir)
    return office, forwarders(office, central.url, token)


async def test_two_re_installs_make_three_records_of_one_office(
    start_office: StartOffice, central: RunningCentral, forwarders: Any, clock: Clock,
    tmp_path: Path, dashboard: aiohttp.ClientSession,
) -> None:  # fmt: skip
    office_id, token = await central.add_office(NAME)
    logs: list[list[Any]] = []
    waits = [(5, 4), (10, 3), (15, 2)]  # each record: one visitor (wait, answers)
    for number, (wait, answered) in enumerate(waits, start=1):
        office, forwarder = await reinstall(
            start_office, central, forwarders, clock, tmp_path / f"pc{number}", token
        )
        await visit(office, clock, wait, answered=answered)
        if number == len(waits):
            status, _ = await office.post("/tickets", "kiosk", {"service": "A"})  # waits
            assert status == 201
        if number > 1:
            await conflicted(central, office)
            done = renew(central, NAME)
            assert done.returncode == 0, done.stderr
            assert f"{number - 1} catatan lama tetap disimpan" in done.stdout
        await pushed(central, office_id, office)
        logs.append(await office_log(office))
        await forwarder.stop()
        await stop(office)
        clock.now += timedelta(minutes=10)

    listed = (await central.offices())[NAME]
    records = [record["id"] for record in listed["records"]]
    assert len(records) == 3 and records[0] == office_id
    assert [await record_log(central, office_id, record) for record in records] == logs
    status, body = await central.call(
        "GET", f"/api/v1/city/offices/{office_id}/log?record={max(records) + 1}"
    )
    assert (status, body["error"]) == (404, "unknown_record")

    # by hand: A001 of each record served after 5, 10 and 15 min (mean 10 min = 600 s),
    # answers all 4s, 3s, 2s → NRR 3.0 → IKM 75.00; the last record's A002 waits
    summary, skm = await city_figures(central)
    [row] = summary["rows"]
    assert (row["issued"], row["served"], row["wait_s"]["mean"]) == (4, 3, 600.0)
    assert [(line["office"], line["served"]) for line in summary["ranking"]] == [(office_id, 3)]
    async with central.session.get(
        f"{central.url}/api/v1/city/reports/summary?from={DAY}&to={DAY}&group=office&format=csv",
        headers={"Authorization": f"Bearer {central.reader}"},
    ) as response:
        assert response.status == 200
        lines = (await response.read()).decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[1].startswith(f'"{NAME}","4","3",')
    assert (skm["offices"][0]["respondents"], skm["offices"][0]["ikm"]) == (3, 75.0)
    assert listed["today"] == {"issued": 4, "served": 3, "waiting": 1, "no_show": 0}
    status, visits = await central.call(
        "GET", f"/api/v1/city/offices/{office_id}/reports/visits?from={DAY}&to={DAY}"
    )
    assert status == 200, visits
    assert [(row["number"], row["status"], row["wait_s"]) for row in visits["rows"]] == [
        ("A001", "done", 300.0), ("A001", "done", 600.0), ("A001", "done", 900.0),
        ("A002", "waiting", None),
    ]  # fmt: skip
    assert [name for name, _html in await dashboard_rows(central, dashboard)] == [NAME]
    listing = subprocess.run(
        [sys.executable, "-m", "central", "--database", central.store.url, "office", "list"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert f"{office_id}\t{NAME}\t" in listing.stdout and "\t3 catatan" in listing.stdout


def test_a_renew_waits_for_an_ingest_holding_the_office(
    postgres_cluster: Cluster, database_url: None
) -> None:
    """An ingest holds the office's row (`FOR UPDATE`) for its whole batch: a renew begun
    meanwhile waits for it, then takes the record the office was refused last."""
    store = CentralStore(postgres_cluster.create_database())
    store.open()
    try:
        office, _token = store.add_office(NAME, OPENING)
        with psycopg.connect(store.url) as holder:
            holder.execute(
                "UPDATE offices SET log_id = %s, conflict_log_id = %s WHERE id = %s",
                ("5b0a5e1c-0000-4000-8000-000000000001", "5b0a5e1c-0000-4000-8000-000000000002",
                 office.id),
            )  # fmt: skip
            holder.commit()
            holder.execute("SELECT id FROM offices WHERE id = %s FOR UPDATE", (office.id,))
            finished = threading.Event()
            thread = threading.Thread(
                target=lambda: (store.renew(NAME, OPENING), finished.set()), daemon=True
            )
            thread.start()
            time.sleep(0.5)
            assert not finished.is_set()  # waiting for the ingest's lock
            # the ingest refuses a still newer record (re-installed once more) and commits
            holder.execute(
                "UPDATE offices SET conflict_log_id = %s WHERE id = %s",
                ("5b0a5e1c-0000-4000-8000-000000000003", office.id),
            )
            holder.commit()
            thread.join(10)
        assert finished.is_set()
        renewed = store.office(office.id)
        assert renewed is not None and renewed.conflict_log_id is None
        assert renewed.log_id == "5b0a5e1c-0000-4000-8000-000000000003"
        assert len(renewed.records) == 2
    finally:
        store.close()


def test_a_central_of_schema_1_keeps_its_offices_and_may_renew_them(
    postgres_cluster: Cluster, database_url: None
) -> None:
    """A city database the central before renew made (schema 1) is migrated at start:
    each office keeps its record (as its first), its token, and may be renewed."""
    url = postgres_cluster.create_database()
    held, refused = "5b0a5e1c-0000-4000-8000-00000000000a", "5b0a5e1c-0000-4000-8000-00000000000b"
    with psycopg.connect(url, autocommit=True) as connection:
        with connection.transaction():
            for statement in BOOTSTRAP:
                connection.execute(statement)
        assert run_migrations(connection, replace(CENTRAL_MIGRATIONS, steps=MIGRATIONS[:1])) == 1
        connection.execute(
            "INSERT INTO offices (name, token_hash, created_at, log_id, last_event_id, "
            "conflict_log_id, conflict_at) VALUES (%s, %s, %s, %s, 7, %s, %s)",
            (NAME, hash_token("city_lama"), OPENING, held, refused, OPENING),
        )
    store = CentralStore(url)
    store.open()
    try:
        office = store.office_for_token("city_lama")
        assert office is not None and (office.log_id, office.last_event_id) == (held, 7)
        assert [record.id for record in office.records] == [office.id]
        store.renew(NAME, OPENING)
        renewed = store.office_for_token("city_lama")
        assert renewed is not None and renewed.id == office.id
        assert (renewed.log_id, renewed.last_event_id, renewed.conflict_log_id) == (
            refused,
            0,
            None,
        )
        assert [(record.log_id, record.last_event_id) for record in renewed.records] == [
            (held, 7), (refused, 0),
        ]  # fmt: skip
        assert [item.name for item in store.offices()] == [NAME]  # listed once
    finally:
        store.close()
