"""Screenshots of every kiosk screen at two sizes: python -m tests.kiosk.screenshots DIR."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from client.config import ClientConfig
from client.events import ConnectionStatus
from client.qt_bridge import ServerLink
from kiosk.controller import KioskController, Screen
from kiosk.printing import PrinterService
from kiosk.settings import KioskSettings
from kiosk.window import KioskWindow
from printer_drivers import (
    PaperOut,
    PaperState,
    PreviewPrinter,
    PrinterStatus,
    PrintResult,
    TicketData,
    TicketPrinter,
)
from tests.client.samples import service_json
from tests.support.builders import office_state
from tests.support.live_server import LiveServer

SIZES = ((1920, 1080), (1280, 800))
WAIT_S = 10.0
OFFICE_CONFIG = """
[office]
name = "Kantor Kecamatan Contoh"

[[services]]
code = "A"
name = "Administrasi Kependudukan"
name_en = "Population Administration"
description = "KTP-el, KK, akta"
description_en = "ID card, family card, certificates"
completion_time = "15 menit"
completion_time_en = "15 minutes"
fee = "Gratis"
fee_en = "Free"
requirements = ["KTP-el asli", "Fotokopi Kartu Keluarga", "Surat pengantar RT/RW"]
requirements_en = ["Original ID card", "Copy of the family card", "Cover letter from the RT/RW"]

[[services]]
code = "B"
name = "Perizinan dan Non-Perizinan"
name_en = "Licensing and Permits"
description = "IMB rumah tinggal ≤ 70 m², izin PAUD/TK, SIUP mikro"
description_en = "Small house building permit, preschool permit, micro business permit"
completion_time = "3 hari kerja"
completion_time_en = "3 working days"
fee = "Sesuai Perda"
fee_en = "As set by the regional regulation"
requirements = ["Formulir permohonan", "Fotokopi KTP-el", "Bukti lunas PBB tahun berjalan"]
requirements_en = ["Application form", "Copy of the ID card", "This year's land tax receipt"]

[[services]]
code = "C"
name = "Legalisasi dan Layanan Umum"
name_en = "Legalisation and General Services"
description = "Legalisasi dokumen, surat keterangan"
description_en = "Document legalisation, certificates of statement"

[[breaks]]
name = "Istirahat"
start = "00:00"
end = "24:00"
services = ["C"]
"""


class StagedPrinter(TicketPrinter):
    """A preview printer that can be held mid-print, made to fail, or report paper out."""

    description = "staged preview printer"

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.preview = PreviewPrinter(folder)
        self.release = threading.Event()
        self.release.set()
        self.failure: Exception | None = None
        self.paper_out = False

    def _print_ticket(self, ticket: TicketData) -> PrintResult:
        self.release.wait(WAIT_S)
        if self.failure is not None:
            raise self.failure
        return self.preview.print_ticket(ticket)

    def _status(self) -> PrinterStatus:
        paper = PaperState.OUT if self.paper_out else PaperState.OK
        return PrinterStatus(online=True, paper=paper, cover_open=False, answered=True)

    def _close(self) -> None:
        """Nothing to release."""


class Shooter:
    """Drives one kiosk through its screens and saves each one at every size."""

    def __init__(self, app: QApplication, window: KioskWindow, folder: Path) -> None:
        self.app = app
        self.window = window
        self.folder = folder
        self.saved: list[Path] = []

    def spin(self, condition: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("the kiosk did not reach the expected state")
            self.app.processEvents()
            time.sleep(0.01)

    def wait_screen(self, screen: Screen) -> None:
        self.spin(lambda: self.window.controller.screen is screen)

    def shoot(self, name: str) -> None:
        for width, height in SIZES:
            self.window.show_at_size(width, height)
            for _ in range(5):
                self.app.processEvents()
            path = self.folder / f"kiosk-{name}-{width}x{height}.png"
            self.window.grab().save(str(path))
            self.saved.append(path)


def issue(server: LiveServer, service: str, priority: bool = False) -> None:
    body = json.dumps({"service": service, "priority": priority}).encode()
    request = urllib.request.Request(
        server.api + "/tickets",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {server.tokens['kiosk']}",
            "Content-Type": "application/json",
        },
    )
    urllib.request.urlopen(request, timeout=5).close()


def take_screenshots(folder: Path) -> list[Path]:
    """Save every screen into folder; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as scratch:
        server = LiveServer(Path(scratch) / "server", OFFICE_CONFIG).start()
        try:
            return _take(app, server, Path(scratch), folder)
        finally:
            server.kill()


