"""City benchmark: ingest rate, the dashboard and a month report on two years of 13 offices,
and an office catching up after a day offline.

    python bench/city_bench.py [--events 1000000] [--years 2] [--per-day 430] [--renewed 1]
                               [--visitors 600]

On a throwaway PostgreSQL cluster (tests/support/postgres.py):

1. ingest: a real `antrian-central` process; 13 offices push `--events` events in all
   (issued, called, done per ticket, as the office's log has them) concurrently, in
   batches of 1,000, over HTTP; events per second from the first request to the last
   answer.
2. history: 13 offices × `--years` years × `--per-day` tickets a day written with COPY
   straight into the central's tickets table, and the survey answers of one visitor in 8
   into its events table (a fresh database; `--renewed` of the offices restored from a
   backup 20 days before the end and renewed, their visits and answers in two records),
   then the time of `GET /api/v1/city/offices` (the dashboard, with this month's IKM), of
   a city month report (`/api/v1/city/reports/summary?group=office` over one month, as
   JSON and as the printable PDF) and of the city SKM report
   (`/api/v1/city/reports/skm`, that month and the year to its end), median of 5.
3. catch-up: a real office (`antrian-server`'s Office on SQLite, in this process) serves
   `--visitors` visitors (issue, call, done) while its central is away, then its forwarder
   starts: the time until the central holds its whole log.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import orjson
import psycopg

from central.store import EVENT_COPY_COLUMNS, CentralStore
from tests.support.postgres import Cluster, find_bin_dir

OFFICES = 13
BATCH = 1000
ROOT = Path(__file__).resolve().parents[1]
WIB = "+07:00"


def moment(day: date, seconds: int) -> str:
    hours, rest = divmod(8 * 3600 + seconds, 3600)
    return f"{day.isoformat()}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}{WIB}"


def ticket_events(first_id: int, count: int, name: str) -> Iterator[list[dict[str, Any]]]:
    """`count` events of whole visits (issued, called, done), ids from `first_id`, in
    batches (made as they are sent: a million events at once would not fit in memory)."""
    events: list[dict[str, Any]] = []
    sent = 0
    day = date(2025, 1, 2)
    ticket_id = 1
    per_day = 430
    while sent + len(events) < count:
        if len(events) >= BATCH:
            yield events[:BATCH]
            sent += BATCH
            events = events[BATCH:]
            continue
        issued_s = (ticket_id % per_day) * 60
        record = {
            "id": ticket_id, "day": day.isoformat(), "number": f"A{ticket_id % per_day:03d}",
            "issued_service": "A", "service": "A", "priority": False, "status": "waiting",
            "issued_at": moment(day, issued_s), "counter": None, "called_at": None,
            "finished_at": None, "recalls": 0, "requeued": False, "transferred_from": None,
        }  # fmt: skip
        called = dict(record, status="called", counter=1, called_at=moment(day, issued_s + 600))
        done = dict(called, status="done", finished_at=moment(day, issued_s + 900))
        for kind, state, offset in (
            ("ticket.issued", record, 0), ("ticket.called", called, 600),
            ("ticket.done", done, 900),
        ):  # fmt: skip
            events.append(
                {
                    "id": first_id + sent + len(events),
                    "v": 1,
                    "type": kind,
                    "at": moment(day, issued_s + offset),
                    "day": day.isoformat(),
                    "office": name,
                    "ticket": ticket_id,
                    "tickets": [state],
                    "counter": 1,
                    "clerk": None,
                    "data": {"counters": [{"number": 1, "state": "open", "current": None}]},
                }
            )
        ticket_id += 1
        if ticket_id % per_day == 0:
            day += timedelta(days=1)
    yield events[: count - sent]


def start_central(url: str, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port_file = workdir / "central.port"
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "central", "--database", url, "--host", "127.0.0.1",
         "--port", "0", "--port-file", str(port_file)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not port_file.exists() or not port_file.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("antrian-central did not start")
        time.sleep(0.05)
    return process, f"http://127.0.0.1:{port_file.read_text()}"


async def push_office(
    session: aiohttp.ClientSession, base: str, token: str,
    batches: Iterator[list[dict[str, Any]]],
) -> None:  # fmt: skip
    log_id = str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for batch in batches:
        body = orjson.dumps({"log_id": log_id, "events": batch})
        async with session.post(f"{base}/api/v1/city/ingest", data=body, headers=headers) as answer:
            if answer.status != 200:
                raise RuntimeError(f"ingest answered {answer.status}: {await answer.text()}")


def bench_ingest(cluster: Cluster, total: int, workdir: Path) -> None:
    url = cluster.create_database()
    store = CentralStore(url)
    store.open()
    tokens = [store.add_office(f"Kecamatan {index + 1}", datetime.now(UTC))[1]
              for index in range(OFFICES)]  # fmt: skip
    reader = store.create_token("bench", datetime.now(UTC))
    store.close()
    per_office = total // OFFICES
    events = [ticket_events(1, per_office, f"Kecamatan {index + 1}") for index in range(OFFICES)]
    process, base = start_central(url, workdir)
    try:

        async def run() -> float:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600)) as session:
                started = time.perf_counter()
                await asyncio.gather(
                    *(push_office(session, base, token, office_events)
                      for token, office_events in zip(tokens, events, strict=True))
                )  # fmt: skip
                elapsed = time.perf_counter() - started
                headers = {"Authorization": f"Bearer {reader}"}
                async with session.get(f"{base}/api/v1/city/offices", headers=headers) as answer:
                    offices = (await answer.json())["offices"]
                held = sum(office["last_event_id"] for office in offices)
                assert held == per_office * OFFICES, held
                return elapsed

        elapsed = asyncio.run(run())
    finally:
        process.terminate()
        process.wait(10)
    count = per_office * OFFICES
    print(f"ingest: {count:,} events from {OFFICES} offices in {elapsed:.1f} s = "
          f"{count / elapsed:,.0f} events/s (batches of {BATCH}, over HTTP)")  # fmt: skip


def fill_history(url: str, years: int, per_day: int, renewed: int) -> tuple[list[int], date]:
    """13 offices' tickets of `years` years, COPYed into the central's tables; the first
    `renewed` of them restored from a backup and renewed (`restore_office`)."""
    store = CentralStore(url)
    store.open()
    ids = [store.add_office(f"Kecamatan {index + 1}", datetime.now(UTC))[0].id
           for index in range(OFFICES)]  # fmt: skip
    store.close()
    last = date.today()
    first = last - timedelta(days=365 * years - 1)
    rows = answers = 0
    with psycopg.connect(url, autocommit=True) as connection:
        for office_id in ids:
            buffer = io.StringIO()
            day = first
            ticket_id = 1
            while day <= last:
                for index in range(per_day):
                    issued = datetime(day.year, day.month, day.day, 1, tzinfo=UTC) + timedelta(
                        seconds=index * 50
                    )
                    wait = 120 + (index * 37) % 1500
                    status = "done" if index % 20 else "no_show"
                    called = issued + timedelta(seconds=wait)
                    finished = called + timedelta(seconds=300)
                    buffer.write(
                        f"{office_id}\t{ticket_id}\t{day}\tA{index:03d}\tA\tA\tf\t{status}\t"
                        f"{issued.isoformat()}\t{called.isoformat()}\t"
                        f"{finished.isoformat() if status == 'done' else chr(92) + 'N'}\t1\tf\t"
                        f"\\N\t{ticket_id * 3}\t{{}}\n"
                    )
                    ticket_id += 1
                day += timedelta(days=1)
            rows += ticket_id - 1
            answers += copy_answers(connection, office_id, first, last, per_day)
            buffer.seek(0)
            with (
                connection.cursor() as cursor,
                cursor.copy(
                    "COPY tickets (office, id, day, number, issued_service, service, priority, "
                    "status, issued_at, called_at, finished_at, counter, requeued, "
                    "transferred_from, event_id, record) FROM STDIN"
                ) as copy,
            ):
                while chunk := buffer.read(1 << 20):
                    copy.write(chunk)
            connection.execute(
                "UPDATE offices SET last_seen = now(), utc_offset_s = 25200, "
                "targets = '{\"A\": 15}', last_event_id = %s WHERE id = %s",
                (ticket_id * 3, office_id),
            )
        for office_id in ids[:renewed]:
            rows += restore_office(connection, office_id, last)
        connection.execute("ANALYZE")
        (events,) = connection.execute("SELECT count(*) FROM events").fetchone() or (0,)
    print(f"history: {rows:,} tickets and {answers:,} survey answers ({events:,} event rows) "
          f"of {OFFICES} offices × {years} years written with COPY; {renewed} of them restored "
          f"from a backup and renewed")  # fmt: skip
    return ids, last


def answered(index: int) -> bool:
    """Whether the day's `index`th visitor (served: `index % 20`) answers the survey: one
    in 8, some 12 % of the visits."""
    return index % 8 == 3 and index % 20 != 0


def answer_values(ticket_id: int) -> list[int]:
    """The nine answers (1-4, mostly 3 and 4) of the visit `ticket_id`."""
    return [(1, 2, 3, 3, 3, 4, 4, 4, 4)[(ticket_id * 7 + element * 3) % 9] for element in range(9)]


def copy_answers(
    connection: psycopg.Connection[Any], office_id: int, first: date, last: date, per_day: int
) -> int:
    """The office's `survey.answered` events from `first` to `last` (as the central's ingest
    stores them: `data` with the visit's day and the answers u1..u9), COPYed into events:
    one visitor in 8, most a few minutes after the visit, one in 5 of them the next morning
    (the event's day after the visit's). Event ids follow the tickets' (`3 × ticket id + 1`)."""
    buffer = io.StringIO()
    day = first
    ticket_id = 1
    count = 0
    while day <= last:
        for index in range(per_day):
            if answered(index):
                issued = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)
                at = issued + timedelta(seconds=index * 50 + 120 + (index * 37) % 1500 + 400)
                if index % 5 == 3:  # answered by phone the next morning
                    at = issued + timedelta(days=1, seconds=index * 7)
                local = at.astimezone(timezone(timedelta(hours=7)))
                data = {
                    "service": "A", "visit_day": day.isoformat(), "channel": "phone",
                    "answers": {f"u{element + 1}": value
                                for element, value in enumerate(answer_values(ticket_id))},
                }  # fmt: skip
                buffer.write(
                    f"{office_id}\t{ticket_id * 3 + 1}\t1\tsurvey.answered\t"
                    f"{local.isoformat()}\t\\N\t{at.isoformat()}\t{local.date()}\t"
                    f"{ticket_id}\t1\t\\N\tf\t[]\t{orjson.dumps(data).decode()}\n"
                )
                count += 1
            ticket_id += 1
        day += timedelta(days=1)
    buffer.seek(0)
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY events ({EVENT_COPY_COLUMNS}) FROM STDIN") as copy,
    ):
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return count


