"""Run start-up work once a window has drawn its first frame, not before.

On a small computer (a Raspberry Pi behind a kiosk or a TV) every millisecond spent before
the first frame is a blank screen: the server link's thread, the printer's thread and
other work that the first screen does not need start from here instead, right after the
first paint has been handed to the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QEvent, QObject, QTimer

FALLBACK_MS: Final = 2000
"""Start anyway if the window never paints (hidden, on a screen that is off)."""


class FirstFrameStarter(QObject):
    """Calls ``callbacks`` once, from the event loop, after ``window``'s first paint.

    ``window`` is a QWidget; typed as QObject because `client` stays free of QtWidgets.
    """

    def __init__(
        self, window: QObject, callbacks: list[Callable[[], None]], fallback_ms: int = FALLBACK_MS
    ) -> None:
        super().__init__(window)
        self._window = window
        self._callbacks = callbacks
        self._fired = False
        window.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._fired and event.type() == QEvent.Type.Paint:
            # After this paint returns and the frame is flushed, not inside it.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if self._fired:
            return
        self._fired = True
        self._window.removeEventFilter(self)
        for callback in self._callbacks:
            callback()


def after_first_frame(window: QObject, *callbacks: Callable[[], None]) -> FirstFrameStarter:
    """Call each of ``callbacks`` once ``window`` (a top-level widget) has shown its first frame."""
    return FirstFrameStarter(window, list(callbacks))
