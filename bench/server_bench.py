"""Server benchmark: ticket issue throughput/latency and call -> display event latency.

    python bench/server_bench.py [--tickets 6000] [--clients 50] [--loaders 1]

Starts a real server (child process) on 127.0.0.1 with a fresh data dir, then:
1. `--clients` concurrent kiosks issue `--tickets` tickets (each answer means durable),
   spread over `--loaders` client processes; prints tickets/s and p50/p99 latency.
2. 50 counters call next while 10 WebSocket displays are connected; prints the time
   from sending "next" to each display receiving the `ticket.called` event (p50/p99).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.live_server import LiveServer

COUNTERS = 50
DISPLAYS = 10


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def issue_load(api: str, token: str, count: int, clients: int) -> list[float]:
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    remaining = [count]
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def kiosk(index: int) -> None:
            services = "ABC"
            while remaining[0] > 0:
                remaining[0] -= 1
                started = time.perf_counter()
                async with session.post(
                    f"{api}/tickets", json={"service": services[index % 3]}
                ) as answer:
                    await answer.read()
                    if answer.status != 201:
                        raise RuntimeError(f"issue failed: {answer.status}")
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(kiosk(index) for index in range(clients)))
    return latencies


def loader_process(
    api: str, token: str, count: int, clients: int, queue: multiprocessing.Queue
) -> None:  # type: ignore[type-arg]
    queue.put(asyncio.run(issue_load(api, token, count, clients)))


def run_issue_benchmark(server: LiveServer, tickets: int, clients: int, loaders: int) -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    per_loader = tickets // loaders
    processes = [
        multiprocessing.Process(
            target=loader_process,
            args=(server.api, server.tokens["kiosk"], per_loader, clients // loaders, queue),
        )
        for _ in range(loaders)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    latencies: list[float] = []
    for _ in processes:
        latencies += queue.get()
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    print(
        f"issue: {len(latencies)} tickets, {clients} concurrent clients, "
        f"{loaders} loader process(es)"
    )
    print(f"issue: {len(latencies) / elapsed:,.0f} tickets/s (durable, synchronous=FULL)")
    print(
        f"issue latency: p50 {percentile(latencies, 0.50) * 1000:.1f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms"
    )


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
            for _ in range(calls_per_counter):
                # each counter calls one at a time, so its event belongs to this send
                sent_at[number] = time.perf_counter()
                async with session.post(
                    f"{api}/counters/{number}/next", headers=counter_headers
                ) as answer:
                    body = await answer.json()
                    if answer.status != 200:
                        raise RuntimeError(f"next failed: {body}")
                await asyncio.sleep(0.05)  # a clerk does not press faster than this

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
    parser.add_argument("--loaders", type=int, default=1)
    parser.add_argument("--calls-per-counter", type=int, default=10)
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as directory:
        counters = "\n".join(
            f'[[counters]]\nnumber = {number}\nservices = ["A", "B", "C"]\n'
            for number in range(1, COUNTERS + 1)
        )
        server = LiveServer(Path(directory) / "issue").start()
        try:
            run_issue_benchmark(server, arguments.tickets, arguments.clients, arguments.loaders)
        finally:
            server.stop()
        server = LiveServer(Path(directory) / "call", config_text=counters).start()
        try:
            tokens = server.add_tokens(
                {number: ("counter", number) for number in range(1, COUNTERS + 1)}
            )
            asyncio.run(call_benchmark(server, tokens, arguments.calls_per_counter))
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
