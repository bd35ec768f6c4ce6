"""Fixtures for the kiosk tests: a whole kiosk (controller, window, link, printer thread)."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from client.config import ClientConfig
from client.qt_bridge import ServerLink
from kiosk.controller import KioskController, Screen
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings
from kiosk.window import KioskWindow
from printer_drivers import PreviewPrinter, TicketPrinter
from tests.printer_drivers.simulated import PtyPair, PtyPrinter
from tests.support.live_server import LiveServer

WAIT_MS = 8000
TAP_PAUSE_MS = 600  # longer than a double tap: the next touch is a new one
FAST_RECONNECT = {"reconnect_delay_s": 0.1, "reconnect_max_delay_s": 0.3}


@dataclass
class Kiosk:
    """One running kiosk and helpers that read what a visitor sees."""

    qtbot: QtBot
    controller: KioskController
    window: KioskWindow
    link: ServerLink
    printer_service: PrinterService
    printer: TicketPrinter
    stopped: bool = field(default=False)

    def wait_screen(self, screen: Screen, timeout_ms: int = WAIT_MS, settled: bool = True) -> None:
        """Wait until ``screen`` is shown and, if ``settled``, up long enough to be touched
        (a touch sooner after a screen change is taken as meant for the screen before)."""

        def shown() -> None:
            assert self.controller.screen is screen
            assert not settled or self.controller.touch_guard.settled()

        self.qtbot.waitUntil(shown, timeout=timeout_ms)

    def visible_texts(self) -> list[str]:
        """Texts of every visible label and button of the window."""
        widgets: list[QWidget] = [
            *self.window.findChildren(QLabel),
            *self.window.findChildren(QPushButton),
        ]
        return [
            widget.text()  # type: ignore[attr-defined]
            for widget in widgets
            if widget.isVisibleTo(self.window) and widget.text()  # type: ignore[attr-defined]
        ]

    def shows(self, text: str) -> bool:
        return any(text in shown for shown in self.visible_texts())

    def tap(self, widget: QWidget) -> None:
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def service_button(self, code: str, priority: bool = False) -> QPushButton:
        screen = self.window.priority_screen if priority else self.window.services_screen
        return screen.grid.buttons[code]

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.link.stop()
            self.printer_service.stop()


MakeKiosk = Callable[..., Kiosk]


@pytest.fixture
def make_kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[MakeKiosk]:
    kiosks: list[Kiosk] = []

    def make(
        server: LiveServer | None = None,
        printer: TicketPrinter | None = None,
        *,
        url: str | None = None,
        poll_s: float = 0.2,
        confirm_s: float = 1.0,
        start: bool = True,
        admin_hold_ms: int = 3000,
        **options: Any,
    ) -> Kiosk:
        token = server.tokens["kiosk"] if server is not None else "no-token"
        url = url or (server.url if server is not None else None)
        settings = KioskSettings(
            client=ClientConfig(program="kiosk", server=url, token=token, discovery=False),
            fullscreen=False,
            hide_cursor=False,
            confirm_s=confirm_s,
            printer_poll_s=poll_s,
            **options,
        )
        printer = printer or PreviewPrinter(tmp_path / "previews")
        link = ServerLink(token, url, discovery=False, stream_options=FAST_RECONNECT)
        printer_service = PrinterService(printer, poll_s)
        controller = KioskController(settings, link, printer_service)
        window = KioskWindow(controller, admin_hold_ms=admin_hold_ms)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        kiosk = Kiosk(qtbot, controller, window, link, printer_service, printer)
        kiosks.append(kiosk)
        if start:
            link.start()
            printer_service.start()
        return kiosk

    yield make
    for kiosk in kiosks:
        kiosk.stop()


@pytest.fixture
def pty_printer(tmp_path: Path) -> Iterator[tuple[PtyPair, PtyPrinter]]:
    """A virtual serial printer: a socat pty pair with a status-answering printer end."""
    pair = PtyPair(tmp_path)
    printer = PtyPrinter(pair.printer_end)
    yield pair, printer
    printer.stop()
    pair.stop()


def api_get(server: LiveServer, path: str, token: str | None = None) -> Any:
    request = urllib.request.Request(server.api + path)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def api_post(server: LiveServer, path: str, token: str) -> Any:
    request = urllib.request.Request(
        server.api + path,
        data=b"{}",
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.load(answer)


def waiting_numbers(server: LiveServer) -> list[str]:
    """Numbers of today's waiting tickets, as the server has them."""
    snapshot = api_get(server, "/snapshot", server.tokens["display"])
    return [ticket["number"] for ticket in snapshot["waiting"]]
