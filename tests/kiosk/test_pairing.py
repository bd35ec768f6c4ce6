"""The kiosk's first start without a token: a pairing code on screen, then the kiosk.

A real server process; the supervisor's approval goes through the real approval API
(`POST /api/v1/pairings/{code}/approve`, PairingDesk.grant); the token lands in a file
under tmp_path. Set ANTRIAN_SCREENSHOTS to keep the picture (docs/pairing-kiosk.png).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from client.config import ClientConfig
from kiosk.controller import Screen
from kiosk.first_start import KioskStart
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings
from printer_drivers import PreviewPrinter
from tests.support.live_server import LiveServer
from tests.support.pairing import (
    CODE_PREFIX,
    EXPIRED_TEXT,
    FAST_PAIRING,
    HINT,
    WRONG_ROLE_TEXT,
    approve,
    pending_codes,
    stored_token,
    token_works,
)

WAIT_MS = 10000


@pytest.fixture
def kiosk_start(qtbot: QtBot, live_server: LiveServer, tmp_path: Path) -> Iterator[KioskStart]:
    settings = KioskSettings(
        client=ClientConfig(program="kiosk", server=live_server.url, discovery=False),
        fullscreen=False, hide_cursor=False, confirm_s=1.0, printer_poll_s=0.2,
    )  # fmt: skip
    printer_service = PrinterService(PreviewPrinter(tmp_path / "previews"), 0.2)

    def show(widget: QWidget) -> None:
        qtbot.addWidget(widget)
        widget.resize(1280, 800)
        widget.show()

    start = KioskStart(
        settings, printer_service, show, token_path=tmp_path / "kiosk-token.json",
        pairing_options=FAST_PAIRING,  # type: ignore[arg-type]
    )  # fmt: skip

    def on_shown() -> None:
        assert start.link is not None
        start.link.start()
        printer_service.start()

    start.kiosk_shown.connect(on_shown)
    yield start
    start.stop()


def shown_code(qtbot: QtBot, start: KioskStart, other_than: str | None = None) -> str:
    screen = start.pairing_screen
    assert screen is not None

    def has_code() -> None:
        assert screen.code.isVisible() and screen.code.text().startswith(CODE_PREFIX)
        assert screen.code.text() != f"{CODE_PREFIX}{other_than}"

    qtbot.waitUntil(has_code, timeout=WAIT_MS)
    return screen.code.text().removeprefix(CODE_PREFIX)


def test_a_kiosk_without_a_token_shows_a_code_and_becomes_the_kiosk_once_approved(
    qtbot: QtBot,
    kiosk_start: KioskStart,
    live_server: LiveServer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    kiosk_start.begin()
    screen = kiosk_start.pairing_screen
    assert screen is not None and kiosk_start.window is None
    code = shown_code(qtbot, kiosk_start)
    assert len(code) == 7 and code[3] == " "
    assert pending_codes(live_server) == [code]  # what the supervisor sees in /admin
    assert screen.hint.text() == HINT
    assert screen.status.text() == "Menunggu persetujuan…"
    assert screen.title.text() == "Perangkat baru: Kiosk"
    assert screen.code.font().pixelSize() >= 80  # readable from a step away
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    assert screen.grab().save(str(directory / "pairing-kiosk.png"))

    approve(live_server, code, "kiosk", "Kiosk lobi")
    qtbot.waitUntil(lambda: kiosk_start.controller is not None, timeout=WAIT_MS)
    controller = kiosk_start.controller
    assert controller is not None and kiosk_start.window is not None

    def serving() -> None:
        assert controller.screen is Screen.SERVICES

    qtbot.waitUntil(serving, timeout=WAIT_MS)
    assert kiosk_start.window.isVisible() and not screen.isVisible()
    stored = stored_token(kiosk_start.token_path)
    assert (stored["role"], stored["name"]) == ("kiosk", "Kiosk lobi")
    assert token_works(live_server, stored["token"])
    assert kiosk_start.settings.client.token == stored["token"]
    assert pending_codes(live_server) == []
    assert stored["token"] not in caplog.text  # never logged


def test_a_stored_token_skips_the_pairing_on_the_next_start(
    qtbot: QtBot, kiosk_start: KioskStart, live_server: LiveServer
) -> None:
    from client.pairing import DeviceGrant, store_grant

    store_grant(
        kiosk_start.token_path, DeviceGrant(live_server.tokens["kiosk"], "kiosk", None, "Kiosk")
    )
    kiosk_start.begin()
    assert kiosk_start.pairing_screen is None and kiosk_start.window is not None
    controller = kiosk_start.controller
    assert controller is not None

    def serving() -> None:
        assert controller.screen is Screen.SERVICES

    qtbot.waitUntil(serving, timeout=WAIT_MS)


def test_an_expired_or_wrongly_approved_code_says_so_and_a_new_code_follows(
    qtbot: QtBot, kiosk_start: KioskStart, live_server: LiveServer
) -> None:
    kiosk_start.begin()
    screen = kiosk_start.pairing_screen
    assert screen is not None
    first = shown_code(qtbot, kiosk_start)
    # the server restarts: it forgets every pending pairing, and the code with it
    live_server.restart()
    qtbot.waitUntil(lambda: EXPIRED_TEXT in screen.status.text(), timeout=WAIT_MS)
    assert not screen.code.isVisible()
    second = shown_code(qtbot, kiosk_start, other_than=first)
    assert pending_codes(live_server) == [second]
    # approved as a TV by mistake: the kiosk does not take that token
    approve(live_server, second, "display", "Salah pilih")
    qtbot.waitUntil(lambda: WRONG_ROLE_TEXT in screen.status.text(), timeout=WAIT_MS)
    assert 'pilih "Kiosk" saat menyetujui' in screen.status.text()
    assert not kiosk_start.token_path.exists() and kiosk_start.window is None
    third = shown_code(qtbot, kiosk_start, other_than=second)
    approve(live_server, third, "kiosk", "Kiosk lobi")
    qtbot.waitUntil(lambda: kiosk_start.window is not None, timeout=WAIT_MS)
    assert stored_token(kiosk_start.token_path)["role"] == "kiosk"


def test_a_revoked_stored_token_brings_the_pairing_screen_back(
    qtbot: QtBot, kiosk_start: KioskStart, live_server: LiveServer
) -> None:
    kiosk_start.begin()
    approve(live_server, shown_code(qtbot, kiosk_start), "kiosk", "Kiosk lama")
    qtbot.waitUntil(lambda: kiosk_start.controller is not None, timeout=WAIT_MS)
    controller = kiosk_start.controller
    assert controller is not None

    def serving() -> None:
        assert controller.screen is Screen.SERVICES

    qtbot.waitUntil(serving, timeout=WAIT_MS)
    live_server.revoke_token("Kiosk lama")
    qtbot.waitUntil(lambda: kiosk_start.window is None, timeout=WAIT_MS)
    assert not kiosk_start.token_path.exists()
    code = shown_code(qtbot, kiosk_start)
    approve(live_server, code, "kiosk", "Kiosk baru")
    qtbot.waitUntil(lambda: kiosk_start.controller is not None, timeout=WAIT_MS)
    assert stored_token(kiosk_start.token_path)["name"] == "Kiosk baru"