def restore_office(connection: psycopg.Connection[Any], office_id: int, last: date) -> int:
    """Make the office one that `office renew` took back after a restore: its PC died 15
    days before `last`, the backup of 20 days before was restored into a new record that
    went on from the next day to `last`. The new record holds the backup's tickets again
    (the same ids, numbers and times: counted once) and its own after (times a few seconds
    apart); the office's figures stay those of an office never restored."""
    backup, died = last - timedelta(days=20), last - timedelta(days=15)
    (record,) = connection.execute(
        "INSERT INTO offices (record_of, created_at, log_id, last_event_id, last_seen) "
        "SELECT id, now(), %s, last_event_id, now() FROM offices WHERE id = %s RETURNING id",
        (str(uuid.uuid4()), office_id),
    ).fetchone() or (None,)
    connection.execute(  # the record it pushes now, as `office renew` names it
        "UPDATE offices SET current_record = %s WHERE id = %s", (record, office_id)
    )
    copied = connection.execute(
        "INSERT INTO tickets (office, id, day, number, issued_service, service, priority, "
        "status, issued_at, called_at, finished_at, counter, requeued, transferred_from, "
        "event_id, record) SELECT %s, id, day, number, issued_service, service, priority, "
        "status, issued_at + CASE WHEN day > %s THEN interval '7 s' ELSE interval '0' END, "
        "called_at, finished_at, counter, requeued, transferred_from, event_id, record "
        "FROM tickets WHERE office = %s AND (day <= %s OR day > %s)",
        (record, backup, office_id, backup, died),
    ).rowcount
    removed = connection.execute(
        "DELETE FROM tickets WHERE office = %s AND day > %s", (office_id, died)
    ).rowcount
    # its survey answers alike: the backup's held in both records (the same ids, times and
    # data: counted once), the answers of the new record's visits in it alone
    columns = EVENT_COPY_COLUMNS.removeprefix("office, ")
    connection.execute(
        f"INSERT INTO events (office, {columns}) SELECT %s, {columns} FROM events "
        "WHERE office = %s AND (day <= %s OR (data->>'visit_day')::date > %s)",
        (record, office_id, backup, died),
    )
    connection.execute(
        "DELETE FROM events WHERE office = %s AND (data->>'visit_day')::date > %s",
        (office_id, died),
    )
    return copied - removed


