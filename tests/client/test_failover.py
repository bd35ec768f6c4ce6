"""Qt clients (display, kiosk, counter) given both servers of an HA hall go on with the standby
that took over."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from client.errors import QueueEmpty
from client.qt_bridge import ServerLink
from tests.support.live_server import LiveServer, start_pair

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["postgresql"], indirect=True),
]
CLIENT_LIMIT_S = 2.0  # back on the new server within this of its takeover


@pytest.fixture
def hall(tmp_path: Path, database_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    first, second = start_pair(tmp_path, database_url)
    try:
        yield first, second
    finally:
        second.stop()
        first.kill()


def test_a_display_given_both_addresses_is_back_within_2_s_of_the_takeover(
    qtbot: QtBot, hall: tuple[LiveServer, LiveServer]
) -> None:
    first, second = hall
    # the standby listed first: it answers "standby" and the link goes to the active one
    link = ServerLink(first.tokens["display"], [second.url, first.url], discovery=False)
    servers: list[str] = []
    link.server_found.connect(servers.append)
    try:
        link.start()
        qtbot.waitUntil(lambda: link.status == "connected", timeout=8000)
        assert link.server_url == first.url
        first.kill()
        took_over = second.wait_until_active(lambda: qtbot.wait(20))
        qtbot.waitUntil(
            lambda: link.status == "connected" and link.server_url == second.url, timeout=5000
        )
        back_s = time.monotonic() - took_over
        print(f"display back on the new server {back_s:.2f} s after its takeover")
        assert back_s < CLIENT_LIMIT_S
        assert servers == [first.url, second.url]
        # and what the new server does reaches the display
        request = urllib.request.Request(
            f"{second.api}/tickets", data=json.dumps({"service": "B"}).encode(),
            headers={"Authorization": f"Bearer {first.tokens['kiosk']}"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=5) as answer:
            number = json.loads(answer.read())["number"]
        qtbot.waitUntil(
            lambda: (
                link.state is not None
                and any(ticket.number == number for ticket in link.state.waiting)
            ),
            timeout=3000,
        )
    finally:
        link.stop()


def test_a_kiosk_and_a_counter_given_both_addresses_go_on_with_the_new_server(
    qtbot: QtBot, hall: tuple[LiveServer, LiveServer]
) -> None:
    first, second = hall
    kiosk = ServerLink(first.tokens["kiosk"], [second.url, first.url], discovery=False)
    counter = ServerLink(first.tokens["counter1"], [second.url, first.url], discovery=False)
    links = (kiosk, counter)

    def on(server: LiveServer) -> bool:
        return all(link.status == "connected" and link.server_url == server.url for link in links)

    def result(handle: Any) -> tuple[Any, Any]:
        results: list[Any] = []
        errors: list[Any] = []
        handle.finished.connect(results.append)
        handle.failed.connect(errors.append)
        qtbot.waitUntil(lambda: bool(results or errors), timeout=5000)
        return (results[0] if results else None), (errors[0] if errors else None)

    try:
        for link in links:
            link.start()
        qtbot.waitUntil(lambda: on(first), timeout=8000)
        before, error = result(kiosk.submit(lambda api: api.issue_ticket("A")))
        assert error is None and before.number == "A001"
        first.kill()  # the ticket it acknowledged is in the database
        took_over = second.wait_until_active(lambda: qtbot.wait(20))
        qtbot.waitUntil(lambda: on(second), timeout=5000)
        back_s = time.monotonic() - took_over
        print(f"kiosk and counter back on the new server {back_s:.2f} s after its takeover")
        assert back_s < CLIENT_LIMIT_S
        after, error = result(kiosk.submit(lambda api: api.issue_ticket("A")))
        assert error is None and after.number == "A002"  # the number goes on, none reused
        called = [result(counter.submit(lambda api: api.call_next(1))) for _ in range(3)]
        assert [ticket.number for ticket, _ in called[:2]] == ["A001", "A002"]
        assert called[2][0] is None and isinstance(called[2][1], QueueEmpty)
    finally:
        for link in links:
            link.stop()


def test_a_display_leaves_a_server_cut_off_from_the_database_for_the_one_that_took_over(
    qtbot: QtBot, tmp_path: Path, database_url: str
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    from tests.support.relay import Relay

    port = int(conninfo_to_dict(database_url)["port"])
    relay = Relay(port)  # pc1's cable to the database PC; its clients still reach it
    through_relay = database_url.replace(f":{port}/", f":{relay.port}/")
    first, second = start_pair(tmp_path, database_url, first_database=through_relay)
    link = ServerLink(first.tokens["display"], [first.url, second.url], discovery=False)
    try:
        link.start()
        qtbot.waitUntil(lambda: link.status == "connected", timeout=8000)
        assert link.server_url == first.url
        relay.black_hole = True
        took_over = second.wait_until_active(lambda: qtbot.wait(20))
        assert first.health_status() == "standby"  # alive, answering, writing nothing
        qtbot.waitUntil(
            lambda: link.status == "connected" and link.server_url == second.url, timeout=5000
        )
        back_s = time.monotonic() - took_over
        print(f"display left the cut-off server {back_s:.2f} s after the takeover")
        assert back_s < CLIENT_LIMIT_S
    finally:
        link.stop()
        relay.black_hole = False
        second.stop()
        first.stop()
        relay.close()
