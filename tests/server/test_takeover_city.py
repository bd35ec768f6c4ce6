"""A takeover seen from the city: the server that lost the lease stops pushing the office's
record, the one that took over pushes on, and the central holds the record once, in order.
Two real server processes on one real PostgreSQL database, a real antrian-central process,
each server's link to it through a relay that counts what it carries.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from central.store import CentralStore
from server import city
from tests.server.test_takeover import call, health, wait_for
from tests.support.central import CentralProcess
from tests.support.live_server import LiveServer
from tests.support.postgres import Cluster
from tests.support.relay import Relay

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
SYNC_TIMEOUT_S = 20.0


def issue(server: LiveServer, tickets: int) -> None:
    """Kiosk tickets and a call at loket 1, all acknowledged by `server`."""
    for _ in range(tickets):
        status, body = call(f"{server.api}/tickets", server.tokens["kiosk"], {"service": "A"})
        assert status == 201, body
    status, body = call(f"{server.api}/counters/1/next", server.tokens["counter1"], {})
    assert status == 200, body


def office_log(server: LiveServer) -> list[dict[str, Any]]:
    status, body = call(f"{server.api}/log?after=0&limit=10000", server.tokens["admin"])
    assert status == 200, body
    return list(body["events"])


def city_log(central: CentralProcess, office_id: int, reader: str) -> list[dict[str, Any]]:
    """Every event of the office the central holds, oldest first, as its API gives them."""
    url = f"http://127.0.0.1:{central.port}/api/v1/city/offices/{office_id}/log"
    status, body = call(f"{url}?after=0&limit=10000", reader)
    assert status == 200, body
    return list(body["events"])


def test_a_demoted_server_stops_pushing_to_the_city_and_the_one_that_took_over_pushes_on(
    tmp_path: Path, database_url: str, postgres_cluster: Cluster
) -> None:
    central_database = postgres_cluster.create_database()
    store = CentralStore(central_database)
    store.open()
    now = datetime.now(UTC)
    office, token = store.add_office("Kecamatan Karawaci", now)
    reader = store.create_token("tests", now)
    store.close()
    central = CentralProcess(central_database, tmp_path)
    central.start()
    links = {name: Relay(central.port) for name in ("pc1", "pc2")}  # each PC's link to the city

    def settings(name: str) -> str:
        return f'[city]\nurl = "{links[name].url}"\ntoken = "{token}"\n'

    first = LiveServer(tmp_path / "pc1", settings("pc1"), name="pc1", database=database_url)
    second = LiveServer(tmp_path / "pc2", settings("pc2"), name="pc2", database=database_url)
    try:
        first.start()
        second.tokens = first.tokens
        second.start()
        assert first.process is not None
        assert health(second)["status"] == "standby"

        issue(first, 10)
        expected = office_log(first)
        wait_for(lambda: city_log(central, office.id, reader) == expected, SYNC_TIMEOUT_S)
        assert links["pc1"].client_bytes > 0
        assert (links["pc2"].connections, links["pc2"].client_bytes) == (0, 0), (
            "a standby pushed to the city"
        )

        os.kill(first.process.pid, signal.SIGSTOP)  # pc1 freezes; pc2 takes over
        try:
            wait_for(lambda: health(second).get("status") == "ok", SYNC_TIMEOUT_S)
        finally:
            os.kill(first.process.pid, signal.SIGCONT)
        wait_for(lambda: health(first).get("status") == "standby", 10)  # pc1 steps down
        time.sleep(1)  # what pc1 sent before it stepped down has passed the relay
        heard_from_pc1 = links["pc1"].client_bytes

        issue(second, 10)
        expected = office_log(second)
        wait_for(lambda: city_log(central, office.id, reader) == expected, SYNC_TIMEOUT_S)
        assert links["pc2"].client_bytes > 0, "the server that took over pushed nothing"
        # a forwarder that still ran would speak within a heartbeat: watch one, with news
        watch_until = time.monotonic() + city.HEARTBEAT_S + 3
        watched = 0
        while time.monotonic() < watch_until:
            issue(second, 1)
            watched += 1
            time.sleep(1)
        expected = office_log(second)
        wait_for(lambda: city_log(central, office.id, reader) == expected, SYNC_TIMEOUT_S)
        assert links["pc1"].client_bytes == heard_from_pc1, "the demoted server pushed on"

        held = city_log(central, office.id, reader)
        assert [event["id"] for event in held] == list(range(1, len(held) + 1))
        # every ticket acknowledged (10 by pc1, 10 + `watched` by pc2) issued once at the city
        issued = [event["ticket"] for event in held if event["type"] == "ticket.issued"]
        assert len(issued) == len(set(issued)) == 20 + watched
        assert "is a standby" in first.log()
    finally:
        second.stop()
        first.stop()
        central.stop()
        for link in links.values():
            link.close()