def _take(app: QApplication, server: LiveServer, scratch: Path, folder: Path) -> list[Path]:
    token = server.tokens["kiosk"]
    settings = KioskSettings(
        client=ClientConfig(program="kiosk", server=server.url, token=token, discovery=False),
        fullscreen=False,
        confirm_s=600,
        printer_poll_s=0.2,
        admin_pin="2468",
    )
    printer = StagedPrinter(scratch / "previews")
    link = ServerLink(token, server.url, discovery=False)
    printer_service = PrinterService(printer, settings.printer_poll_s)
    controller = KioskController(settings, link, printer_service)
    window = KioskWindow(controller)
    window.show()
    shooter = Shooter(app, window, folder)
    try:
        window.refresh()
        shooter.shoot("connecting")
        for service, priority in (("A", False), ("A", False), ("A", True), ("A", False)):
            issue(server, service, priority)
        for _ in range(2):
            issue(server, "B")
        link.start()
        printer_service.start()
        shooter.wait_screen(Screen.SERVICES)
        shooter.spin(lambda: "Menunggu: 2 orang" in controller.services()[1].status_line)
        shooter.shoot("services")
        controller.toggle_language()
        shooter.shoot("services-en")
        controller.toggle_language()
        controller.open_priority()
        shooter.shoot("priority")
        controller.close_priority()
        controller.open_info()
        shooter.wait_screen(Screen.INFO)
        shooter.shoot("info")
        controller.toggle_language()
        shooter.shoot("info-en")
        controller.toggle_language()
        controller.close_info()

        printer.release.clear()
        controller.choose_service("A")
        shooter.wait_screen(Screen.BUSY)
        shooter.shoot("printing")
        printer.release.set()
        shooter.wait_screen(Screen.CONFIRMATION)
        shooter.shoot("confirmation")
        controller.acknowledge()

        controller.open_priority()
        controller.choose_service("B")
        shooter.wait_screen(Screen.CONFIRMATION)
        shooter.shoot("confirmation-priority")
        controller.acknowledge()

        printer.failure = PaperOut("printer is out of paper: load a new roll")
        controller.choose_service("B")
        shooter.wait_screen(Screen.FAILURE)
        shooter.shoot("print-failed")
        printer.paper_out = True
        controller.acknowledge()
        shooter.wait_screen(Screen.OUT_OF_ORDER)
        shooter.shoot("out-of-order")
        printer.failure, printer.paper_out = None, False
        shooter.wait_screen(Screen.SERVICES)

        controller.open_admin()
        shooter.shoot("admin")
        controller.close_admin()

        server.kill()
        shooter.wait_screen(Screen.UNAVAILABLE)
        shooter.shoot("unavailable")
    finally:
        link.stop()
        printer_service.stop()
        window.close()

    broken = KioskController(
        settings,
        ServerLink(None, None, discovery=False),
        None,
        setup_error='printer.type: expected one of "preview", "serial", "network", "usb", "file"',
    )
    broken_window = KioskWindow(broken)
    broken_window.show()
    shooter.window = broken_window
    broken_window.refresh()
    shooter.shoot("setup-error")
    broken_window.close()

    # Closed services with the server's note and opening time (closed_note, opens_at),
    # fed through the link's own signals as the event stream would.
    quiet_link = ServerLink(None, None, discovery=False)
    closed = KioskController(settings, quiet_link, None)
    closed_window = KioskWindow(closed)
    closed_window.show()
    shooter.window = closed_window
    quiet_link.state_changed.emit(office_state(services=_closed_services()), None)
    quiet_link.connection_changed.emit(ConnectionStatus.CONNECTED)
    shooter.wait_screen(Screen.SERVICES)
    shooter.shoot("closed")
    closed_window.close()
    return shooter.saved


def _closed_services() -> list[dict[str, object]]:
    return [
        service_json("A", waiting=3, est_wait_s=600),
        service_json("B", name="Perizinan dan Non-Perizinan",
                     description="IMB rumah tinggal, izin PAUD, izin usaha mikro", open=False,
                     closed_reason="break", closed_note="Istirahat salat Jumat",
                     opens_at="2026-11-24T13:00:00+07:00", waiting=2),
        service_json("C", name="Legalisasi dan Layanan Umum",
                     description="Legalisasi dokumen, surat keterangan", open=False,
                     closed_reason="quota", opens_at="2026-11-25T08:00:00+07:00"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="where to write kiosk-*.png")
    arguments = parser.parse_args(argv)
    for path in take_screenshots(arguments.folder):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
