"""Fixtures for the printer driver tests: sample tickets and simulated printers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from printer_drivers import TicketData
from tests.printer_drivers.simulated import PtyPair, PtyPrinter, TcpPrinter

JAKARTA = ZoneInfo("Asia/Jakarta")
ISSUED_AT = datetime(2025, 6, 2, 8, 15, 30, tzinfo=JAKARTA)  # a Monday


def make_ticket(**changes: object) -> TicketData:
    """The reference ticket of these tests, with some fields changed."""
    values: dict[str, object] = {
        "office_name": "Kantor Kecamatan Contoh",
        "service_name": "Administrasi Kependudukan",
        "number": "A005",
        "priority": False,
        "people_ahead": 12,
        "wait_text": "± 25 menit",
        "issued_at": ISSUED_AT,
        "issued_text": "Senin, 2 Juni 2025 08.15 WIB",
        "check_url": "http://192.168.1.10:8470/t/42?key=k3y",
        "footer": "Terima kasih",
        "language": "id",
    }
    values.update(changes)
    return TicketData(**values)  # type: ignore[arg-type]


@pytest.fixture
def ticket() -> TicketData:
    return make_ticket()


@pytest.fixture
def pty_pair(tmp_path: Path) -> Iterator[PtyPair]:
    pair = PtyPair(tmp_path)
    yield pair
    pair.stop()


@pytest.fixture
def pty_printer(pty_pair: PtyPair) -> Iterator[PtyPrinter]:
    printer = PtyPrinter(pty_pair.printer_end)
    yield printer
    printer.stop()


@pytest.fixture
def tcp_printer() -> Iterator[TcpPrinter]:
    server = TcpPrinter()
    yield server
    server.stop()
