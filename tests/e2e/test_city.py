"""The city end to end: 13 office servers, each in a network namespace of its own, push to
one antrian-central on a real PostgreSQL while kiosks and counters work.

Meanwhile one office's link is cut (`ANTRIAN_E2E_CUT_S`, 10 s by default) while a kiosk on
its own LAN (its namespace) issues tickets, the central is stopped and started again, and
an office is killed with SIGKILL and restarted. Afterwards every office's events at the
central equal its own `GET /api/v1/log` exactly, and the dashboard's figures for today
equal those the offices' own APIs give.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from central.store import CentralStore
from tests.e2e.netns import cannot_create_namespaces, ip
from tests.support.central import CentralProcess
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster

pytestmark = [pytest.mark.slow, pytest.mark.netns]
ROOT = Path(__file__).resolve().parents[2]
OFFICES = 13
CUT_S = float(os.environ.get("ANTRIAN_E2E_CUT_S", "10"))
WORK_S = CUT_S + 12  # the cut, the central's restart and the kill happen within
SYNC_TIMEOUT_S = 75.0


class NamespacedServer(LiveServer):
    """An office server run inside its network namespace."""

    def __init__(self, namespace: str, data_dir: Path, config_text: str, host: str) -> None:
        super().__init__(data_dir, config_text, host=host, name="server")
        self.namespace = namespace

    def _base_command(self) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *super()._base_command()]


@dataclass
class CityLan:
    """Office i's namespace at 10.233.(10+i).2, joined to this (root) namespace's .1."""

    tag: str

    def namespace(self, index: int) -> str:
        return f"antrian-city-{self.tag}-{index}"

    def link(self, index: int) -> str:
        return f"c{self.tag}{index}r"

    @staticmethod
    def central_address(index: int) -> str:
        return f"10.233.{10 + index}.1"

    @staticmethod
    def office_address(index: int) -> str:
        return f"10.233.{10 + index}.2"

    def create(self) -> None:
        for index in range(OFFICES):
            namespace, here, there = self.namespace(index), self.link(index), f"c{self.tag}{index}o"
            ip("netns", "add", namespace)
            ip("link", "add", here, "type", "veth", "peer", "name", there)
            ip("link", "set", there, "netns", namespace)
            ip("addr", "add", f"{self.central_address(index)}/24", "dev", here)
            ip("link", "set", here, "up")
            ip("-n", namespace, "addr", "add", f"{self.office_address(index)}/24", "dev", there)
            ip("-n", namespace, "link", "set", "lo", "up")
            ip("-n", namespace, "link", "set", there, "up")

    def cut(self, index: int, cut: bool) -> None:
        ip("link", "set", self.link(index), "down" if cut else "up")

    def destroy(self) -> None:
        for index in range(OFFICES):
            namespace = self.namespace(index)
            pids = subprocess.run(
                ["ip", "netns", "pids", namespace], capture_output=True, text=True
            ).stdout.split()
            for pid in pids:
                subprocess.run(["kill", "-9", pid], capture_output=True)
            subprocess.run(["ip", "link", "del", self.link(index)], capture_output=True)
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)


@pytest.fixture
def city_lan() -> Iterator[CityLan]:
    reason = cannot_create_namespaces()
    if reason is not None:
        pytest.skip(reason)
    lan = CityLan(uuid.uuid4().hex[:6])
    try:
        lan.create()
        yield lan
    finally:
        lan.destroy()


async def work(session: aiohttp.ClientSession, office: LiveServer, until: float, seed: int) -> None:
    """A kiosk issuing and loket 1 and 2 calling and finishing, errors shrugged off (an
    office being killed answers nothing for a moment)."""
    chooser = random.Random(seed)
    kiosk = {"Authorization": f"Bearer {office.tokens['kiosk']}"}
    while time.monotonic() < until:
        try:
            if chooser.random() < 0.55:
                await session.post(f"{office.api}/tickets", json={"service": "A"}, headers=kiosk)
            else:
                counter = chooser.choice([1, 2])
                action = chooser.choice(["next", "next", "done", "no-show"])
                headers = {"Authorization": f"Bearer {office.tokens[f'counter{counter}']}"}
                await session.post(f"{office.api}/counters/{counter}/{action}", headers=headers)
        except (aiohttp.ClientError, TimeoutError):
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.15)


def issue_inside(lan: CityLan, office: LiveServer, count: int) -> None:
    """A kiosk on the office's own LAN (its namespace) issues `count` tickets."""
    done = subprocess.run(
        lan_command(lan, 0, [sys.executable, "-m", "tests.support.load_worker", "issue",
                             office.api, office.tokens["kiosk"], str(count), "A"]),
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    statuses = [json.loads(line)["status"] for line in done.stdout.splitlines() if line]
    assert statuses == [201] * count, done.stdout + done.stderr


def lan_command(lan: CityLan, index: int, command: list[str]) -> list[str]:
    return ["ip", "netns", "exec", lan.namespace(index), *command]


async def office_json(session: aiohttp.ClientSession, office: LiveServer, path: str) -> Any:
    headers = {"Authorization": f"Bearer {office.tokens['admin']}"}
    async with session.get(f"{office.api}{path}", headers=headers) as answer:
        assert answer.status == 200, await answer.text()
        return await answer.json()


async def whole_log(
    session: aiohttp.ClientSession, url: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        after = events[-1]["id"] if events else 0
        async with session.get(f"{url}?after={after}&limit=10000", headers=headers) as answer:
            assert answer.status == 200, await answer.text()
            found = (await answer.json())["events"]
        if not found:
            return events
        events += found


def test_thirteen_offices_reach_the_central_whole_through_cuts_restarts_and_a_kill(
    city_lan: CityLan, postgres_cluster: Cluster, tmp_path: Path
) -> None:
    url = postgres_cluster.create_database()
    store = CentralStore(url)
    store.open()
    now = datetime.now(UTC)
    added = [store.add_office(f"Kecamatan {index + 1}", now) for index in range(OFFICES)]
    reader = store.create_token("e2e", now)
    store.close()
    central = CentralProcess(url, tmp_path)
    central.start()
    offices = [
        NamespacedServer(
            city_lan.namespace(index), tmp_path / f"office{index}",
            f'[office]\nname = "Kecamatan {index + 1}"\n\n[city]\n'
            f'url = "http://{city_lan.central_address(index)}:{central.port}"\n'
            f'token = "{added[index][1]}"\n',
            host=city_lan.office_address(index),
        )
        for index in range(OFFICES)
    ]  # fmt: skip
    try:
        with ThreadPoolExecutor(max_workers=OFFICES) as pool:
            list(pool.map(lambda office: office.start(), offices))
        asyncio.run(drive(city_lan, central, offices, added[0][0].id, reader))
        asyncio.run(check(central, offices, [office.id for office, _ in added], reader))
    finally:
        for office in offices:
            office.kill()
        central.stop()


async def drive(
    lan: CityLan, central: CentralProcess, offices: list[NamespacedServer], cut_id: int, reader: str
) -> None:
    started = time.monotonic()
    until = started + WORK_S
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        workers = [
            asyncio.create_task(work(session, office, until, seed))
            for seed, office in enumerate(offices)
        ]
        await asyncio.sleep(3)
        lan.cut(0, True)  # office 1 loses its link to the city (and to this test) …
        await asyncio.to_thread(issue_inside, lan, offices[0], 10)  # … its kiosk issues on
        await asyncio.sleep(2)
        await asyncio.to_thread(central.stop)  # the city's central goes away …
        await asyncio.sleep(3)
        await asyncio.to_thread(central.start)  # … and comes back on its port
        await asyncio.to_thread(offices[1].kill)  # a power cut at office 2
        await asyncio.sleep(1)
        await asyncio.to_thread(offices[1].start)
        await asyncio.sleep(max(0.0, started + 3 + CUT_S - time.monotonic()))
        # the cut office went on working; the central has not seen it since the cut
        # (its API is behind the cut too: its database says how far it got)
        ((head,),) = await asyncio.to_thread(
            offices[0].stored.rows, "SELECT COALESCE(MAX(id), 0) FROM events"
        )
        async with session.get(
            f"http://127.0.0.1:{central.port}/api/v1/city/offices",
            headers={"Authorization": f"Bearer {reader}"},
        ) as answer:
            held = {row["id"]: row for row in (await answer.json())["offices"]}[cut_id]
        assert held["last_event_id"] < head, "the cut did not stop the pushes"
        lan.cut(0, False)
        await asyncio.gather(*workers)


async def check(
    central: CentralProcess, offices: list[NamespacedServer], ids: list[int], reader: str
) -> None:
    headers = {"Authorization": f"Bearer {reader}"}
    base = f"http://127.0.0.1:{central.port}/api/v1/city"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        deadline = time.monotonic() + SYNC_TIMEOUT_S
        pending = set(range(OFFICES))
        while pending:
            for index in sorted(pending):
                own = (await office_json(session, offices[index], "/log?limit=1"))["head_id"]
                async with session.get(f"{base}/offices", headers=headers) as answer:
                    held = {row["id"]: row for row in (await answer.json())["offices"]}
                if held[ids[index]]["last_event_id"] == own:
                    pending.discard(index)
            if pending:
                assert time.monotonic() < deadline, f"offices not in sync: {sorted(pending)}"
                await asyncio.sleep(1)
        async with session.get(f"{base}/offices", headers=headers) as answer:
            figures = {row["id"]: row for row in (await answer.json())["offices"]}
        for index, office in enumerate(offices):
            own_log = await whole_log(session, f"{office.api}/log", {
                "Authorization": f"Bearer {office.tokens['admin']}"})  # fmt: skip
            copy = await whole_log(session, f"{base}/offices/{ids[index]}/log", headers)
            assert len(own_log) > 20, f"office {index + 1} did too little"
            assert copy == own_log, f"office {index + 1}: the central's copy differs"
            dashboard = await office_json(session, office, "/admin/dashboard")
            row = figures[ids[index]]
            assert row["today"] == dashboard["today"], f"office {index + 1}"
            day = row["day"]
            summary = await office_json(session, office, f"/reports/summary?from={day}&to={day}")
            own_mean = summary["total"]["wait_s"]["mean"]
            mean = row["wait_s"]["mean"]
            assert (mean is None) == (own_mean is None), f"office {index + 1}"
            if mean is not None:
                assert abs(mean - own_mean) <= 0.1, f"office {index + 1}: {mean} vs {own_mean}"
            assert row["conflict"] is None and row["stale"] is False
