"""Server benchmark: ticket issue throughput/latency and call -> display event latency.

    python bench/server_bench.py [--database sqlite|postgresql] [--tickets 6000] [--clients 50]
                                 [--rate 2000]

Starts a real server (child process) on 127.0.0.1 with a fresh data dir (SQLite), or on a
fresh database of a throwaway PostgreSQL cluster started for the run, then:
1. `--clients` concurrent kiosks issue `--tickets` tickets (each answer means durable):
   once as fast as they can (throughput), once at `--rate` tickets/s (latency at load).
2. 50 counters call next while 10 WebSocket displays are connected; prints the time
   from sending "next" to each display receiving the `ticket.called` event (p50/p99).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster, find_bin_dir

COUNTERS = 50
DISPLAYS = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def issue_load(
    api: str, token: str, count: int, clients: int, rate: float | None
) -> tuple[list[float], float]:
    """`clients` kiosks issue `count` tickets; as fast as possible, or at `rate` per second.

    At a fixed rate each kiosk sends on a schedule and latency is measured from the
    scheduled moment, so a stalled server is not hidden (no coordinated omission).
    """
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    per_client = count // clients
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def kiosk(index: int, start: float) -> None:
            service = "ABC"[index % 3]
            for sent in range(per_client):
                scheduled = time.perf_counter()
                if rate is not None:
                    scheduled = start + (sent * clients + index) / rate
                    delay = scheduled - time.perf_counter()
                    if delay > 0:
                        await asyncio.sleep(delay)
                async with session.post(f"{api}/tickets", json={"service": service}) as answer:
                    await answer.read()
                    if answer.status != 201:
                        raise RuntimeError(f"issue failed: {answer.status}")
                latencies.append(time.perf_counter() - scheduled)

        # warm the connections up first
        await asyncio.gather(*(session.get(f"{api}/health") for _ in range(clients)))
        started = time.perf_counter()
        await asyncio.gather(*(kiosk(index, started + 0.05) for index in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, elapsed


def report_issue(label: str, latencies: list[float], elapsed: float) -> None:
    print(
        f"{label}: {len(latencies)} tickets in {elapsed:.2f} s = "
        f"{len(latencies) / elapsed:,.0f}/s; "
        f"latency p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )


def run_issue_benchmark(server: LiveServer, tickets: int, clients: int, rate: float) -> None:
    api, token = server.api, server.tokens["kiosk"]
    print(f"issue: {clients} concurrent kiosks, every ticket durable before its answer")
    latencies, elapsed = asyncio.run(issue_load(api, token, tickets, clients, None))
    report_issue("  as fast as possible", latencies, elapsed)
    latencies, elapsed = asyncio.run(issue_load(api, token, tickets, clients, rate))
    report_issue(f"  offered {rate:,.0f}/s", latencies, elapsed)


async def call_benchmark(
    server: LiveServer, counter_tokens: dict[int, str], calls_per_counter: int
) -> None:
    api = server.api
    sent_at: dict[int, float] = {}  # counter -> when its last "next" was sent
    latencies: list[float] = []
    expected = COUNTERS * calls_per_counter * DISPLAYS
    done = asyncio.Event()
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {server.tokens['kiosk']}"}

        # tickets for every call, issued beforehand
        async def fill(count: int) -> None:
            for _ in range(count):
                async with session.post(
                    f"{api}/tickets", json={"service": "A"}, headers=headers
                ) as answer:
                    await answer.read()

        await asyncio.gather(*(fill(COUNTERS * calls_per_counter // 25 + 1) for _ in range(25)))

        async def display() -> None:
            async with session.ws_connect(
                f"{api}/events", headers={"Authorization": f"Bearer {server.tokens['display']}"}
            ) as socket:
                ready.release()
                async for message in socket:
                    event = json.loads(message.data)
                    if event.get("type") == "ticket.called":
                        counter_number = event["counter"]["number"]
                        latencies.append(time.perf_counter() - sent_at[counter_number])
                        if len(latencies) >= expected:
                            done.set()
                    if done.is_set():
                        return

        ready = asyncio.Semaphore(0)
        displays = [asyncio.create_task(display()) for _ in range(DISPLAYS)]
        for _ in range(DISPLAYS):
            await ready.acquire()

        async def counter(number: int) -> None:
            counter_headers = {"Authorization": f"Bearer {counter_tokens[number]}"}
            await asyncio.sleep(random.uniform(0, 0.5))
            for _ in range(calls_per_counter):
                # each counter calls one at a time, so its event belongs to this send
                sent_at[number] = time.perf_counter()
                async with session.post(
                    f"{api}/counters/{number}/next", headers=counter_headers
                ) as answer:
                    body = await answer.json()
                    if answer.status != 200:
                        raise RuntimeError(f"next failed: {body}")
                # ~2 presses/s per counter (100/s in all): far busier than any real office,
                # where a clerk presses "next" every few minutes; random, not in lockstep
                await asyncio.sleep(random.uniform(0.25, 0.75))

        counters = [asyncio.create_task(counter(number)) for number in range(1, COUNTERS + 1)]
        await asyncio.gather(*counters)
        await asyncio.wait_for(done.wait(), timeout=30)
        for task in displays:
            task.cancel()
    print(
        f"call->event: {COUNTERS} counters x {calls_per_counter} calls, {DISPLAYS} displays, "
        f"{len(latencies)} deliveries"
    )
    print(
        f"call->event latency: p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tickets", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2000.0, help="offered tickets/s")
    parser.add_argument("--calls-per-counter", type=int, default=20)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    cluster: Cluster | None = None
    if arguments.database == "postgresql":
        bin_dir = find_bin_dir()
        if bin_dir is None:
            print("PostgreSQL is not installed (install.sh --dev installs it)", file=sys.stderr)
            return 2
        cluster = Cluster(bin_dir).start()
        print(f"database: PostgreSQL {bin_dir.parent.name} (fsync on, synchronous_commit on)")
    else:
        print("database: SQLite, WAL, synchronous=FULL")
    try:
        run_benchmarks(arguments, cluster)
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


def run_benchmarks(arguments: argparse.Namespace, cluster: Cluster | None) -> None:
    def database() -> str | None:
        return cluster.create_database() if cluster is not None else None

    with tempfile.TemporaryDirectory() as directory:
        counters = "\n".join(
            f'[[counters]]\nnumber = {number}\nservices = ["A", "B", "C"]\n'
            for number in range(1, COUNTERS + 1)
        )
        server = LiveServer(Path(directory) / "issue", database=database()).start()
        try:
            run_issue_benchmark(server, arguments.tickets, arguments.clients, arguments.rate)
        finally:
            server.stop()
        server = LiveServer(
            Path(directory) / "call", config_text=counters, database=database()
        ).start()
        try:
            tokens = server.add_tokens(
                {number: ("counter", number) for number in range(1, COUNTERS + 1)}
            )
            asyncio.run(call_benchmark(server, tokens, arguments.calls_per_counter))
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
