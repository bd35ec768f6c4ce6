"""The visitor's phone page: its size, first paint, and what 1,000 watching phones cost.

    python bench/phone_bench.py [--phones 1000] [--calls 100] [--no-browser]

Starts a real server (child process, fresh data dir) and prints:

- the page's bytes over the wire (HTML + style + script + icon, gzip) and uncompressed;
- first paint and first contentful paint from Chromium's performance API (360×740), when
  Debian's chromium and chromedriver are installed;
- the call -> device event latency (POST /counters/1/next until a display's WebSocket has
  the `ticket.called` message; p50/p99/max) with no phones, then with `--phones` phones
  holding the ticket stream open in another process. The phones watch tickets of the line
  being called, so every call changes every phone's position: the worst case. It also
  prints call -> the called phone's own message. Target: < 5 ms added at p99.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support.browser import browser_available, phone_browser
from tests.support.live_server import LiveServer

CALL_GAP_S = 0.05  # between two calls: a busy MPP calls a few times a second at most
PHONES_PER_ADDRESS = 200


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5):6.2f} ms  p99 {percentile(values, 0.99):6.2f} ms  "
        f"max {max(values):6.2f} ms"
    )


async def issue(session: aiohttp.ClientSession, api: str, token: str, count: int) -> list[str]:
    headers = {"Authorization": f"Bearer {token}"}
    urls = []
    for _ in range(count):
        async with session.post(f"{api}/tickets", json={"service": "A"}, headers=headers) as answer:
            urls.append((await answer.json())["check_url"])
    return urls


async def page_bytes(session: aiohttp.ClientSession, base: str, path: str) -> tuple[int, int]:
    wire = plain = 0
    gzip_only = {"Accept-Encoding": "gzip"}
    async with session.get(base + path, headers=gzip_only, auto_decompress=False) as answer:
        body = await answer.read()
    html = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
    wire, plain = len(body), len(html)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode()):
        url = base + asset.replace("&amp;", "&")
        async with session.get(url, headers=gzip_only, auto_decompress=False) as answer:
            wire += len(await answer.read())
        async with session.get(url, headers={"Accept-Encoding": "identity"}) as answer:
            plain += len(await answer.read())
    return wire, plain


def first_paint(url: str) -> dict[str, float]:
    with phone_browser() as driver:
        timings: dict[str, list[float]] = {}
        for _ in range(5):
            driver.get("about:blank")
            driver.get(url)
            time.sleep(0.3)
            for entry in driver.execute_script(
                "return performance.getEntriesByType('paint').map("
                "function (e) { return [e.name, e.startTime]; });"
            ):
                timings.setdefault(entry[0], []).append(entry[1])
        return {name: sorted(values)[len(values) // 2] for name, values in timings.items()}


async def call_latencies(
    session: aiohttp.ClientSession, api: str, tokens: dict[str, str], calls: int
) -> tuple[list[float], list[float], dict[str, float]]:
    """(call -> display event ms, call answer ms, number -> monotonic time of the call)."""
    to_event, to_answer, started_at = [], [], {}
    async with session.ws_connect(
        f"{api}/events", headers={"Authorization": f"Bearer {tokens['display']}"}, max_msg_size=0
    ) as socket:
        await socket.receive_str()  # the snapshot
        headers = {"Authorization": f"Bearer {tokens['counter1']}"}
        for _ in range(calls):
            started = time.monotonic()
            async with session.post(f"{api}/counters/1/next", headers=headers) as answer:
                number = (await answer.json())["number"]
            answered = time.monotonic()
            while True:
                message = json.loads(await socket.receive_str())
                if message["type"] == "ticket.called" and message["ticket"]["number"] == number:
                    break
            to_event.append((time.monotonic() - started) * 1000)
            to_answer.append((answered - started) * 1000)
            started_at[number] = started
            await asyncio.sleep(CALL_GAP_S)
    return to_event, to_answer, started_at


def phones_process(urls: list[str], ready: Any, stop: Any, results: Any) -> None:
    """Another OS process: one server-sent event stream per URL, read until told to stop."""
    asyncio.run(_phones(urls, ready, stop, results))


async def _phones(urls: list[str], ready: Any, stop: Any, results: Any) -> None:
    called: dict[str, float] = {}
    messages = 0
    # real phones each have their own address; the server admits at most 256 connections
    # per client address, so these phones come from 127.0.0.2, 127.0.0.3, …
    sessions = [
        aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0, local_addr=(f"127.0.0.{2 + index}", 0))
        )
        for index in range(len(urls) // PHONES_PER_ADDRESS + 1)
    ]
    try:

        async def phone(index: int, url: str) -> None:
            nonlocal messages
            session = sessions[index // PHONES_PER_ADDRESS]
            async with session.get(url, timeout=aiohttp.ClientTimeout(total=None)) as answer:
                assert answer.status == 200, answer.status
                opened.append(1)
                async for line in answer.content:
                    if line.startswith(b"data: "):
                        messages += 1
                        if b'"status":"called"' not in line:
                            continue  # a new place in line: only counted (keeps this light)
                        ticket = json.loads(line[6:])["ticket"]
                        if ticket["status"] == "called" and ticket["number"] not in called:
                            called[ticket["number"]] = time.monotonic()

        opened: list[int] = []
        tasks = [asyncio.create_task(phone(index, url)) for index, url in enumerate(urls)]
        while len(opened) < len(urls):
            failed = [task for task in tasks if task.done()]
            if failed:
                raise RuntimeError(f"a phone could not connect: {failed[0].exception()!r}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        messages = 0
        ready.set()
        while not stop.is_set():
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # the last fan-out
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for session in sessions:
            await session.close()
    results.put({"called": called, "messages": messages})


def stream_url(check_url: str, base: str) -> str:
    parts = urlsplit(check_url)
    ticket_id = parts.path.rsplit("/", 1)[1]
    return f"{base}/api/v1/tickets/{ticket_id}/stream?{parts.query}"


async def run(phones: int, calls: int, browser: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        server = LiveServer(Path(folder) / "data").start()
        try:
            async with aiohttp.ClientSession() as session:
                urls = await issue(session, server.api, server.tokens["kiosk"], calls + phones)
                path = urlsplit(urls[-1])
                wire, plain = await page_bytes(session, server.url, f"{path.path}?{path.query}")
                print(f"page: {wire:,} bytes over the wire (gzip), {plain:,} uncompressed")
                if browser and browser_available():
                    paints = first_paint(f"{server.url}{path.path}?{path.query}")
                    print(
                        "first paint (Chromium, 360x740, median of 5): "
                        + ", ".join(f"{name} {value:.0f} ms" for name, value in paints.items())
                    )
                alone, alone_answer, _ = await call_latencies(
                    session, server.api, server.tokens, calls
                )
                watched = [stream_url(url, server.url) for url in urls[calls:]]
                context = multiprocessing.get_context("spawn")
                ready, stop, results = context.Event(), context.Event(), context.Queue()
                worker = context.Process(
                    target=phones_process, args=(watched, ready, stop, results)
                )
                worker.start()
                if not await asyncio.to_thread(ready.wait, 120):
                    raise RuntimeError("the phones did not connect")
                busy, busy_answer, started_at = await call_latencies(
                    session, server.api, server.tokens, calls
                )
                stop.set()
                report = await asyncio.to_thread(results.get, True, 60)
                worker.join(10)
        finally:
            server.kill()
    to_phone = [
        (report["called"][number] - started) * 1000
        for number, started in started_at.items()
        if number in report["called"]
    ]
    print(f"call -> display event, no phones:        {summary(alone)}")
    print(f"call -> display event, {len(watched):,} phones:     {summary(busy)}")
    print(f"call answer, no phones:                  {summary(alone_answer)}")
    print(f"call answer, {len(watched):,} phones:               {summary(busy_answer)}")
    print(f"call -> the called phone's message:      {summary(to_phone)} ({len(to_phone)} calls)")
    print(f"stream messages to phones during {calls} calls: {report['messages']:,}")
    added = percentile(busy, 0.99) - percentile(alone, 0.99)
    print(f"added at p99: {added:.2f} ms (target < 5 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--no-browser", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.phones, arguments.calls, not arguments.no_browser))


if __name__ == "__main__":
    main()
