"""Counter window when the server goes away: stale state shown, reconnect, honest outcomes."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_display.counter.actions import Button, Phase
from tests.counter_display.counter_fixtures import (
    WAIT_MS,
    CounterFactory,
    Relay,
    counter_window_factory,
    enabled_buttons,
    issue,
    relay_factory,
    server_counter,
    server_snapshot,
)
from tests.support.live_server import LiveServer

__all__ = ["counter_window_factory", "relay_factory"]

UNAVAILABLE = "Server tidak terhubung — menyambung ulang…"


def test_window_shows_the_outage_and_resyncs_after_the_server_restarts(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A", 2)
    window = counter_window_factory(live_server, counter=1)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)

    live_server.kill()
    qtbot.waitUntil(lambda: window.connection_label.text() == "Terputus", timeout=WAIT_MS)
    assert window.message_label.text() == UNAVAILABLE
    assert enabled_buttons(window) == set()
    assert window.presenter.phase == Phase.UNAVAILABLE
    assert window.current_number_label.text() == "A001"  # the last known state stays
    assert window.stale_label.isVisibleTo(window)

    live_server.start()  # same port and data
    qtbot.waitUntil(lambda: window.connection_label.text() == "Terhubung", timeout=WAIT_MS)
    assert not window.stale_label.isVisibleTo(window)
    issue(live_server, "A")  # a change made while reconnected shows up live
    qtbot.waitUntil(lambda: "Total 2 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)
    assert window.current_number_label.text() == "A001"
    assert Button.DONE in enabled_buttons(window)

    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A002", timeout=WAIT_MS)
    assert server_counter(live_server, 1)["current"]["number"] == "A002"


def test_press_that_cannot_reach_the_server_says_it_did_not_happen(
    qtbot: QtBot, live_server: LiveServer, counter_window_factory: CounterFactory
) -> None:
    issue(live_server, "A")
    window = counter_window_factory(live_server, counter=1)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)

    # The window has not yet heard of the outage (signals are delivered by the Qt event
    # loop, which has not run since the kill): the press goes out and is refused.
    live_server.kill()
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "TIDAK" in window.message_label.text(), timeout=WAIT_MS)
    assert window.message_label.text().startswith(
        "Panggil berikutnya TIDAK terjadi: server tidak terjangkau. Silakan coba lagi."
    )
    assert window.current_number_label.text() == "—"

    live_server.start()
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    assert [ticket["number"] for ticket in server_snapshot(live_server)["waiting"]] == ["A001"]
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)


def test_press_whose_answer_was_lost_is_checked_and_reported_as_done(
    qtbot: QtBot,
    live_server: LiveServer,
    counter_window_factory: CounterFactory,
    relay_factory: Callable[[LiveServer], Relay],
) -> None:
    issue(live_server, "A", 2)
    relay = relay_factory(live_server)
    window = counter_window_factory(live_server, counter=1, url=relay.url)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)

    relay.lose_answers = True
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "memeriksa" in window.message_label.text(), timeout=WAIT_MS)
    assert enabled_buttons(window) == set()  # nothing until the outcome is known
    assert server_counter(live_server, 1)["current"]["number"] == "A001"  # it did happen

    relay.lose_answers = False
    qtbot.waitUntil(lambda: "dicek ulang" in window.message_label.text(), timeout=WAIT_MS)
    assert window.message_label.text() == (
        "Panggil berikutnya sudah tercatat di server (dicek ulang)."
    )
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)
    assert Button.DONE in enabled_buttons(window)


def test_press_whose_request_was_lost_is_checked_and_reported_as_not_done(
    qtbot: QtBot,
    live_server: LiveServer,
    counter_window_factory: CounterFactory,
    relay_factory: Callable[[LiveServer], Relay],
) -> None:
    issue(live_server, "A", 2)
    relay = relay_factory(live_server)
    window = counter_window_factory(live_server, counter=1, url=relay.url)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A001", timeout=WAIT_MS)

    relay.lose_requests = True
    qtbot.keyClick(window, Qt.Key.Key_D)  # Done, lost on the way
    qtbot.waitUntil(lambda: "memeriksa" in window.message_label.text(), timeout=WAIT_MS)
    relay.lose_requests = False
    qtbot.waitUntil(lambda: "TIDAK terjadi" in window.message_label.text(), timeout=WAIT_MS)
    assert window.message_label.text() == "Selesai TIDAK terjadi di server. Silakan coba lagi."
    assert server_counter(live_server, 1)["current"]["number"] == "A001"
    assert window.current_number_label.text() == "A001"
    assert Button.DONE in enabled_buttons(window)
