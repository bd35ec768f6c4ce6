"""USB printer through real pyusb code, with only pyusb's backend (the device) faked."""

from __future__ import annotations

import errno

import pytest

from printer_drivers import (
    PaperOut,
    PaperState,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    TicketData,
)
from printer_drivers.transport import EscposPrinter
from printer_drivers.usb_device import UsbTransport
from tests.printer_drivers.simulated import PAPER_OUT_REPLIES, FakeUsbBackend
from tests.printer_drivers.test_layout import REFERENCE_TICKET_80MM


def usb_printer(backend: FakeUsbBackend) -> EscposPrinter:
    return EscposPrinter(UsbTransport(0x04B8, 0x0202, backend=backend), timeout_s=0.3)


def test_ticket_goes_to_the_bulk_out_endpoint(ticket: TicketData) -> None:
    backend = FakeUsbBackend()
    with usb_printer(backend) as printer:
        printer.print_ticket(ticket)
        assert backend.detached and backend.claimed  # taken over from usblp
    assert backend.responder.ticket_bytes == REFERENCE_TICKET_80MM
    assert backend.responder.queries == [1, 2, 4]
    assert not backend.claimed  # released on close


def test_status_comes_from_the_bulk_in_endpoint() -> None:
    backend = FakeUsbBackend(replies=PAPER_OUT_REPLIES)
    with usb_printer(backend) as printer:
        status = printer.status()
    assert (status.online, status.paper) == (False, PaperState.OUT)


def test_paper_out_over_usb_raises(ticket: TicketData) -> None:
    backend = FakeUsbBackend(replies=PAPER_OUT_REPLIES)
    with usb_printer(backend) as printer, pytest.raises(PaperOut):
        printer.print_ticket(ticket)
    assert backend.responder.ticket_bytes == b""


def test_wrong_ids_are_printer_not_found(ticket: TicketData) -> None:
    backend = FakeUsbBackend(vendor_id=0x0416, product_id=0x5011)
    with usb_printer(backend) as printer:
        with pytest.raises(PrinterNotFound, match="04b8:0202"):
            printer.print_ticket(ticket)
        assert printer.status().error_code == "printer_not_found"


def test_permission_denied_names_the_udev_rule(ticket: TicketData) -> None:
    backend = FakeUsbBackend(open_errno=errno.EACCES)
    with usb_printer(backend) as printer:
        with pytest.raises(PrinterPermissionDenied, match=r"60-antrian-printer\.rules"):
            printer.print_ticket(ticket)
        status = printer.status()
    assert not status.online and status.error_code == "printer_permission_denied"


def test_unplugged_printer_gives_a_typed_error(ticket: TicketData) -> None:
    backend = FakeUsbBackend()
    with usb_printer(backend) as printer:
        printer.print_ticket(ticket)
        backend.unplugged = True
        with pytest.raises((PrinterNotFound, PrinterOffline)):
            printer.print_ticket(ticket)
        assert not printer.status().online
