"""The counter's and the display's first start without a token: a code, then the program.

A real server process; approval through the real approval API (PairingDesk.grant). The
counter takes its loket from the approval. Set ANTRIAN_SCREENSHOTS to keep the pictures
(docs/pairing-counter.png, docs/pairing-display.png).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from client.config import ClientConfig
from counter_display.counter.main import CounterSettings
from counter_display.display.main import DisplaySettings, DisplayStart
from counter_display.first_start import CounterStart
from qt_common.first_start import FirstStart
from tests.counter_display.counter_fixtures import issue
from tests.support.live_server import LiveServer
from tests.support.pairing import (
    CODE_PREFIX,
    EXPIRED_TEXT,
    FAST_PAIRING,
    HINT,
    approve,
    pending_codes,
    stored_token,
    token_works,
)

WAIT_MS = 10000


@pytest.fixture
def show(qtbot: QtBot) -> Callable[[QWidget], None]:
    def show_widget(widget: QWidget) -> None:
        qtbot.addWidget(widget)
        widget.resize(1280, 720)
        widget.show()

    return show_widget


@pytest.fixture
def starts() -> Iterator[list[FirstStart]]:
    started: list[FirstStart] = []
    yield started
    for start in started:
        start.stop()


def client(program: str, server: LiveServer) -> ClientConfig:
    return ClientConfig(program=program, server=server.url, discovery=False)


def shown_code(qtbot: QtBot, start: FirstStart, other_than: str | None = None) -> str:
    screen = start.pairing_screen
    assert screen is not None

    def has_code() -> None:
        assert screen.code.isVisible() and screen.code.text().startswith(CODE_PREFIX)
        assert screen.code.text() != f"{CODE_PREFIX}{other_than}"

    qtbot.waitUntil(has_code, timeout=WAIT_MS)
    return screen.code.text().removeprefix(CODE_PREFIX)


def keep_picture(start: FirstStart, name: str, tmp_path: Path) -> None:
    assert start.pairing_screen is not None
    directory = Path(os.environ.get("ANTRIAN_SCREENSHOTS", tmp_path))
    assert start.pairing_screen.grab().save(str(directory / f"{name}.png"))


def test_a_counter_without_a_token_pairs_and_serves_the_loket_it_was_approved_for(
    qtbot: QtBot,
    show: Callable[[QWidget], None],
    starts: list[FirstStart],
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    issue(live_server, "B")
    settings = CounterSettings(client("counter", live_server), counter=None, stay_on_top=False)
    start = CounterStart(
        settings, show, token_path=tmp_path / "counter-token.json", pairing_options=FAST_PAIRING
    )
    starts.append(start)
    start.begin()
    screen = start.pairing_screen
    assert screen is not None and start.window is None
    code = shown_code(qtbot, start)
    assert pending_codes(live_server) == [code]
    assert screen.title.text() == "Perangkat baru: Loket"
    assert screen.hint.text() == HINT
    keep_picture(start, "pairing-counter", tmp_path)

    approve(live_server, code, "counter", "Loket 3", counter=3)
    qtbot.waitUntil(lambda: start.window is not None, timeout=WAIT_MS)
    window = start.window
    from counter_display.counter.window import CounterWindow

    assert isinstance(window, CounterWindow)
    qtbot.waitUntil(lambda: window.presenter.phase != "unavailable", timeout=WAIT_MS)
    assert window.presenter.counter_label == "Loket 3"
    assert window.title_label.text() == "Loket 3"
    qtbot.waitUntil(lambda: "Total 1 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)
    assert "Perizinan dan Non-Perizinan" in window.waiting_label.text()  # B: loket 3's
    assert not screen.isVisible()
    stored = stored_token(start.token_path)
    assert (stored["role"], stored["counter"]) == ("counter", 3)
    assert token_works(live_server, stored["token"])


def test_a_display_without_a_token_pairs_and_shows_the_office(
    qtbot: QtBot,
    show: Callable[[QWidget], None],
    starts: list[FirstStart],
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    settings = DisplaySettings(announce=False, fullscreen=False)
    start = DisplayStart(
        client("display", live_server), settings, show, use_audio_device=False,
        token_path=tmp_path / "display-token.json", pairing_options=FAST_PAIRING,
    )  # fmt: skip
    starts.append(start)
    start.begin()
    screen = start.pairing_screen
    assert screen is not None
    first = shown_code(qtbot, start)
    assert screen.title.text() == "Perangkat baru: Layar TV"
    keep_picture(start, "pairing-display", tmp_path)
    live_server.restart()  # the server forgets the code
    qtbot.waitUntil(lambda: EXPIRED_TEXT in screen.status.text(), timeout=WAIT_MS)
    code = shown_code(qtbot, start, other_than=first)
    approve(live_server, code, "display", "TV ruang tunggu")
    qtbot.waitUntil(lambda: start.display is not None, timeout=WAIT_MS)
    display = start.display
    assert display is not None
    updates: list[object] = []
    display.controller.updated.connect(updates.append)
    issue(live_server, "A")
    qtbot.waitUntil(lambda: bool(updates), timeout=WAIT_MS)
    assert display.window.isVisible() and not screen.isVisible()
    assert stored_token(start.token_path)["role"] == "display"


def test_a_counter_whose_stored_token_is_revoked_pairs_again(
    qtbot: QtBot,
    show: Callable[[QWidget], None],
    starts: list[FirstStart],
    live_server: LiveServer,
    tmp_path: Path,
) -> None:
    settings = CounterSettings(client("counter", live_server), counter=2, stay_on_top=False)
    start = CounterStart(
        settings, show, token_path=tmp_path / "counter-token.json", pairing_options=FAST_PAIRING
    )
    starts.append(start)
    start.begin()
    approve(live_server, shown_code(qtbot, start), "counter", "PC loket 2", counter=2)
    qtbot.waitUntil(lambda: start.window is not None, timeout=WAIT_MS)
    first_window = start.window
    from counter_display.counter.window import CounterWindow

    assert isinstance(first_window, CounterWindow)
    qtbot.waitUntil(lambda: first_window.presenter.phase != "unavailable", timeout=WAIT_MS)
    live_server.revoke_token("PC loket 2")
    qtbot.waitUntil(lambda: start.window is None, timeout=WAIT_MS)
    assert not start.token_path.exists()
    approve(live_server, shown_code(qtbot, start), "counter", "PC loket 2 baru", counter=2)
    qtbot.waitUntil(lambda: start.window is not None, timeout=WAIT_MS)
    assert stored_token(start.token_path)["name"] == "PC loket 2 baru"
