"""Renders the counter window in its main states; writes docs/counter-*.png when asked.

ANTRIAN_COUNTER_SCREENSHOTS=docs .venv/bin/pytest tests/counter_display/test_counter_screenshots.py
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from counter_display.counter.actions import Button, Phase
from counter_display.counter.window import CounterWindow
from tests.counter_display.counter_fixtures import (
    WAIT_MS,
    CounterFactory,
    counter_window_factory,
    issue,
)
from tests.support.live_server import LiveServer

__all__ = ["counter_window_factory"]


def save(widget: QWidget, name: str, tmp_path: Path) -> Path:
    target = Path(os.environ.get("ANTRIAN_COUNTER_SCREENSHOTS") or tmp_path)
    path = target / f"counter-{name}.png"
    assert widget.grab().save(str(path))
    assert path.stat().st_size > 1000
    return path


def test_screenshots_of_the_counter_states(
    qtbot: QtBot,
    live_server: LiveServer,
    counter_window_factory: CounterFactory,
    tmp_path: Path,
) -> None:
    issue(live_server, "A", 4)
    issue(live_server, "B", 2)
    window: CounterWindow = counter_window_factory(live_server, counter=2)
    qtbot.waitUntil(lambda: "Total 6 menunggu" in window.waiting_label.text(), timeout=WAIT_MS)
    save(window, "idle", tmp_path)

    for expected in ("A001", "A002"):
        qtbot.keyClick(window, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: window.current_number_label.text() == expected, timeout=WAIT_MS)  # noqa: B023
        # the event may show the number before the press's own answer is back (still busy)
        qtbot.waitUntil(lambda: window.presenter.phase == Phase.SERVING, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.IDLE, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A003", timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: "dipanggil ulang" in window.message_label.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "A002" in window.recent_label.text(), timeout=WAIT_MS)
    save(window, "serving", tmp_path)

    window.open_transfer_dialog()
    dialog = window.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    save(dialog, "transfer", tmp_path)
    dialog.reject()

    window.open_requeue_dialog()
    dialog = window.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    save(dialog, "requeue", tmp_path)
    dialog.reject()

    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.IDLE, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.PAUSED, timeout=WAIT_MS)
    save(window, "paused", tmp_path)

    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: window.buttons[Button.NEXT].isEnabled(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.current_number_label.text() == "A004", timeout=WAIT_MS)
    live_server.kill()
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.UNAVAILABLE, timeout=WAIT_MS)
    save(window, "unavailable", tmp_path)


def test_screenshots_of_the_clerk_sign_in(
    qtbot: QtBot,
    live_server: LiveServer,
    counter_window_factory: CounterFactory,
    tmp_path: Path,
) -> None:
    live_server.stored.create_account("Siti Rahma", "clerk", "2468")
    issue(live_server, "A", 3)
    window: CounterWindow = counter_window_factory(live_server, counter=2)
    dialog = window.open_sign_in_dialog()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.name_edit, "Siti Rahma")
    qtbot.keyClicks(dialog.pin_edit, "2468")
    save(dialog, "sign-in", tmp_path)
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.clerk_label.text() == "Petugas: Siti Rahma", timeout=WAIT_MS)
    # the event may name the clerk before the sign-in's own answer closes the dialog; the
    # shortcuts work only once the window is active again
    qtbot.waitUntil(lambda: window.dialog is None and window.isActiveWindow(), timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.presenter.phase == Phase.SERVING, timeout=WAIT_MS)
    assert window.current_number_label.text() == "A001"
    save(window, "clerk", tmp_path)
