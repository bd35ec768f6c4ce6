"""The standby takeover across network namespaces: "PC 1" and "PC 2" each run antrian-server
in a namespace of its own on one real PostgreSQL (reached over the office LAN's switch, a
bridge in this namespace), and a kiosk and two counters (client/'s ApiClient and
first_active, given both servers' addresses) work from a third namespace, the hall.

kill -9 of the active server: the standby takes over within 5 s, the hall's clients go on
with it within 2 s more without anyone touching them, and the new server's record
(`GET /api/v1/log`) holds every acknowledged ticket, no number twice, no ticket called twice.
PC 1's link to the database cut inside its namespace while the hall still reaches it: PC 1
says `503 standby` (`database_unreachable`) before PC 2 takes over, with the same record.

Run as a module (`python -m tests.e2e.test_failover_lan URLS TOKENS OUT STOP`) it is the
hall's devices, inside the hall's namespace.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.netns import cannot_create_namespaces, ip
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster
from tests.support.relay import Relay

pytestmark = [pytest.mark.slow, pytest.mark.netns]
ROOT = Path(__file__).resolve().parents[2]
TAKEOVER_LIMIT_S = 5.0
CLIENT_LIMIT_S = 2.0
PCS = ("pc1", "pc2", "hall")


@dataclass
class HallLan:
    """A switch (a bridge here, 10.236.S.254) and namespaces pc1 .1, pc2 .2 and hall .3."""

    tag: str
    subnet: int

    def namespace(self, name: str) -> str:
        return f"antrian-ha-{self.tag}-{name}"

    def address(self, name: str) -> str:
        return f"10.236.{self.subnet}.{PCS.index(name) + 1}"

    @property
    def switch_address(self) -> str:
        return f"10.236.{self.subnet}.254"

    @property
    def switch(self) -> str:
        return f"hb{self.tag}"

    def create(self) -> None:
        ip("link", "add", self.switch, "type", "bridge")
        ip("addr", "add", f"{self.switch_address}/24", "dev", self.switch)
        ip("link", "set", self.switch, "up")
        for index, name in enumerate(PCS):
            namespace = self.namespace(name)
            here, there = f"h{self.tag}{index}s", f"h{self.tag}{index}p"
            ip("netns", "add", namespace)
            ip("link", "add", here, "type", "veth", "peer", "name", there)
            ip("link", "set", here, "master", self.switch)
            ip("link", "set", here, "up")
            ip("link", "set", there, "netns", namespace)
            ip("-n", namespace, "addr", "add", f"{self.address(name)}/24", "dev", there)
            ip("-n", namespace, "link", "set", "lo", "up")
            ip("-n", namespace, "link", "set", there, "up")

    def destroy(self) -> None:
        for index, name in enumerate(PCS):
            namespace = self.namespace(name)
            pids = subprocess.run(
                ["ip", "netns", "pids", namespace], capture_output=True, text=True
            ).stdout.split()
            for pid in pids:
                subprocess.run(["kill", "-9", pid], capture_output=True)
            subprocess.run(["ip", "link", "del", f"h{self.tag}{index}s"], capture_output=True)
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        subprocess.run(["ip", "link", "del", self.switch], capture_output=True)


@pytest.fixture
def hall_lan() -> Iterator[HallLan]:
    reason = cannot_create_namespaces()
    if reason is not None:
        pytest.skip(reason)
    lan = HallLan(uuid.uuid4().hex[:5], 100 + int(uuid.uuid4().hex[:2], 16) % 100)
    try:
        lan.create()
        yield lan
    finally:
        lan.destroy()


class PcServer(LiveServer):
    """antrian-server on one office PC: inside that PC's namespace."""

    def __init__(self, lan: HallLan, name: str, data_dir: Path, database: str) -> None:
        super().__init__(data_dir, host=lan.address(name), name=name, database=database)
        self.namespace = lan.namespace(name)

    def _base_command(self) -> list[str]:
        return ["ip", "netns", "exec", self.namespace, *super()._base_command()]


def health(server: LiveServer) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"{server.api}/health", timeout=1) as answer:
            return dict(json.loads(answer.read()))
    except urllib.error.HTTPError as error:
        return dict(json.loads(error.read()))
    except OSError:
        return {}


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.05)


