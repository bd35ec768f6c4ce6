"""Does a display connecting to a busy office hold up other requests?

    python bench/display_connect_bench.py [--waiting 5000] [--connects 20]

Starts a real server (child process, fresh data dir), fills the line with `--waiting`
tickets, then measures the latency of a steady stream of small requests (a ticket status
read, 50 per second) twice: alone, and while displays connect one after another (each
connect sends a snapshot of the whole office: every waiting ticket). Prints p50/p99/max of
both and the added delay. Target: a display connecting while 5,000 tickets wait delays no
other request by more than 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.live_server import LiveServer


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def fill(session: aiohttp.ClientSession, api: str, token: str, count: int) -> str:
    headers = {"Authorization": f"Bearer {token}"}
    check_url = ""

    async def kiosk(share: int) -> None:
        nonlocal check_url
        for index in range(share):
            body = {"service": "ABC"[index % 3]}
            async with session.post(f"{api}/tickets", json=body, headers=headers) as answer:
                check_url = (await answer.json())["check_url"]

    await asyncio.gather(*(kiosk(count // 50) for _ in range(50)))
    return check_url


async def probe(session: aiohttp.ClientSession, url: str, seconds: float) -> list[float]:
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        async with session.get(url) as answer:
            await answer.read()
        latencies.append((time.monotonic() - started) * 1000)
        await asyncio.sleep(0.02)
    return latencies


async def displays(session: aiohttp.ClientSession, api: str, token: str, count: int) -> float:
    sizes = []
    for _ in range(count):
        async with session.ws_connect(
            f"{api}/events", headers={"Authorization": f"Bearer {token}"}, max_msg_size=0
        ) as socket:
            snapshot = await socket.receive_str()
            sizes.append(len(snapshot))
    return sum(sizes) / len(sizes)


async def run(waiting: int, connects: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder) / "data").start()
        try:
            async with aiohttp.ClientSession() as session:
                check_url = await fill(session, server.api, server.tokens["kiosk"], waiting)
                alone = await probe(session, check_url, 3.0)
                during_task = asyncio.create_task(probe(session, check_url, 4.0))
                size = await displays(session, server.api, server.tokens["display"], connects)
                during = await during_task
        finally:
            server.stop()
    print(f"{waiting} tickets waiting; snapshot {size / 1e6:.2f} MB; {connects} display connects")
    for name, values in (("alone", alone), ("while displays connect", during)):
        print(
            f"  {name:>24}: p50 {percentile(values, 0.5):5.1f} ms  "
            f"p99 {percentile(values, 0.99):5.1f} ms  max {max(values):5.1f} ms  (n={len(values)})"
        )
    added = max(during) - percentile(alone, 0.5)
    print(f"  added delay (max during - p50 alone): {added:.1f} ms (target < 20 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--waiting", type=int, default=5000)
    parser.add_argument("--connects", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.waiting, arguments.connects))


if __name__ == "__main__":
    main()
