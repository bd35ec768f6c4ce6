"""Run a Qt program of Antrian with a hand on its buttons: for the demo and end-to-end tests.

    python -m launcher.autopilot [options] PROGRAM -- [program arguments]

PROGRAM is kiosk, counter or display. The program runs unchanged (its own `main`); the
autopilot only presses buttons the way a person would (a real click on a visible, enabled
button) and takes screenshots of its windows:

    --place X,Y,W,H            put the main window there (fractions of the screen: 0-1)
    --press NAME --every S     click an enabled button named NAME every S seconds
    --screenshot FILE          save the main window as FILE (PNG) every few seconds
    --commands                 read commands from standard input, one a line:
                                 press NAME [TEXT]   click the enabled button NAME (whose
                                                     text contains TEXT, when given), a
                                                     moment after seeing it, as a person
                                                     would (REACTION_MS)
                                 texts               list the visible labels' texts
                                 grab FILE           save the main window as PNG
                                 quit                leave the program
                               and answer each with one JSON line on standard output.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import random
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from client.pyside_fix import apply_reference_fix

log = logging.getLogger(__name__)
ENTRY_POINTS = {
    "kiosk": "kiosk.main",
    "counter": "counter_display.counter.main",
    "display": "counter_display.display.main",
}
SCREENSHOT_INTERVAL_S = 3.0
# A person sees a button before pressing it: a press this long after it was found. The
# kiosk ignores touches within 0.5 s of a screen change (they were meant for the screen
# before), so a press at once on a screen that just appeared would not count.
REACTION_MS = 700
PLACE_DELAY_MS = 800  # after the program has shown its window


def visible_windows() -> list[QWidget]:
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if widget.isVisible() and widget.width() > 50 and widget.height() > 50
    ]


def find_buttons(name: str, text: str | None = None) -> list[QAbstractButton]:
    """Enabled, visible buttons with this object name (and text), in every window."""
    found = []
    for window in visible_windows():
        candidates = window.findChildren(QAbstractButton, name)
        if isinstance(window, QAbstractButton) and window.objectName() == name:
            candidates.append(window)
        for button in candidates:
            inner = " ".join(child.text() for child in button.findChildren(QLabel))
            label = f"{button.text()} {button.accessibleName()} {inner}"
            if button.isEnabled() and button.isVisible() and (text is None or text in label):
                found.append(button)
    return found


def press(button: QAbstractButton) -> None:
    """A real mouse click in the middle of the button (press and release)."""
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(button.width() // 2, button.height() // 2))  # fmt: skip


def visible_texts() -> list[str]:
    """The texts of every visible label, window by window: what a person can read."""
    return [
        label.text()
        for window in visible_windows()
        for label in window.findChildren(QLabel)
        if label.isVisible() and label.text()
    ]


def grab(path: Path) -> bool:
    windows = visible_windows()
    if not windows:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    largest = max(windows, key=lambda widget: widget.width() * widget.height())
    return bool(largest.grab().save(str(path)))


class CommandReader(QObject):
    """Reads standard input in a thread; runs each command on the Qt thread."""

    received = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.received.connect(self._run)
        threading.Thread(target=self._read, name="autopilot-stdin", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            self.received.emit(line.strip())
        self.received.emit("quit")

    def _press_seen(self, answer: dict[str, object], name: str, text: str | None) -> None:
        """Press the button found a moment ago, if it is still there to be pressed."""
        try:
            buttons = find_buttons(name, text)
            if buttons:
                press(buttons[0])
            answer.update(ok=bool(buttons))
        except Exception as exc:  # a driver must answer, whatever happened
            log.exception("autopilot press failed: %s", name)
            answer.update(ok=False, error=str(exc))
        print(json.dumps(answer), flush=True)

    def _run(self, line: str) -> None:
        words = line.split(maxsplit=2)
        if not words:
            return
        answer: dict[str, object] = {"command": words[0]}
        try:
            if words[0] == "press" and len(words) >= 2:
                name, text = words[1], words[2] if len(words) > 2 else None
                answer.update(name=name)
                if find_buttons(name, text):
                    QTimer.singleShot(REACTION_MS, lambda: self._press_seen(answer, name, text))
                    return  # answered once pressed
                answer.update(ok=False)
            elif words[0] == "texts":
                answer.update(ok=True, texts=visible_texts())
            elif words[0] == "grab" and len(words) == 2:
                answer.update(ok=grab(Path(words[1])), file=words[1])
            elif words[0] == "quit":
                answer.update(ok=True)
                QTimer.singleShot(0, QApplication.quit)
            else:
                answer.update(ok=False, error=f"unknown command: {line}")
        except Exception as exc:  # a driver must answer, whatever happened
            log.exception("autopilot command failed: %s", line)
            answer.update(ok=False, error=str(exc))
        print(json.dumps(answer), flush=True)


def placement(text: str) -> tuple[float, float, float, float]:
    try:
        x, y, width, height = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y,W,H fractions, got {text!r}") from None
    return x, y, width, height


def place(where: tuple[float, float, float, float]) -> None:
    """Move and size the main window to a part of the screen (for the demo's layout)."""
    windows = visible_windows()
    screen = QApplication.primaryScreen()
    if not windows or screen is None:
        return
    area = screen.availableGeometry()
    x, y, width, height = where
    window = max(windows, key=lambda widget: widget.width() * widget.height())
    window.setGeometry(
        area.x() + int(x * area.width()), area.y() + int(y * area.height()),
        int(width * area.width()), int(height * area.height()),
    )  # fmt: skip


def repeat(seconds: float, action: Callable[[], object]) -> QTimer:
    timer = QTimer()
    timer.setInterval(int(seconds * 1000))
    timer.timeout.connect(action)
    timer.start()
    return timer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m launcher.autopilot",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("program", choices=sorted(ENTRY_POINTS))
    parser.add_argument("--press", action="append", default=[], help="button object name")
    parser.add_argument("--every", type=float, default=5.0, help="seconds between presses")
    parser.add_argument("--screenshot", type=Path, help="PNG file renewed every few seconds")
    parser.add_argument("--commands", action="store_true", help="read commands from stdin")
    parser.add_argument("--place", type=placement, help="X,Y,W,H as fractions of the screen")
    parser.add_argument("arguments", nargs=argparse.REMAINDER, help="-- then the program's own")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    program_arguments = [word for word in arguments.arguments if word != "--"]
    apply_reference_fix()
    application = QApplication.instance() or QApplication(sys.argv[:1])
    keep: list[QObject] = []
    if arguments.press:

        def press_one() -> None:
            buttons = [button for name in arguments.press for button in find_buttons(name)]
            if buttons:
                press(random.choice(buttons))

        keep.append(repeat(arguments.every, press_one))
    if arguments.screenshot is not None:
        target = arguments.screenshot
        keep.append(repeat(SCREENSHOT_INTERVAL_S, lambda: grab(target)))
        application.aboutToQuit.connect(lambda: grab(target))
    if arguments.commands:
        keep.append(CommandReader())
    if arguments.place is not None:
        QTimer.singleShot(PLACE_DELAY_MS, lambda: place(arguments.place))
    entry = importlib.import_module(ENTRY_POINTS[arguments.program])
    result = entry.main(program_arguments)
    del keep
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
