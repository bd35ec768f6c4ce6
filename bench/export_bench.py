"""How long the report downloads take on a year of an office's record.

    python bench/export_bench.py [--database sqlite|postgresql] [--per-day 500] [--repeat 3]

A year (every Monday-Friday of 2026) of `--per-day` visits is written straight into the
tickets table, as the server leaves finished tickets (three services, waits of 0-60 minutes,
5 % no-show); then the November downloads are timed end to end, reading included:
the monthly PDF and XLSX (the issue's bounds: XLSX of a month < 2 s, PDF < 3 s), the
summary of the month by day and service as XLSX, and the month's visits as XLSX.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.config import parse_config
from server.reports import query
from server.reports.monthly_query import gather_monthly
from server.reports.pdf import monthly_pdf
from server.reports.summary import Group
from server.reports.xlsx import monthly_workbook, summary_workbook, visits_workbook
from server.storage.port import Store
from server.storage.schema import DATABASE_FILE
from tests.support.database import Database
from tests.support.postgres import Cluster, find_bin_dir

SETTINGS = parse_config(
    {
        "office": {"name": "Kecamatan Karawaci", "region": "Pemerintah Kota Tangerang",
                   "head_name": "Drs. H. Ahmad Fauzi, M.Si.", "head_nip": "198001012005011001"},
        "services": [
            {"code": "A", "name": "Administrasi Kependudukan", "target_wait_minutes": 30},
            {"code": "B", "name": "Perizinan", "target_wait_minutes": 45},
            {"code": "C", "name": "Legalisasi", "target_wait_minutes": 15},
        ],
        "counters": [{"number": n, "services": ["A", "B", "C"]} for n in range(1, 7)],
    }
)  # fmt: skip
JAKARTA = timedelta(hours=7)
MONTH = date(2026, 11, 1)
TODAY = date(2026, 12, 1)
COLUMNS = (
    "id, day, number, sequence, issued_service, service, priority, status, issued_at, lane, "
    "sort_key, key, counter, called_at, finished_at, recalls, requeued, clerk, transfers, "
    "requeues"
)


def year_of_rows(per_day: int) -> list[tuple[object, ...]]:
    """Every working day of 2026, `per_day` finished visits from 08:00 on."""
    chance = random.Random(2026)
    rows: list[tuple[object, ...]] = []
    day = date(2026, 1, 1)
    ticket_id = 0
    while day.year == 2026:
        if day.weekday() < 5:
            opened = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) - JAKARTA
            counts = {"A": 0, "B": 0, "C": 0}
            for index in range(per_day):
                ticket_id += 1
                service = chance.choice("AAABBC")
                counts[service] += 1
                issued = opened + timedelta(seconds=index * 25_200 / per_day)
                status = "no_show" if chance.random() < 0.05 else "done"
                called = issued + timedelta(seconds=chance.uniform(0, 3600))
                finished = called + timedelta(seconds=chance.uniform(120, 900))
                rows.append((
                    ticket_id, day.isoformat(), f"{service}{counts[service]:03d}",
                    counts[service], service, service, False, status, issued.isoformat(), 0,
                    float(ticket_id), f"k{ticket_id}", chance.randint(1, 6), called.isoformat(),
                    finished.isoformat(), 0, False, None, 0, 0,
                ))  # fmt: skip
        day += timedelta(days=1)
    return rows


def fill(database: Database, rows: list[tuple[object, ...]]) -> None:
    marks = ", ".join(["?"] * len(COLUMNS.split(",")))
    if database.url:
        import psycopg

        with psycopg.connect(database.url) as connection, connection.cursor() as cursor:
            values = [(*row[:1], date.fromisoformat(str(row[1])), *row[2:]) for row in rows]
            cursor.executemany(
                f"INSERT INTO tickets ({COLUMNS}) VALUES ({marks.replace('?', '%s')})", values
            )
        return
    connection = sqlite3.connect(database.data_dir / DATABASE_FILE)
    with connection:
        connection.executemany(f"INSERT INTO tickets ({COLUMNS}) VALUES ({marks})", rows)
    connection.close()


def timed(action: Callable[[], bytes], repeat: int) -> tuple[float, float, int]:
    durations, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(action())
        durations.append(time.perf_counter() - started)
    return statistics.median(durations), max(durations), size


def run(store: Store, repeat: int) -> None:
    last = date(2026, 11, 30)

    def monthly(render: str) -> bytes:
        report = gather_monthly(store, SETTINGS, MONTH, TODAY, None)
        return monthly_pdf(report) if render == "pdf" else monthly_workbook(report)

    def summary() -> bytes:
        result = query.summary(store, MONTH, last, [Group.DAY, Group.SERVICE],
                               settings=SETTINGS, today=TODAY)  # fmt: skip
        return summary_workbook(result.to_json())

    def visits() -> bytes:
        result = query.visits(store, MONTH, last, settings=SETTINGS, today=TODAY)
        return visits_workbook(result.to_json(), SETTINGS.zone)

    for name, action, bound in (
        ("monthly PDF (one page)", lambda: monthly("pdf"), 3.0),
        ("monthly XLSX", lambda: monthly("xlsx"), 2.0),
        ("summary XLSX, month by day x service", summary, 2.0),
        ("visits XLSX, the month's rows", visits, 2.0),
    ):
        median, worst, size = timed(action, repeat)
        limit = f" (bound {bound:.0f} s: {'ok' if worst < bound else 'OVER'})" if bound else ""
        print(f"{name:40s} median {median:6.2f} s, max {worst:6.2f} s, {size / 1024:7.0f} KiB"
              f"{limit}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    cluster: Cluster | None = None
    if arguments.database == "postgresql":
        bin_dir = find_bin_dir()
        if bin_dir is None:
            print("PostgreSQL is not installed (install.sh --dev installs it)", file=sys.stderr)
            return 2
        cluster = Cluster(bin_dir).start()
    try:
        with tempfile.TemporaryDirectory(prefix="antrian-export-bench-") as folder:
            database = Database(Path(folder), cluster.create_database() if cluster else None)
            store = database.store()
            store.open_existing()
            rows = year_of_rows(arguments.per_day)
            fill(database, rows)
            in_month = sum(1 for row in rows if str(row[1]).startswith("2026-11"))
            print(f"database: {database.engine}, {len(rows)} visits in 2026, {in_month} in "
                  f"November")  # fmt: skip
            try:
                run(store, arguments.repeat)
            finally:
                store.close()
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
