"""The fake printer other packages use in their tests."""

from __future__ import annotations

import pytest

from printer_drivers import (
    FakePrinter,
    PaperOut,
    PaperState,
    PrinterOffline,
    PrinterStatus,
    TicketData,
)
from tests.printer_drivers.test_layout import REFERENCE_TICKET_80MM


def test_fake_printer_records_tickets_and_bytes(ticket: TicketData) -> None:
    printer = FakePrinter()
    result = printer.print_ticket(ticket)
    assert printer.printed[0].ticket == ticket
    assert printer.output == REFERENCE_TICKET_80MM
    assert result.bytes_sent == len(REFERENCE_TICKET_80MM)


def test_fake_printer_fails_on_request(ticket: TicketData) -> None:
    printer = FakePrinter()
    printer.fail_with(PrinterOffline("unplugged"))
    with pytest.raises(PrinterOffline):
        printer.print_ticket(ticket)
    printer.fail_with(None)
    printer.set_status(PrinterStatus(online=False, paper=PaperState.OUT, answered=True))
    assert not printer.status().ready
    with pytest.raises(PaperOut):
        printer.print_ticket(ticket)
    assert printer.printed == []


def test_fake_printer_notes_close() -> None:
    with FakePrinter() as printer:
        pass
    assert isinstance(printer, FakePrinter) and printer.closed