def bench_history(cluster: Cluster, years: int, per_day: int, renewed: int, workdir: Path) -> None:
    url = cluster.create_database()
    started = time.perf_counter()
    _ids, last = fill_history(url, years, per_day, renewed)
    print(f"  (generated and copied in {time.perf_counter() - started:.0f} s)")
    store = CentralStore(url)
    reader = store.create_token("bench", datetime.now(UTC))
    store.close()
    month_first = last.replace(day=1) - timedelta(days=1)
    month = month_first.replace(day=1)
    process, base = start_central(url, workdir)
    try:
        headers = {"Authorization": f"Bearer {reader}"}

        async def timed(path: str) -> list[float]:
            times = []
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
                for _ in range(5):
                    started = time.perf_counter()
                    async with session.get(base + path, headers=headers) as answer:
                        await answer.read()
                        assert answer.status == 200, await answer.text()
                    times.append(time.perf_counter() - started)
            return times

        async def issued_per_office(path: str) -> set[int]:
            async with (
                aiohttp.ClientSession() as session,
                session.get(base + path, headers=headers) as answer,
            ):
                return {row["issued"] for row in (await answer.json())["rows"]}

        async def respondents_per_office(path: str) -> set[int]:
            async with (
                aiohttp.ClientSession() as session,
                session.get(base + path, headers=headers) as answer,
            ):
                return {row["respondents"] for row in (await answer.json())["offices"]}

        dashboard = asyncio.run(timed("/api/v1/city/offices"))
        summary = f"/api/v1/city/reports/summary?from={month}&to={month_first}&group=office"
        report = asyncio.run(timed(summary))
        # a restored and renewed office counts its visits once: as many as any other's
        assert len(asyncio.run(issued_per_office(summary))) == 1, "restored visits miscounted"
        printed = asyncio.run(timed(summary + "&format=pdf"))
        skm_month = f"/api/v1/city/reports/skm?from={month}&to={month_first}"
        skm_year = (
            f"/api/v1/city/reports/skm?from={month_first - timedelta(days=364)}&to={month_first}"
        )
        survey_month = asyncio.run(timed(skm_month))
        survey_year = asyncio.run(timed(skm_year))
        # and its survey answers once: as many respondents as any other office
        for path in (skm_month, skm_year):
            found = asyncio.run(respondents_per_office(path))
            assert len(found) == 1 and found != {0}, f"restored answers miscounted: {found}"
    finally:
        process.terminate()
        process.wait(10)
    print(f"dashboard (GET /api/v1/city/offices): median {statistics.median(dashboard):.3f} s, "
          f"max {max(dashboard):.3f} s")  # fmt: skip
    print(f"city month report ({month:%Y-%m}, group=office): median "
          f"{statistics.median(report):.3f} s, max {max(report):.3f} s")  # fmt: skip
    print(f"city month report as PDF (with each office's IKM): median "
          f"{statistics.median(printed):.3f} s, max {max(printed):.3f} s")  # fmt: skip
    print(f"city SKM report ({month:%Y-%m}): median {statistics.median(survey_month):.3f} s, "
          f"max {max(survey_month):.3f} s")  # fmt: skip
    print(f"city SKM report (the year to {month_first}): median "
          f"{statistics.median(survey_year):.3f} s, max {max(survey_year):.3f} s")  # fmt: skip


