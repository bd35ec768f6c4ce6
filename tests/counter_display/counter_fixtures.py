"""Helpers for the counter terminal tests: a real ServerLink and window, HTTP to the server."""

from __future__ import annotations

import json
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
from tests.support.relay import Relay

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
