"""Start-up work waits for the window's first frame, and runs once."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from client.first_frame import FirstFrameStarter, after_first_frame


def test_the_callbacks_run_once_after_the_first_paint_not_before(qtbot: QtBot) -> None:
    window = QLabel("A001")
    qtbot.addWidget(window)
    calls: list[str] = []
    after_first_frame(window, lambda: calls.append("link"), lambda: calls.append("printer"))
    qtbot.wait(50)
    assert calls == []  # not shown, not painted: nothing started yet
    window.show()
    qtbot.waitUntil(lambda: calls == ["link", "printer"], timeout=2000)
    window.update()
    window.repaint()
    qtbot.wait(50)
    assert calls == ["link", "printer"]


def test_the_callbacks_run_anyway_when_the_window_never_paints(qtbot: QtBot) -> None:
    window = QLabel("A001")
    qtbot.addWidget(window)
    calls: list[str] = []
    FirstFrameStarter(window, [lambda: calls.append("link")], fallback_ms=50)
    qtbot.waitUntil(lambda: calls == ["link"], timeout=2000)