def bench_catch_up(cluster: Cluster, visitors: int, workdir: Path) -> None:
    from server import city
    from server.city import CityForwarder
    from server.config import CitySettings, parse_config
    from server.office import Office

    url = cluster.create_database()
    store = CentralStore(url)
    store.open()
    _office, token = store.add_office("Kecamatan Karawaci", datetime.now(UTC))
    store.close()
    process, base = start_central(url, workdir)
    city.POLL_S = 0.2

    async def run() -> tuple[int, float]:
        office = Office(parse_config({}), workdir / "office")
        await office.start()
        try:
            for _ in range(visitors):  # a day while the central is away
                await office.perform(lambda day, now: day.issue("A", False, now))
                await office.perform(lambda day, now: day.call_next(1, now))
                await office.perform(lambda day, now: day.finish(1, now))
            head = office.last_event_id
            forwarder = CityForwarder(office, CitySettings(url=base, token=token))
            started = time.perf_counter()
            forwarder.start()
            while forwarder.status.central_last_id != head:
                await asyncio.sleep(0.05)
            elapsed = time.perf_counter() - started
            await forwarder.stop()
            return head, elapsed
        finally:
            await office.close()

    try:
        events, elapsed = asyncio.run(run())
    finally:
        process.terminate()
        process.wait(10)
    print(f"catch-up: an office's day offline ({visitors} visitors, {events:,} events) "
          f"in sync {elapsed:.2f} s after the link is back")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--per-day", type=int, default=430)
    parser.add_argument("--visitors", type=int, default=600)
    parser.add_argument(
        "--renewed",
        type=int,
        default=1,
        choices=range(OFFICES + 1),
        metavar="N",
        help="history: offices restored and renewed (0-13)",
    )
    parser.add_argument("--only", choices=["ingest", "history", "catch-up"])
    arguments = parser.parse_args()
    bin_dir = find_bin_dir()
    if bin_dir is None:
        print("PostgreSQL is not installed (install.sh --dev installs it)", file=sys.stderr)
        return 1
    cluster = Cluster(bin_dir).start()
    try:
        with tempfile.TemporaryDirectory(prefix="city-bench-") as directory:
            workdir = Path(directory)
            if arguments.only in (None, "ingest"):
                bench_ingest(cluster, arguments.events, workdir)
            if arguments.only in (None, "history"):
                bench_history(
                    cluster, arguments.years, arguments.per_day, arguments.renewed, workdir
                )
            if arguments.only in (None, "catch-up"):
                bench_catch_up(cluster, arguments.visitors, workdir)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
