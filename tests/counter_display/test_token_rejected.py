"""A device whose token the server refuses says so, instead of "reconnecting" forever."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from client.qt_bridge import ServerLink
from counter_display.counter.window import CounterWindow
from counter_display.display.announcer import Announcer
from counter_display.display.audio_player import AnnouncementPlayer
from counter_display.display.controller import DisplayController
from counter_display.display.window import DisplayWindow
from tests.counter_display.counter_fixtures import FAST_RECONNECT
from tests.support.live_server import LiveServer


def test_counter_with_a_refused_token_tells_the_clerk_what_to_do(
    qtbot: QtBot, live_server: LiveServer
) -> None:
    link = ServerLink("ant_not_a_real_token", live_server.url, discovery=False,
                      stream_options=FAST_RECONNECT)  # fmt: skip
    window = CounterWindow(link, 2, "id")
    qtbot.addWidget(window)
    window.show()
    link.start()
    try:
        qtbot.waitUntil(
            lambda: "Server menolak token loket ini" in window.message_label.text(),
            timeout=10_000,
        )
        assert "antrian-server token create --role counter" in window.message_label.text()
        assert not window.buttons[next(iter(window.buttons))].isEnabled()
    finally:
        link.stop()


def test_display_with_a_refused_token_says_so_on_the_screen(
    qtbot: QtBot, live_server: LiveServer, tmp_path: Path
) -> None:
    link = ServerLink("ant_not_a_real_token", live_server.url, discovery=False,
                      stream_options=FAST_RECONNECT)  # fmt: skip
    window = DisplayWindow("id", ticker_text="", highlight_s=1.0)
    qtbot.addWidget(window)
    player = AnnouncementPlayer(Announcer(tmp_path), use_audio_device=False)
    DisplayController(link, window, player, parent=window)
    window.show()
    link.start()
    try:
        qtbot.waitUntil(
            lambda: "token layar ditolak server" in window.connection_label.text(), timeout=10_000
        )
    finally:
        player.stop()
        link.stop()
