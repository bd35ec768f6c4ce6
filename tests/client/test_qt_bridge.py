"""Tests of ServerLink under pytest-qt: signals on the Qt thread, real server behind."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from client.config import ClientConfig
from client.errors import ClientError, QueueEmpty, ServerUnavailable, Unauthorized
from client.events import ConnectionStatus
from client.qt_bridge import ServerLink
from client.state import OfficeState
from client.wire import Event, EventType, Ticket
from tests.support.live_server import LiveServer

WAIT_MS = 5000
FAST_RECONNECT = {"reconnect_delay_s": 0.1, "reconnect_max_delay_s": 0.3}


class Receiver:
    """Records every signal of a link, and the thread each one arrived on."""

    def __init__(self, link: ServerLink) -> None:
        self.statuses: list[ConnectionStatus] = []
        self.states: list[tuple[OfficeState, Any]] = []
        self.servers: list[str] = []
        self.threads: set[threading.Thread] = set()
        link.connection_changed.connect(self._on_connection_changed)
        link.state_changed.connect(self._on_state_changed)
        link.server_found.connect(self._on_server_found)

    def _on_connection_changed(self, status: ConnectionStatus) -> None:
        self.threads.add(threading.current_thread())
        self.statuses.append(status)

    def _on_state_changed(self, state: OfficeState, event: Any) -> None:
        self.threads.add(threading.current_thread())
        self.states.append((state, event))

    def _on_server_found(self, url: str) -> None:
        self.threads.add(threading.current_thread())
        self.servers.append(url)

    def events(self) -> list[Event]:
        return [event for _, event in self.states if isinstance(event, Event)]


@pytest.fixture
def make_link(qtbot: QtBot) -> Iterator[Any]:
    links: list[ServerLink] = []
    threads_before = set(threading.enumerate())

    def make(token: str | None, fallback_url: str | None, **options: Any) -> ServerLink:
        options.setdefault("discovery", False)
        options.setdefault("stream_options", FAST_RECONNECT)
        link = ServerLink(token, fallback_url, **options)
        links.append(link)
        return link

    yield make
    for link in links:
        link.stop()
    leaked = [
        thread
        for thread in set(threading.enumerate()) - threads_before
        if thread.name == "antrian-server-link"
    ]
    assert not leaked


def wait_result(qtbot: QtBot, handle: Any) -> tuple[Any, ClientError | None]:
    results: list[Any] = []
    errors: list[ClientError] = []
    handle.finished.connect(results.append)
    handle.failed.connect(errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=WAIT_MS)
    return (results[0] if results else None), (errors[0] if errors else None)


def test_link_connects_and_delivers_state_and_results_on_the_qt_thread(
    qtbot: QtBot, make_link: Any, live_server: LiveServer
) -> None:
    display = make_link(live_server.tokens["display"], live_server.url)
    kiosk = make_link(live_server.tokens["kiosk"], live_server.url)
    counter = make_link(live_server.tokens["counter1"], live_server.url)
    receiver = Receiver(display)
    for link in (display, kiosk, counter):
        link.start()
    qtbot.waitUntil(lambda: receiver.statuses == ["connected"], timeout=WAIT_MS)
    # the states are an enum, on the signal and on the link
    assert receiver.statuses == [ConnectionStatus.CONNECTED]
    assert isinstance(receiver.statuses[0], ConnectionStatus)
    assert receiver.servers == [live_server.url]
    assert display.status is ConnectionStatus.CONNECTED
    assert display.state is not None and display.state.waiting == ()

    qtbot.waitUntil(lambda: kiosk.server_url is not None, timeout=WAIT_MS)
    ticket, error = wait_result(qtbot, kiosk.submit(lambda api: api.issue_ticket("A")))
    assert error is None and isinstance(ticket, Ticket) and ticket.number == "A001"

    qtbot.waitUntil(lambda: counter.server_url is not None, timeout=WAIT_MS)
    called, error = wait_result(qtbot, counter.submit(lambda api: api.call_next(1)))
    assert error is None and called.number == "A001"
    _, error = wait_result(qtbot, counter.submit(lambda api: api.call_next(1)))
    assert isinstance(error, QueueEmpty)

    qtbot.waitUntil(lambda: len(receiver.events()) == 2, timeout=WAIT_MS)
    assert [event.type for event in receiver.events()] == [
        EventType.TICKET_ISSUED,
        EventType.TICKET_CALLED,
    ]
    assert display.state is not None and display.state.last_call is not None
    assert display.state.last_call.number == "A001"
    assert receiver.threads == {threading.main_thread()}


def test_submit_connects_callbacks_for_the_caller(
    qtbot: QtBot, make_link: Any, live_server: LiveServer
) -> None:
    link = make_link(live_server.tokens["kiosk"], live_server.url)
    link.start()
    qtbot.waitUntil(lambda: link.server_url is not None, timeout=WAIT_MS)
    services: list[Any] = []
    link.submit(lambda api: api.services(), on_finished=services.append, on_failed=pytest.fail)
    qtbot.waitUntil(lambda: bool(services), timeout=WAIT_MS)
    assert [service.code for service in services[0]] == ["A", "B", "C"]


def test_link_reports_unavailable_then_reconnects_when_the_server_returns(
    qtbot: QtBot, make_link: Any, live_server: LiveServer
) -> None:
    link = make_link(live_server.tokens["display"], live_server.url)
    receiver = Receiver(link)
    link.start()
    qtbot.waitUntil(lambda: link.status == "connected", timeout=WAIT_MS)
    live_server.kill()
    qtbot.waitUntil(lambda: link.status == "unavailable", timeout=WAIT_MS)
    _, error = wait_result(qtbot, link.submit(lambda api: api.health()))
    assert isinstance(error, ServerUnavailable)
    live_server.start()
    qtbot.waitUntil(lambda: link.status == "connected", timeout=WAIT_MS)
    assert receiver.statuses[:3] == ["connected", "searching", "unavailable"]
    # the stream resumed after its last seq (same database): no second snapshot
    assert len([event for _, event in receiver.states if event is None]) == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_link_without_a_server_is_unavailable_and_requests_fail(
    qtbot: QtBot, make_link: Any
) -> None:
    link = make_link("token", f"http://127.0.0.1:{free_port()}")
    link.start()
    qtbot.waitUntil(lambda: link.status == "unavailable", timeout=WAIT_MS)
    _, error = wait_result(qtbot, link.submit(lambda api: api.issue_ticket("A")))
    assert isinstance(error, ServerUnavailable)


def test_discovery_falls_back_to_the_configured_address(
    qtbot: QtBot, make_link: Any, live_server: LiveServer
) -> None:
    config = ClientConfig(
        program="display",
        server=live_server.url,
        token=live_server.tokens["display"],
        discovery_timeout_s=0.2,
        office="no such office",
    )
    link = ServerLink.from_config(config)
    make_link(None, None)  # only for the leak check
    try:
        link.start()
        qtbot.waitUntil(lambda: link.status == "connected", timeout=WAIT_MS)
        assert link.server_url == live_server.url
    finally:
        link.stop()


def test_rejected_token_is_told_apart_from_an_unreachable_server(
    qtbot: QtBot, make_link: Any, live_server: LiveServer
) -> None:
    rejected = make_link("not-a-token", live_server.url)
    unreachable = make_link(live_server.tokens["display"], f"http://127.0.0.1:{free_port()}")
    good = make_link(live_server.tokens["display"], live_server.url)
    assert rejected.last_error is None
    for link in (rejected, unreachable, good):
        link.start()
    qtbot.waitUntil(lambda: rejected.status == "unavailable", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: unreachable.status == "unavailable", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: good.status == "connected", timeout=WAIT_MS)
    assert isinstance(rejected.last_error, Unauthorized)
    assert isinstance(unreachable.last_error, ServerUnavailable)
    assert good.last_error is None


def test_stop_closes_every_socket_and_drops_late_results(
    qtbot: QtBot, make_link: Any, live_server: LiveServer
) -> None:
    def open_sockets() -> int:
        return sum(
            1 for fd in os.listdir("/proc/self/fd") if "socket" in _readlink(f"/proc/self/fd/{fd}")
        )

    before = open_sockets()
    for _ in range(3):
        link = make_link(live_server.tokens["kiosk"], live_server.url)
        link.start()
        qtbot.waitUntil(lambda link=link: link.status == "connected", timeout=WAIT_MS)
        handle = link.submit(lambda api: api.issue_ticket("A"))  # its answer comes after stop()
        results: list[Any] = []
        handle.finished.connect(results.append)
        handle.failed.connect(results.append)
        link.stop()
        qtbot.wait(50)
        assert results == []
    assert open_sockets() <= before


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def test_request_before_start_fails_later_not_during_the_call(qtbot: QtBot, make_link: Any) -> None:
    link = make_link("token", None)
    handle = link.submit(lambda api: api.health())
    assert not handle.done
    _, error = wait_result(qtbot, handle)
    assert isinstance(error, ServerUnavailable)


def test_a_bug_in_an_operation_fails_its_request_and_is_logged(
    qtbot: QtBot, make_link: Any, live_server: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    link = make_link(live_server.tokens["kiosk"], live_server.url)
    link.start()
    qtbot.waitUntil(lambda: link.server_url is not None, timeout=WAIT_MS)
    _, error = wait_result(qtbot, link.submit(lambda api: api.drop_tables(), name="drop"))
    assert type(error) is ClientError and "drop" in str(error)
    assert any("API call drop failed unexpectedly" in r.getMessage() for r in caplog.records)
    _, error = wait_result(qtbot, link.submit(lambda api: api.health()))
    assert error is None  # the link goes on


def test_stop_right_after_start_leaves_no_thread(make_link: Any) -> None:
    link = make_link(
        "token", None, discovery=True, discovery_timeout_s=0.2, interfaces=["127.0.0.1"]
    )
    link.start()
    link.stop()
    assert link.status == "searching"


def advertised_server(live_server_factory: Any) -> tuple[LiveServer, str]:
    office = f"Kantor Uji {uuid.uuid4().hex[:8]}"
    server = live_server_factory(
        f'[office]\nname = "{office}"\n[server]\nzeroconf_interfaces = ["127.0.0.1"]\n',
        zeroconf=True,
    )
    return server, office


def discovering_link(
    qtbot: QtBot, make_link: Any, server: LiveServer, office: str, **options: Any
) -> tuple[Any, Receiver]:
    """A display's link that looks for `office` over zeroconf on loopback, started, once it
    has found `server` and connected."""
    link = make_link(
        server.tokens["display"],
        None,
        discovery=True,
        discovery_timeout_s=5.0,
        interfaces=["127.0.0.1"],
        office=office,
        **options,
    )
    receiver = Receiver(link)
    link.start()
    qtbot.waitUntil(lambda: link.status == "connected", timeout=8000)
    return link, receiver


def test_link_finds_the_server_over_zeroconf(
    qtbot: QtBot, make_link: Any, live_server_factory: Any
) -> None:
    server, office = advertised_server(live_server_factory)
    link, receiver = discovering_link(qtbot, make_link, server, office)
    assert receiver.servers == [server.url]
    # "connected" is told before the snapshot's state (the counter checks a lost press
    # only once connected), so the state follows a moment later
    qtbot.waitUntil(lambda: link.state is not None, timeout=5000)
    assert link.state is not None and link.state.office == office


@pytest.mark.slow
def test_link_searches_again_when_the_advertised_server_moves(
    qtbot: QtBot, make_link: Any, live_server_factory: Any
) -> None:
    server, office = advertised_server(live_server_factory)
    link, receiver = discovering_link(qtbot, make_link, server, office, rediscover_after_s=0.5)
    first_url = server.url
    server.kill()
    server.port = 0  # the next start takes another port, as after a new address
    server.start()
    assert server.url != first_url
    qtbot.waitUntil(lambda: receiver.servers[-1:] == [server.url], timeout=10000)
    qtbot.waitUntil(lambda: link.status == "connected", timeout=5000)
    assert receiver.servers == [first_url, server.url]
