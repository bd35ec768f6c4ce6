"""A standby takes over when the active server dies; an active server that lost the lease
stops writing and is a standby. Two real server processes on one real PostgreSQL database,
kiosks and counters issuing and calling all along.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_server import LiveServer, start_pair

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
TAKEOVER_LIMIT_S = 5.0
REQUEST_TIMEOUT_S = 6.0


def call(
    url: str, token: str | None = None, body: object = None, timeout: float = REQUEST_TIMEOUT_S
) -> tuple[int, dict[str, Any]]:
    """(status, JSON body); 0 when the connection was refused, cut or timed out."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except OSError:
        return 0, {}


@dataclass
class Hall:
    """Kiosks and counters that send to whichever server answers (as failover clients do)."""

    servers: Sequence[LiveServer]
    tokens: dict[str, str]
    issued: list[tuple[str, int, str]] = field(default_factory=list)  # (server, id, number)
    called: list[tuple[str, int]] = field(default_factory=list)  # (server, ticket id)
    # (server, monotonic time the request was sent, status, error)
    answers: list[tuple[str, float, int, str]] = field(default_factory=list)
    presses: list[float] = field(default_factory=list)  # monotonic times of counters' "next"
    _stop: threading.Event = field(default_factory=threading.Event)
    _guard: threading.Lock = field(default_factory=threading.Lock)

    def _send(self, path: str, token: str, body: object) -> tuple[str, int, dict[str, Any]]:
        for server in self.servers:
            if server.port == 0:
                continue
            sent = time.monotonic()
            status, answer = call(f"{server.api}{path}", token, body)
            with self._guard:
                self.answers.append((server.name, sent, status, answer.get("error", "")))
            if status in (0, 503) and answer.get("error") != "queue_empty":
                continue  # refused, standby or failing: the next address
            return server.name, status, answer
        time.sleep(0.05)
        return "", 0, {}

    def _kiosk(self, service: str) -> None:
        while not self._stop.is_set():
            name, status, answer = self._send(
                "/tickets", self.tokens["kiosk"], {"service": service}
            )
            if status == 201:
                with self._guard:
                    self.issued.append((name, answer["id"], answer["number"]))

    def _counter(self, number: int) -> None:
        while not self._stop.is_set():
            path = f"/counters/{number}/next"
            with self._guard:
                self.presses.append(time.monotonic())
            name, status, answer = self._send(path, self.tokens[f"counter{number}"], {})
            if status == 200:
                with self._guard:
                    self.called.append((name, answer["id"]))
            time.sleep(0.05)

    @contextmanager
    def running(self) -> Iterator[Hall]:
        threads = [threading.Thread(target=self._kiosk, args=(code,)) for code in "AABBC"]
        threads += [threading.Thread(target=self._counter, args=(n,)) for n in (1, 2, 3)]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            for thread in threads:
                thread.join(timeout=30)

    def issued_by(self, name: str) -> int:
        with self._guard:
            return sum(1 for server, _, _ in self.issued if server == name)

    def called_by(self, name: str) -> int:
        with self._guard:
            return sum(1 for server, _ in self.called if server == name)


def two_servers(tmp_path: Path, database_url: str) -> tuple[LiveServer, LiveServer]:
    first, second = start_pair(tmp_path, database_url)
    assert call(f"{second.api}/health")[1]["status"] == "standby"
    return first, second


def health(server: LiveServer) -> dict[str, Any]:
    return call(f"{server.api}/health", timeout=2)[1]


