"""Device-file printer: a pty slave as the device (with status) and plain files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from printer_drivers import (
    PaperOut,
    PrinterConfig,
    PrinterNotFound,
    PrinterType,
    TicketData,
    open_printer,
)
from tests.printer_drivers.simulated import PAPER_OUT_REPLIES, PtyPair, PtyPrinter
from tests.printer_drivers.test_layout import REFERENCE_TICKET_80MM


def file_config(path: Path, **changes: object) -> PrinterConfig:
    values: dict[str, object] = {
        "type": PrinterType.FILE,
        "path": str(path),
        "timeout_s": 0.5,
        "realtime_status": False,
    }
    values.update(changes)
    return PrinterConfig(**values)  # type: ignore[arg-type]


def test_bytes_are_appended_to_an_existing_device_file(tmp_path: Path, ticket: TicketData) -> None:
    device = tmp_path / "lp0"
    device.touch()
    with open_printer(file_config(device)) as printer:
        printer.print_ticket(ticket)
        printer.print_ticket(ticket)
        assert printer.status().online
    assert device.read_bytes() == REFERENCE_TICKET_80MM * 2


def test_missing_device_file_is_not_created(tmp_path: Path, ticket: TicketData) -> None:
    device = tmp_path / "lp0"
    with open_printer(file_config(device)) as printer:
        with pytest.raises(PrinterNotFound, match=r"printer\.path"):
            printer.print_ticket(ticket)
        assert printer.status().error_code == "printer_not_found"
    assert not device.exists()


def test_directory_is_not_a_printer(tmp_path: Path, ticket: TicketData) -> None:
    with open_printer(file_config(tmp_path)) as printer, pytest.raises(PrinterNotFound):
        printer.print_ticket(ticket)


def test_tty_device_file_with_realtime_status(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    device = Path(os.path.realpath(pty_pair.driver_end))
    with open_printer(file_config(device, realtime_status=True)) as printer:
        assert printer.status().ready
        printer.print_ticket(ticket)
        assert pty_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM
        pty_printer.set_replies(PAPER_OUT_REPLIES)
        with pytest.raises(PaperOut):
            printer.print_ticket(ticket)
