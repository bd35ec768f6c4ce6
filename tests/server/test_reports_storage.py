"""What the reports need from storage: the upgrade of older tickets, a worker that dies."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from server.reports.worker import ReportRunner
from server.storage.schema import DATABASE_FILE
from tests.server.conftest import StartOffice

TICKET = (
    "INSERT INTO tickets (id, day, number, sequence, issued_service, service, priority, "
    "status, issued_at, lane, sort_key, key) VALUES "
    "(1, '2026-11-23', 'A001', 1, 'A', 'B', {false}, 'waiting', '2026-11-23T08:00:00+07:00', "
    "1, 1.0, 'k')"
)
EVENTS = (
    "INSERT INTO events (id, v, type, at, day, ticket, tickets, data) VALUES "
    "(1, 1, 'ticket.issued', '2026-11-23T08:00:00+07:00', '2026-11-23', 1, '[]', '{{}}'), "
    "(2, 1, 'ticket.requeued', '2026-11-23T08:10:00+07:00', '2026-11-23', 1, '[]', '{{}}'), "
    "(3, 1, 'ticket.transferred', '2026-11-23T08:20:00+07:00', '2026-11-23', 1, '[]', '{{}}'), "
    "(4, 1, 'ticket.requeued', '2026-11-23T08:30:00+07:00', '2026-11-23', 1, '[]', '{{}}')"
)


def test_an_older_sqlite_database_counts_transfers_and_requeues_from_its_record(
    tmp_path: Path,
) -> None:
    from server.storage.schema import MIGRATIONS, connect, open_database

    connection = connect(tmp_path / DATABASE_FILE)
    for migration in MIGRATIONS[:6]:
        migration(sqlite_utils.Database(connection))
    connection.execute("PRAGMA user_version=6")
    connection.execute("DELETE FROM events")
    connection.execute(TICKET.format(false=0))
    connection.execute(EVENTS.format())
    connection.close()
    upgraded = open_database(tmp_path)
    row = upgraded.execute("SELECT clerk, transfers, requeues FROM tickets").fetchone()
    upgraded.close()
    assert row == (None, 1, 2)


def test_an_older_postgresql_database_counts_transfers_and_requeues_from_its_record(
    postgres_cluster: Any,
) -> None:
    from server.storage.postgres_schema import MIGRATIONS, bootstrap, connect, migrate

    connection = connect(postgres_cluster.create_database())
    try:
        bootstrap(connection)
        with connection.transaction(), connection.cursor() as cursor:
            for migration in MIGRATIONS[:4]:
                migration(cursor)
            cursor.execute("UPDATE schema_version SET version = 4")
            cursor.execute(TICKET.format(false="false"))
            cursor.execute(EVENTS.format())
        migrate(connection)
        row = connection.execute("SELECT clerk, transfers, requeues FROM tickets").fetchone()
    finally:
        connection.close()
    assert row == (None, 1, 2)


async def test_a_report_worker_that_died_is_replaced(start_office: StartOffice) -> None:
    office = await start_office()
    headers = office.auth("admin")
    path = office.api + "/reports/summary?from=2026-11-23&to=2026-11-23"
    async with office.session.get(path, headers=headers) as answer:
        assert answer.status == 200
    pool = ReportRunner._pool
    assert pool is not None
    for pid in list(pool._processes):  # the worker process, as a crash would end it
        os.kill(pid, signal.SIGKILL)
    async with office.session.get(path, headers=headers) as answer:
        assert answer.status == 200
        assert (await answer.json())["total"]["issued"] == 0
    assert ReportRunner._pool is not pool


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "+62 811", "@Siti", "-1"])
def test_a_clerk_name_that_looks_like_a_formula_is_plain_text_in_the_csv(name: str) -> None:
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from server.reports.csv_text import visits_csv
    from server.reports.summary import VisitsResult
    from server.reports.visit import Visit, VisitStatus

    zone = ZoneInfo("Asia/Jakarta")
    moment = datetime(2026, 11, 23, 8, 0, tzinfo=zone)
    visit = Visit.of("A001", "A", "A", False, VisitStatus.DONE, date(2026, 11, 23), moment,
                     moment, moment, 1, name)  # fmt: skip
    text = visits_csv(VisitsResult(visit.day, visit.day, (visit,), zone)).decode("utf-8-sig")
    assert f'"\'{name}"'.replace('"x"', '""x""') in text