def wait_for(condition: Any, timeout: float, step: float = 0.02) -> float:
    """Seconds until `condition()` held; fails after `timeout`."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not within {timeout} s")
        time.sleep(step)
    return time.monotonic() - started


def first_ticket_from(
    server: LiveServer, hall: Hall, since: float, limit_s: float = TAKEOVER_LIMIT_S
) -> float:
    """Seconds from `since` until `server` issues a ticket (a kiosk of its own asking)."""
    deadline = since + limit_s + 3
    while time.monotonic() < deadline:
        status, answer = call(f"{server.api}/tickets", hall.tokens["kiosk"], {"service": "A"}, 2)
        if status == 201:
            with hall._guard:
                hall.issued.append((server.name, answer["id"], answer["number"]))
            return time.monotonic() - since
        time.sleep(0.05)
    pytest.fail(f"{server.name} issued nothing within {limit_s + 3} s")


async def next_event_after_snapshot(server: LiveServer, hall: Hall) -> tuple[int, dict[str, Any]]:
    """The seq of a fresh snapshot from `server`, and the event of the next ticket issued."""
    import aiohttp

    headers = {"Authorization": f"Bearer {hall.tokens['display']}"}
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{server.api}/events", headers=headers) as socket,
    ):
        snapshot = json.loads((await socket.receive(timeout=5)).data)
        assert snapshot["type"] == "snapshot"
        kiosk = {"Authorization": f"Bearer {hall.tokens['kiosk']}"}
        async with session.post(
            f"{server.api}/tickets", json={"service": "C"}, headers=kiosk
        ) as answer:
            ticket = await answer.json()
            assert answer.status == 201
        with hall._guard:
            hall.issued.append((server.name, ticket["id"], ticket["number"]))
        while True:
            message = json.loads((await socket.receive(timeout=5)).data)
            if message.get("ticket", {}).get("id") == ticket["id"]:
                return int(snapshot["seq"]), message


def assert_record_is_whole(server: LiveServer, hall: Hall) -> None:
    """Every acknowledged ticket stored once, no number twice, no ticket called twice."""
    stored = dict(server.stored.rows("SELECT id, number FROM tickets"))
    acknowledged = {ticket_id: number for _, ticket_id, number in hall.issued}
    assert len(acknowledged) == len(hall.issued), "one ticket id acknowledged twice"
    lost = {
        ticket_id for ticket_id in acknowledged if stored.get(ticket_id) != acknowledged[ticket_id]
    }
    assert not lost, f"acknowledged tickets lost: {sorted(lost)[:10]}"
    days_numbers = server.stored.rows("SELECT CAST(day AS TEXT), number FROM tickets")
    assert len(set(days_numbers)) == len(days_numbers), "a number was given out twice"
    called_ids = [ticket_id for _, ticket_id in hall.called]
    assert len(set(called_ids)) == len(called_ids), "a ticket was called twice"
    calls = server.stored.rows(
        "SELECT ticket, count(*) FROM events WHERE type = 'ticket.called' GROUP BY ticket "
        "HAVING count(*) > 1"
    )
    assert calls == [], "the record calls a ticket twice"
    event_ids = [row[0] for row in server.stored.rows("SELECT id FROM events ORDER BY id")]
    assert event_ids == list(range(1, len(event_ids) + 1)), "the record has a gap"


def test_kill_9_of_the_active_server_the_standby_takes_over_within_5_s_losing_nothing(
    tmp_path: Path, database_url: str
) -> None:
    first, second = two_servers(tmp_path, database_url)
    hall = Hall([first, second], first.tokens)
    try:
        with hall.running():
            wait_for(lambda: hall.issued_by("pc1") >= 100, timeout=20)
            killed = time.monotonic()
            first.kill()
            first.port = 0  # the hall stops trying a dead PC's address
            takeover_s = first_ticket_from(second, hall, killed)
            wait_for(lambda: hall.issued_by("pc2") >= 100, timeout=20)
            wait_for(lambda: hall.called_by("pc2") >= 3, timeout=10)
        print(f"takeover (kill -9 -> first ticket from the new server): {takeover_s:.2f} s")
        assert takeover_s < TAKEOVER_LIMIT_S
        # the counters called on both sides of the takeover, and kept pressing "next" while
        # it was under way (the calls that race it)
        assert hall.called_by("pc1") > 0
        racing = [at for at in hall.presses if killed <= at <= killed + takeover_s]
        assert racing, "no counter pressed next while the takeover was under way"
        now = health(second)
        assert now["status"] == "ok" and now["last_event_id"] > 0
        # its device messages follow on from the record: a display that got its snapshot
        # sees the next event's prev equal to the snapshot's seq (no gap, no extra resync)
        snapshot_seq, issued = asyncio.run(next_event_after_snapshot(second, hall))
        assert issued["type"] == "ticket.issued" and issued["prev"] == snapshot_seq
        assert_record_is_whole(second, hall)
        assert "takes over" in second.log()
    finally:
        second.stop()
        first.kill()


def test_a_frozen_active_server_finds_itself_fenced_and_becomes_a_standby_writing_nothing(
    tmp_path: Path, database_url: str
) -> None:
    first, second = two_servers(tmp_path, database_url)
    hall = Hall([second, first], first.tokens)  # pc2 first: it answers "standby" at once
    assert first.process is not None
    late: list[tuple[int, dict[str, Any]]] = []
    try:
        with hall.running():
            wait_for(lambda: hall.issued_by("pc1") >= 50, timeout=20)
            os.kill(first.process.pid, signal.SIGSTOP)  # a PC that froze, with its sockets open
            frozen = time.monotonic()
            takeover_s = first_ticket_from(second, hall, frozen)
            # requests that reach the frozen server wait in its socket; it reads them on waking
            waiting = [
                threading.Thread(
                    target=lambda: late.append(
                        call(f"{first.api}/tickets", first.tokens["kiosk"], {"service": "C"}, 15)
                    )
                )
                for _ in range(5)
            ]
            for thread in waiting:
                thread.start()
            time.sleep(0.5)
            os.kill(first.process.pid, signal.SIGCONT)
            for thread in waiting:
                thread.join(timeout=20)
            wait_for(lambda: health(first).get("status") == "standby", timeout=3)
            wait_for(lambda: hall.issued_by("pc2") >= 100, timeout=20)
        print(f"takeover after SIGSTOP: {takeover_s:.2f} s")
        assert takeover_s < TAKEOVER_LIMIT_S
        assert len(late) == 5
        assert all(status == 503 for status, _ in late), late  # none stored, none acknowledged
        # what was sent to it after it froze: never acknowledged (in flight before, it may be)
        issued_by_pc1_after_takeover = [
            (name, at, status) for name, at, status, _ in hall.answers
            if name == "pc1" and at > frozen and status in (200, 201)
        ]  # fmt: skip
        assert issued_by_pc1_after_takeover == []
        # it reads who is active about every second (off its event loop)
        wait_for(lambda: (health(first).get("active") or {}).get("url") == second.url, 5)
        status, body = call(f"{first.api}/tickets", first.tokens["kiosk"], {"service": "A"})
        assert (status, body["error"], body["active_url"]) == (503, "standby", second.url)
        assert_record_is_whole(second, hall)
        assert "is a standby" in first.log()
    finally:
        if first.process is not None:
            os.kill(first.process.pid, signal.SIGCONT)
        second.stop()
        first.stop()


def test_a_server_cut_off_from_the_database_stops_writing_before_the_standby_takes_over(
    tmp_path: Path, database_url: str
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    from tests.support.relay import Relay

    port = conninfo_to_dict(database_url)["port"]
    relay = Relay(int(port))  # pc1's cable to the database PC
    through_relay = database_url.replace(f":{port}/", f":{relay.port}/")
    first, second = start_pair(tmp_path, database_url, first_database=through_relay)
    hall = Hall([first, second], first.tokens)
    stopped_at = took_over_at = 0.0
    try:
        with hall.running():
            wait_for(lambda: hall.issued_by("pc1") >= 50, timeout=20)
            relay.black_hole = True  # packets vanish, nothing is cut: the devices still reach it
            cut = time.monotonic()
            while not (stopped_at and took_over_at):
                assert time.monotonic() - cut < 10, "no step-down or no takeover within 10 s"
                if not stopped_at and health(first).get("status") == "standby":
                    stopped_at = time.monotonic()
                    said = health(first)
                    refused = call(f"{first.api}/tickets", first.tokens["kiosk"], {"service": "A"})
                if not took_over_at and health(second).get("status") == "ok":
                    took_over_at = time.monotonic()
                time.sleep(0.02)
            wait_for(lambda: hall.issued_by("pc2") >= 50, timeout=20)
            relay.black_hole = False  # the cable is back
            wait_for(lambda: (health(first).get("active") or {}).get("url") == second.url, 10)
        print(
            f"split: pc1 stopped writing {stopped_at - cut:.2f} s after the cut, "
            f"pc2 took over {took_over_at - cut:.2f} s after it"
        )
        assert stopped_at < took_over_at, "two servers may have written at once"
        # a write of pc1 stuck without its COMMIT holds the lease row's lock: the database
        # ends it after 1 s, so the takeover is not delayed by it
        assert took_over_at - cut < TAKEOVER_LIMIT_S
        assert said["reason"] == "database_unreachable"
        assert said["message"].startswith("Server ini terputus dari basis data")
        assert refused[0] == 503 and refused[1]["error"] == "standby"
        assert refused[1]["message"] == said["message"]
        # acknowledged by pc1 only for requests sent before it stopped writing
        late = [
            (at - cut, status) for name, at, status, _ in hall.answers
            if name == "pc1" and at > stopped_at and status in (200, 201)
        ]  # fmt: skip
        assert late == []
        back = health(first)
        assert (back["status"], back["reason"]) == ("standby", "another_server_active")
        assert (
            back["message"]
            == f"Server ini adalah server cadangan; server yang aktif: {second.url}."
        )
        assert call(f"{first.api}/health?lang=en")[1]["message"].startswith(
            "This server is a standby"
        )
        assert_record_is_whole(second, hall)
    finally:
        relay.black_hole = False
        second.stop()
        first.stop()
        relay.close()
