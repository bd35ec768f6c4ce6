"""Helpers for the counter terminal tests: a real ServerLink and window, HTTP to the server."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from client.pyside_fix import apply_reference_fix
from client.qt_bridge import ServerLink
from counter_display.counter.actions import Button
from counter_display.counter.window import CounterWindow
from tests.support.live_server import LiveServer

# PySide6 6.12.0 on Python 3.11 frees True and None after a few hundred signals.
apply_reference_fix()

WAIT_MS = 5000
FAST_RECONNECT = {"reconnect_delay_s": 0.05, "reconnect_max_delay_s": 0.3}


def http(server: LiveServer, method: str, path: str, token: str, body: object = None) -> Any:
    """One API call with a token; the decoded JSON answer (raises HTTPError on 4xx)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{server.api}{path}",
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())


def issue(server: LiveServer, service: str, count: int = 1) -> list[str]:
    """Issue tickets at the kiosk; their numbers."""
    return [
        http(server, "POST", "/tickets", server.tokens["kiosk"], {"service": service})["number"]
        for _ in range(count)
    ]


def server_counter(server: LiveServer, number: int) -> dict[str, Any]:
    """The counter as GET /counters reports it."""
    counters = http(server, "GET", "/counters", server.tokens["admin"])["counters"]
    return next(counter for counter in counters if counter["number"] == number)


def server_snapshot(server: LiveServer) -> dict[str, Any]:
    """GET /snapshot with the admin token."""
    return http(server, "GET", "/snapshot", server.tokens["admin"])


def enabled_buttons(window: CounterWindow) -> set[Button]:
    """The buttons a clerk can press now."""
    return {button_id for button_id, button in window.buttons.items() if button.isEnabled()}


CounterFactory = Callable[..., CounterWindow]


@pytest.fixture
def counter_window_factory(qtbot: QtBot) -> Iterator[CounterFactory]:
    """Open counter windows on a real ServerLink to a live server; links stopped after."""
    links: list[ServerLink] = []

    def open_window(
        server: LiveServer, counter: int = 2, language: str = "id", url: str | None = None
    ) -> CounterWindow:
        link = ServerLink(
            server.tokens[f"counter{counter}"],
            url or server.url,
            discovery=False,
            stream_options=FAST_RECONNECT,
        )
        links.append(link)
        window = CounterWindow(link, counter, language)
        qtbot.addWidget(window)
        window.show()
        link.start()
        qtbot.waitUntil(lambda: window.presenter.phase != "unavailable", timeout=WAIT_MS)
        return window

    yield open_window
    for link in links:
        link.stop()


class Relay:
    """A TCP relay in front of the server that can lose requests or answers on purpose.

    ``lose_requests``: bytes from the client are dropped and the connection cut, so the
    server never sees the request. ``lose_answers``: the server's bytes are dropped and
    the connection cut, so the server acted but the client never hears of it.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.lose_requests = False
        self.lose_answers = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._threads = [threading.Thread(target=self._accept, name="relay-accept", daemon=True)]
        self._threads[0].start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        self._listener.settimeout(0.05)  # to notice close() soon
        while not self._closing.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
                for source, target, upward in ((client, upstream, True), (upstream, client, False)):
                    thread = threading.Thread(
                        target=self._pump, args=(source, target, upward), daemon=True
                    )
                    self._threads.append(thread)
                    thread.start()

    def _pump(self, source: socket.socket, target: socket.socket, upward: bool) -> None:
        try:
            while data := source.recv(65536):
                if self.lose_requests if upward else self.lose_answers:
                    break
                target.sendall(data)
        except OSError:
            pass
        for end in (source, target):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closing.set()
        self._threads[0].join(5)
        self._listener.close()
        with self._lock:
            for end in self._sockets:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            for thread in self._threads[1:]:
                thread.join(5)
            for end in self._sockets:
                end.close()


@pytest.fixture
def relay_factory() -> Iterator[Callable[[LiveServer], Relay]]:
    """Relays in front of live servers, closed afterwards."""
    relays: list[Relay] = []

    def start(server: LiveServer) -> Relay:
        relays.append(Relay(server.port))
        return relays[-1]

    yield start
    for relay in relays:
        relay.close()
