"""Kiosk benchmark: process start to first frame, and tap to ticket bytes at the printer."""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from bench.cpu_quota import CpuQuota, QuotaUnavailable, add_quota_argument, limited, optional_quota
from client.config import ClientConfig
from client.qt_bridge import ServerLink
from kiosk.controller import KioskController, Screen
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings
from kiosk.window import KioskWindow
from printer_drivers import (
    PreviewPrinter,
    PrinterConfig,
    PrinterType,
    TicketPrinter,
    open_printer,
)
from tests.printer_drivers.simulated import READY_REPLIES, PtyPair, StatusResponder
from tests.support.live_server import LiveServer

CUT = b"\x1dVB"  # GS V 66: the last command of every ticket
WAIT_S = 10.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(name: str, values_ms: list[float]) -> str:
    return (
        f"{name}: n={len(values_ms)} median={statistics.median(values_ms):.0f} ms "
        f"p95={percentile(values_ms, 0.95):.0f} ms max={max(values_ms):.0f} ms"
    )


# -- start-up ------------------------------------------------------------------------------


def measure_start(
    server: LiveServer, folder: Path, runs: int, quota: CpuQuota | None = None
) -> list[float]:
    """ms from spawning `python -m kiosk` (in the quota's cgroup) to its first painted frame."""
    config = folder / "antrian.toml"
    config.write_text(
        f'[kiosk]\nserver = "{server.url}"\ntoken = "{server.tokens["kiosk"]}"\n'
        f'discovery = false\n\n[printer]\npreview_dir = "{folder / "previews"}"\n',
        encoding="utf-8",
    )
    environment = dict(os.environ)
    environment.pop("ANTRIAN_CONFIG", None)
    times_ms = []
    for run in range(runs):
        frame_file = folder / f"frame-{run}"
        started = time.time()
        process = subprocess.Popen(
            limited(quota, [sys.executable, "-m", "kiosk", "--config", str(config), "--windowed",
                            "--log-level", "WARNING", "--report-first-frame", str(frame_file)]),
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + WAIT_S
            while not frame_file.exists() or not frame_file.read_text().strip():
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the kiosk did not draw a frame")
                time.sleep(0.005)
            times_ms.append((float(frame_file.read_text()) - started) * 1000)
        finally:
            process.terminate()
            process.wait(timeout=10)
    return times_ms


# -- tap to ticket ---------------------------------------------------------------------------


class TimedPtyPrinter:
    """The printer end of a pty pair: answers status, notes when each ticket's cut arrives."""

    def __init__(self, path: Path) -> None:
        self.responder = StatusResponder(dict(READY_REPLIES))
        self.cut_times: list[float] = []
        self._descriptor = os.open(path, os.O_RDWR | os.O_NOCTTY)
        self._stop = threading.Event()
        self._tail = b""
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            readable, _, _ = select.select([self._descriptor], [], [], 0.02)
            if not readable:
                continue
            data = os.read(self._descriptor, 4096)
            now = time.perf_counter()
            answer = self.responder.feed(data)
            if answer:
                os.write(self._descriptor, answer)
            window = self._tail + data
            self.cut_times.extend([now] * window.count(CUT))
            self._tail = window[-(len(CUT) - 1) :]

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self._descriptor)


def spin(app: QApplication, condition: object, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents()


def measure_taps(
    app: QApplication,
    server: LiveServer,
    printer: TicketPrinter,
    taps: int,
    arrived: object,
) -> list[float]:
    """ms from a tap on service A to the ticket at the printer (arrived() says when)."""
    token = server.tokens["kiosk"]
    settings = KioskSettings(
        client=ClientConfig(program="kiosk", server=server.url, token=token, discovery=False),
        fullscreen=False,
        confirm_s=600,
        printer_poll_s=5,
    )
    link = ServerLink(token, server.url, discovery=False)
    printer_service = PrinterService(printer, settings.printer_poll_s)
    controller = KioskController(settings, link, printer_service)
    # This times the ticket path, not a visitor: taps count at once after a screen change.
    controller.touch_guard.settle_s = controller.touch_guard.double_tap_s = 0.0
    window = KioskWindow(controller)
    window.show_at_size(1920, 1080)
    window.show()
    link.start()
    printer_service.start()
    times_ms = []
    try:
        for tap in range(taps):
            spin(app, lambda: controller.screen is Screen.SERVICES)
            button = window.services_screen.grid.buttons["A"]
            started = time.perf_counter()
            QTest.mouseClick(button, Qt.MouseButton.LeftButton)
            spin(app, lambda tap=tap: arrived(tap) is not None)  # type: ignore[operator]
            times_ms.append((arrived(tap) - started) * 1000)  # type: ignore[operator]
            spin(app, lambda: controller.screen is Screen.CONFIRMATION)
            controller.acknowledge()
    finally:
        link.stop()
        printer_service.stop()
        window.close()
        # Delete the Qt objects now, not at interpreter exit (PySide may crash there).
        for qt_object in (window, controller, printer_service, link):
            qt_object.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return times_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=10, help="process starts to time")
    parser.add_argument("--taps", type=int, default=100, help="tickets to time per printer")
    parser.add_argument("--only-start", action="store_true", help="time the start-up only")
    add_quota_argument(parser)
    arguments = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        server = LiveServer(folder / "server").start()
        try:
            print(f"platform: {app.platformName()}, Python {sys.version.split()[0]}")
            try:
                with optional_quota(arguments.cpu_quota) as quota:
                    starts = measure_start(server, folder, arguments.starts, quota)
                label = "process start -> first frame"
                if quota is not None:
                    label += f" ({quota.describe()})"
                print(summary(label, starts))
            except QuotaUnavailable as exc:
                print(f"process start -> first frame under a CPU quota: skipped: {exc}")
            if arguments.only_start:
                return 0

            pair = PtyPair(folder)
            timed = TimedPtyPrinter(pair.printer_end)
            serial = open_printer(
                PrinterConfig(type=PrinterType.SERIAL, device=str(pair.driver_end),
                              baudrate=115200, timeout_s=0.5)
            )  # fmt: skip
            try:
                taps = measure_taps(
                    app, server, serial, arguments.taps,
                    lambda tap: timed.cut_times[tap] if len(timed.cut_times) > tap else None,
                )  # fmt: skip
            finally:
                timed.stop()
                pair.stop()
            print(summary("tap -> whole ticket at a virtual serial printer (status poll on)", taps))

            preview = PreviewPrinter(folder / "previews")
            written: list[float] = []

            def preview_written(tap: int) -> float | None:
                # Polled in the spin loop: the time the tap's .bin file is first seen.
                if len(written) <= tap and len(list(preview.folder.glob("*.bin"))) > tap:
                    written.append(time.perf_counter())
                return written[tap] if len(written) > tap else None

            taps_preview = measure_taps(app, server, preview, arguments.taps, preview_written)
            print(summary("tap -> preview .bin written (PNG rendered first)", taps_preview))
        finally:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