def whole_log(server: LiveServer) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while True:
        after = events[-1]["id"] if events else 0
        request = urllib.request.Request(
            f"{server.api}/log?after={after}&limit=10000",
            headers={"Authorization": f"Bearer {server.tokens['admin']}"},
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            found = json.loads(answer.read())["events"]
        if not found:
            return events
        events += found


@dataclass
class Hall:
    """PC 1 active and PC 2 standby on one database, the hall's devices working on them."""

    lan: HallLan
    first: PcServer
    second: PcServer
    out: Path

    def lines(self, kind: str, server: LiveServer | None = None) -> list[dict[str, Any]]:
        return [
            line for line in read_lines(self.out)
            if line["kind"] == kind and (server is None or line["server"] == server.url)
        ]  # fmt: skip

    def assert_record_is_whole(self) -> None:
        """Every ticket the hall was given is in the new server's record, no number was
        given twice and no ticket called twice (by the hall's account and by the record's)."""
        issued_lines = self.lines("issued")
        acknowledged = {(line["id"], line["number"]) for line in issued_lines}
        assert len(acknowledged) == len(issued_lines), "one ticket acknowledged twice"
        called_ids = [line["id"] for line in self.lines("called")]
        assert len(set(called_ids)) == len(called_ids), "the hall saw a ticket called twice"
        events = whole_log(self.second)
        tickets = [
            next(ticket for ticket in event["tickets"] if ticket["id"] == event["ticket"])
            for event in events
            if event["type"] == "ticket.issued"
        ]
        recorded = {(ticket["id"], ticket["number"]) for ticket in tickets}
        assert acknowledged <= recorded, f"lost: {sorted(acknowledged - recorded)[:10]}"
        numbers = [(ticket["day"], ticket["number"]) for ticket in tickets]
        assert len(set(numbers)) == len(numbers), "a number was given out twice"
        calls = [event["ticket"] for event in events if event["type"] == "ticket.called"]
        assert len(set(calls)) == len(calls), "the record calls a ticket twice"
        assert set(called_ids) <= set(calls)


@pytest.fixture
def hall(hall_lan: HallLan, postgres_cluster: Cluster, tmp_path: Path) -> Iterator[Hall]:
    from psycopg.conninfo import conninfo_to_dict

    url = postgres_cluster.create_database()
    port = int(conninfo_to_dict(url)["port"])
    relay = Relay(port, host=hall_lan.switch_address)  # the database PC's address on the LAN
    database = url.replace(f"127.0.0.1:{port}/", f"{hall_lan.switch_address}:{relay.port}/")
    first = PcServer(hall_lan, "pc1", tmp_path / "pc1", database)
    second = PcServer(hall_lan, "pc2", tmp_path / "pc2", database)
    out, stop = tmp_path / "hall.jsonl", tmp_path / "hall.stop"
    desk: subprocess.Popen[bytes] | None = None
    try:
        first.start()
        second.tokens = first.tokens
        second.start()
        assert health(second)["status"] == "standby"
        tokens = {name: first.tokens[name] for name in ("kiosk", "counter1", "counter2")}
        with (tmp_path / "hall.log").open("wb") as log:
            desk = subprocess.Popen(
                ["ip", "netns", "exec", hall_lan.namespace("hall"), sys.executable, "-m",
                 "tests.e2e.test_failover_lan", json.dumps([first.url, second.url]),
                 json.dumps(tokens), str(out), str(stop)],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        yield Hall(hall_lan, first, second, out)
        stop.touch()
        assert desk.wait(timeout=20) == 0, (tmp_path / "hall.log").read_text()
    finally:
        stop.touch()
        if desk is not None and desk.poll() is None:
            desk.kill()
        second.kill()
        first.kill()
        relay.close()


def wait_until_active(server: LiveServer, since: float) -> float:
    while health(server).get("status") != "ok":
        assert time.monotonic() - since < TAKEOVER_LIMIT_S + 5, f"{server.name} did not take over"
        time.sleep(0.02)
    return time.monotonic()


def test_kill_9_of_pc1_pc2_takes_over_and_the_hall_goes_on_losing_nothing(hall: Hall) -> None:
    first, second = hall.first, hall.second
    wait_for(
        lambda: len(hall.lines("issued", first)) >= 30 and len(hall.lines("called", first)) >= 3,
        30, "the hall working on pc1",
    )  # fmt: skip
    killed = time.monotonic()
    first.kill()
    took_over = wait_until_active(second, killed)
    wait_for(lambda: bool(hall.lines("issued", second)), 10, "the hall's kiosk on pc2")
    first_on_second = min(line["at"] for line in hall.lines("issued", second))
    wait_for(
        lambda: len(hall.lines("issued", second)) >= 20 and len(hall.lines("called", second)) >= 3,
        20, "the hall working on pc2",
    )  # fmt: skip
    takeover_s, client_s = took_over - killed, first_on_second - took_over
    print(
        f"kill -9 of pc1 -> pc2 active: {takeover_s:.2f} s; "
        f"-> the hall's kiosk issuing on pc2: {client_s:.2f} s more"
    )
    assert takeover_s < TAKEOVER_LIMIT_S
    assert client_s < CLIENT_LIMIT_S
    hall.assert_record_is_whole()


def test_pc1_cut_off_from_the_database_says_standby_to_its_hall_before_pc2_takes_over(
    hall: Hall,
) -> None:
    first, second = hall.first, hall.second
    wait_for(lambda: len(hall.lines("issued", first)) >= 30, 30, "the hall working on pc1")
    # inside PC 1: packets to the database PC vanish; the hall (the same LAN) still reaches it
    cut = time.monotonic()
    ip(
        "-n",
        hall.lan.namespace("pc1"),
        "route",
        "add",
        "blackhole",
        f"{hall.lan.switch_address}/32",
    )
    took_over = wait_until_active(second, cut)
    wait_for(lambda: bool(hall.lines("issued", second)), 10, "the hall's kiosk on pc2")
    first_on_second = min(line["at"] for line in hall.lines("issued", second))
    wait_for(lambda: bool(hall.lines("refused", first)), 10, "pc1's refusal seen by the hall")
    said = hall.lines("health", first)
    stepped_down = next(line for line in said if line["at"] > cut and line["status"] == "standby")
    refused = hall.lines("refused", first)[0]
    print(
        f"cut of pc1's link to the database -> pc1 says standby to the hall: "
        f"{stepped_down['at'] - cut:.2f} s; -> pc2 active: {took_over - cut:.2f} s; "
        f"-> the hall's kiosk issuing on pc2: {first_on_second - took_over:.2f} s more"
    )
    assert stepped_down["at"] < took_over, "pc2 took over before pc1 stopped writing"
    assert took_over - cut < TAKEOVER_LIMIT_S
    assert first_on_second - took_over < CLIENT_LIMIT_S
    assert stepped_down["reason"] == "database_unreachable"
    assert stepped_down["message"].startswith("Server ini terputus dari basis data")
    assert (refused["status"], refused["error"]) == (503, "standby")
    assert refused["reason"] == "database_unreachable"
    # nothing acknowledged by pc1 once it said so, and pc1's last before pc2's first
    last_on_first = max(line["at"] for line in hall.lines("issued", first))
    assert last_on_first < stepped_down["at"] < first_on_second
    hall.assert_record_is_whole()


async def hall_devices(urls: list[str], tokens: dict[str, str], out: Path, stop: Path) -> None:
    """A kiosk issuing and counters 1 and 2 calling, each looking again for the active
    server (client/'s first_active over both addresses) after a standby answer or a
    refused connection, as the Qt programs' link does."""
    from client.api import ApiClient
    from client.discovery import first_active
    from client.errors import ApiError, ProtocolError, QueueEmpty, ServerUnavailable

    written = out.open("a", buffering=1)

    def note(**line: Any) -> None:
        written.write(json.dumps({**line, "at": time.monotonic()}) + "\n")

    async def find() -> str:
        while True:
            found = await first_active(urls, None)
            if found is not None:
                return found
            await asyncio.sleep(0.05)

    async def device(token: str, counter: int | None) -> None:
        url = await find()
        client = ApiClient(url, token, connect_timeout_s=1, total_timeout_s=3)
        while not stop.exists():
            try:
                if counter is None:
                    ticket = await client.issue_ticket("A")
                    note(kind="issued", server=url, id=ticket.id, number=ticket.number)
                else:
                    ticket = await client.call_next(counter)
                    note(kind="called", server=url, id=ticket.id, counter=counter)
            except QueueEmpty:
                await asyncio.sleep(0.1)
            except (ServerUnavailable, ProtocolError, ApiError) as error:
                note(kind="error", server=url, error=type(error).__name__)
                await client.close()
                url = await find()
                client = ApiClient(url, token, connect_timeout_s=1, total_timeout_s=3)
            await asyncio.sleep(0.05)
        await client.close()

    async def watch(url: str) -> None:
        """What the server says of itself, on each change; a kiosk's try when it turns standby."""
        import aiohttp

        said: tuple[str, str | None] = ("", None)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.5)) as session:
            while not stop.exists():
                try:
                    async with session.get(f"{url}/api/v1/health") as answer:
                        body = await answer.json()
                except (aiohttp.ClientError, TimeoutError):
                    body = {"status": "down"}
                now = (body.get("status", ""), body.get("reason"))
                if now != said:
                    note(kind="health", server=url, status=now[0], reason=now[1],
                         message=body.get("message", ""))  # fmt: skip
                    if now[0] == "standby" and said[0] == "ok":
                        async with session.post(
                            f"{url}/api/v1/tickets", json={"service": "A"},
                            headers={"Authorization": f"Bearer {tokens['kiosk']}"},
                        ) as answer:  # fmt: skip
                            refusal = await answer.json()
                        note(kind="refused", server=url, status=answer.status,
                             error=refusal.get("error"), reason=refusal.get("reason"))  # fmt: skip
                    said = now
                await asyncio.sleep(0.05)

    await asyncio.gather(
        device(tokens["kiosk"], None), device(tokens["counter1"], 1),
        device(tokens["counter2"], 2), *(watch(url) for url in urls),
    )  # fmt: skip


if __name__ == "__main__":
    asyncio.run(hall_devices(json.loads(sys.argv[1]), json.loads(sys.argv[2]), Path(sys.argv[3]),
                     Path(sys.argv[4])))  # fmt: skip
