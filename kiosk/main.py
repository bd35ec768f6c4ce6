"""antrian-kiosk: the composition root (config, QApplication, server link, printer thread)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from client.config import ClientConfig
from client.errors import ConfigError
from client.first_frame import after_first_frame
from client.pyside_fix import apply_reference_fix, collect_garbage_on_main_thread
from kiosk.first_start import KioskStart
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings, load_kiosk_settings
from printer_drivers import PrinterError, open_printer

logger = logging.getLogger(__name__)

SIGNAL_CHECK_MS = 300


class FirstFrameProbe(QObject):
    """Writes the wall-clock time of the window's first paint to a file (for the benchmark)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._done = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            QTimer.singleShot(0, self._report)
        return False

    def _report(self) -> None:
        self._path.write_text(f"{time.time():.6f}\n", encoding="utf-8")


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="antrian-kiosk", description=__doc__)
    parser.add_argument("--config", help="antrian.toml to read (default: searched for)")
    parser.add_argument(
        "--windowed", action="store_true", help="a normal window instead of full screen"
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING or ERROR")
    parser.add_argument("--report-first-frame", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _log_uncaught(
    kind: type[BaseException], value: BaseException, traceback: TracebackType | None
) -> None:
    # Qt calls this for an exception escaping a slot: log it, keep the kiosk running.
    logger.critical("uncaught error", exc_info=(kind, value, traceback))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the antrian-kiosk gui-script."""
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=getattr(logging, str(arguments.log_level).upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    sys.excepthook = _log_uncaught
    setup_error: str | None = None
    try:
        settings = load_kiosk_settings(arguments.config)
    except ConfigError as exc:
        logger.error("configuration: %s", exc)
        setup_error = str(exc)
        settings = KioskSettings(client=ClientConfig(program="kiosk"), fullscreen=False)

    apply_reference_fix()  # before Qt runs: see client/pyside_fix.py
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    collect_garbage_on_main_thread(app)
    printer_service: PrinterService | None = None
    if setup_error is None:
        try:
            printer = open_printer(settings.printer)
            printer_service = PrinterService(printer, settings.printer_poll_s)
        except PrinterError as exc:
            logger.error("printer: %s", exc)
            setup_error = str(exc)
    # Python handles SIGTERM only when it gets control: a timer hands it control regularly.
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    wake = QTimer()
    wake.timeout.connect(lambda: None)
    wake.start(SIGNAL_CHECK_MS)

    fullscreen = settings.fullscreen and not arguments.windowed

    def show(widget: QWidget) -> None:
        if fullscreen:
            widget.setWindowFlag(Qt.WindowType.FramelessWindowHint)
            widget.showFullScreen()
        else:
            widget.show()

    if settings.hide_cursor and not arguments.windowed:
        app.setOverrideCursor(Qt.CursorShape.BlankCursor)
    # without a token: the pairing screen first, then the kiosk (see kiosk/first_start.py)
    start = KioskStart(settings, printer_service, show, setup_error=setup_error)

    def on_kiosk_shown() -> None:
        assert start.window is not None and start.link is not None
        window = start.window
        start.controller.exit_requested.connect(app.quit)  # type: ignore[union-attr]
        if setup_error is None:
            # Threads (network, printer) start once the first screen is up: on a small
            # computer they would otherwise share its CPU with drawing that screen.
            starts = [start.link.start]
            if printer_service is not None:
                starts.append(printer_service.start)
            after_first_frame(window, *starts)
        if arguments.report_first_frame is not None:
            # Installed last, so it sees the first paint first and reports before the starts.
            probe = FirstFrameProbe(arguments.report_first_frame)
            probe.setParent(window)
            window.installEventFilter(probe)

    start.kiosk_shown.connect(on_kiosk_shown)
    start.begin()
    try:
        return app.exec()
    finally:
        start.stop()


if __name__ == "__main__":
    sys.exit(main())
