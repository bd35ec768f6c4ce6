"""Reports benchmark: a year of one office's history, its reports, and a kiosk meanwhile.

    python bench/report_bench.py [--database sqlite postgresql] [--repeats 3] [--seconds 8]
                                 [--answers 20000]

Generates the working days of the 52 weeks up to yesterday (≈ 156,000 tickets, ≈ 480,000
events: `bench/year_history.py`) and stores them through the real schema, on SQLite and
on a fresh database of a throwaway PostgreSQL cluster started for the run; then
`--answers` of the served visits get an SKM survey answer (events and rows through the
store's writer: `tests/support/survey_data.py` `add_answers`). Then it starts
the real server (a child process) on that database and, as a supervisor's browser would,
times over HTTP (median of `--repeats`):
- the monthly summary: the last whole month, `group=service,day`;
- a year's summary by day: the whole year, `group=day`;
- the visits of a month (JSON) and their CSV download;
- the SKM report of the whole year (`/reports/skm`);
- the camat's monthly PDF of the last whole month (`/reports/monthly?format=pdf`).
Last, a kiosk issues a ticket every 50 ms for `--seconds`, once alone and once while
another process asks for those reports back to back, and prints the issue latency of both (p50,
p99, max): the delay the reports add to a ticket. Targets: monthly < 500 ms, a year by
day < 2 s, a ticket delayed < 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from year_history import ZONE, History, describe, generate_year, write_postgres, write_sqlite

from server.config import parse_config
from server.storage import open_store
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster, find_bin_dir
from tests.support.survey_data import add_answers

ISSUE_EVERY_S = 0.05


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def last_whole_month(last_day: date) -> tuple[date, date]:
    first_of_this = last_day.replace(day=1)
    if last_day.month == (last_day + timedelta(days=1)).month:  # `last_day` ends no month
        end = first_of_this - timedelta(days=1)
        return end.replace(day=1), end
    return first_of_this, last_day


async def timed_get(session: aiohttp.ClientSession, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    async with session.get(url) as answer:
        body = await answer.read()
        assert answer.status == 200, body[:300]
    return time.perf_counter() - started, len(body)


async def time_reports(api: str, token: str, history: History, repeats: int) -> None:
    month_first, month_last = last_whole_month(history.last_day)
    year = f"from={history.first_day}&to={history.last_day}"
    month = f"from={month_first}&to={month_last}"
    cases = (
        ("monthly summary (service, day)", f"/reports/summary?{month}&group=service,day", 0.5),
        ("a year's summary by day", f"/reports/summary?{year}&group=day", 2.0),
        ("visits of a month (JSON)", f"/reports/visits?{month}", None),
        ("visits of a month (CSV)", f"/reports/visits?{month}&format=csv", None),
        ("the SKM report of the year", f"/reports/skm?{year}", None),
        ("the camat's monthly PDF", f"/reports/monthly?month={month_first:%Y-%m}&format=pdf", 3.0),
    )
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(headers=headers) as session:
        for label, path, target in cases:
            runs = [await timed_get(session, api + path) for _ in range(repeats)]
            seconds = statistics.median(run[0] for run in runs)
            verdict = "" if target is None else (" ok" if seconds < target else " OVER")
            goal = f" (target < {target * 1000:.0f} ms)" if target is not None else ""
            print(
                f"  {label:34} {seconds * 1000:7.0f} ms median of {repeats}, "
                f"{runs[0][1] / 1e6:5.1f} MB{goal}{verdict}"
            )


def report_load(api: str, admin: str, paths: list[str], stop: Any, count: Any) -> None:
    """In a process of its own (so that reading the answers delays no kiosk here)."""
    import urllib.request

    while not stop.is_set():
        for path in paths:
            request = urllib.request.Request(
                api + path, headers={"Authorization": f"Bearer {admin}"}
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                answer.read()
            with count.get_lock():
                count.value += 1


async def issue_latencies(api: str, kiosk: str, seconds: float) -> list[float]:
    """A kiosk issues a ticket every 50 ms for `seconds`; the latency of each."""
    latencies: list[float] = []
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {kiosk}"}) as session:
        start = time.perf_counter()
        sent = 0
        while time.perf_counter() - start < seconds:
            scheduled = start + sent * ISSUE_EVERY_S
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            async with session.post(api + "/tickets", json={"service": "ABC"[sent % 3]}) as answer:
                await answer.read()
                assert answer.status == 201, answer.status
            # from the scheduled moment: a stalled server is not hidden
            latencies.append(time.perf_counter() - scheduled)
            sent += 1
    return latencies


def issue_while_reports_run(
    api: str, tokens: dict[str, str], history: History, seconds: float
) -> list[float]:
    month_first, month_last = last_whole_month(history.last_day)
    year = f"from={history.first_day}&to={history.last_day}"
    month = f"from={month_first}&to={month_last}"
    paths = [
        f"/reports/summary?{month}&group=service,day",
        f"/reports/summary?{year}&group=day",
        f"/reports/visits?{month}",
        f"/reports/monthly?month={month_first:%Y-%m}&format=pdf",
    ]
    context = multiprocessing.get_context("spawn")
    stop, count = context.Event(), context.Value("i", 0)
    load = context.Process(target=report_load, args=(api, tokens["admin"], paths, stop, count))
    load.start()
    try:
        time.sleep(1.0)  # the load has begun
        latencies = asyncio.run(issue_latencies(api, tokens["kiosk"], seconds))
    finally:
        stop.set()
        load.join(timeout=120)
    print(
        f"  reports made meanwhile: {count.value} (monthly, a year by day, a month's visits, "
        "the monthly PDF)"
    )
    return latencies


def show(label: str, latencies: list[float]) -> float:
    p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
    print(
        f"  {label:34} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  max {max(latencies) * 1000:6.1f}"
        f" ms  ({len(latencies)} tickets)"
    )
    return p99


def run_engine(
    engine: str, history: History, cluster: Cluster | None, options: argparse.Namespace
) -> None:
    print(f"\n{engine}:")
    data_dir = Path(tempfile.mkdtemp(prefix=f"antrian-report-bench-{engine}-"))
    url = cluster.create_database() if cluster is not None else None
    started = time.perf_counter()
    if url is None:
        write_sqlite(data_dir, history)
    else:
        write_postgres(url, history)
    print(f"  stored the year in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    config = parse_config({"server": {"database": url}} if url else {})
    store = open_store(config, data_dir)
    assert store.acquire(), "the fresh database is held by another server"
    answered = add_answers(store, history.tickets, options.answers)  # closes the store
    print(f"  stored {answered} survey answers in {time.perf_counter() - started:.1f} s")
    server = LiveServer(data_dir, database=url).start()
    try:
        api, tokens = server.api, server.tokens
        asyncio.run(time_reports(api, tokens["admin"], history, options.repeats))
        alone = asyncio.run(issue_latencies(api, tokens["kiosk"], options.seconds))
        busy = issue_while_reports_run(api, tokens, history, options.seconds)
        base = show("ticket issue alone", alone)
        loaded = show("ticket issue while reports run", busy)
        verdict = "ok" if loaded - base < 20 else "OVER"
        print(f"  delay the reports add at p99: {loaded - base:.1f} ms (target < 20 ms) {verdict}")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])  # fmt: skip
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--answers", type=int, default=20_000)
    options = parser.parse_args()
    yesterday = datetime.now(ZONE).date() - timedelta(days=1)
    started = time.perf_counter()
    history = generate_year(yesterday)
    took = time.perf_counter() - started
    print(
        f"machine: Python {sys.version.split()[0]}; generated in {took:.1f} s: {describe(history)}"
    )
    for engine in options.database:
        cluster: Cluster | None = None
        if engine == "postgresql":
            bin_dir = find_bin_dir()
            if bin_dir is None:
                print("\npostgresql: not installed (install.sh --dev installs it); skipped")
                continue
            cluster = Cluster(bin_dir).start()
        try:
            run_engine(engine, history, cluster, options)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
