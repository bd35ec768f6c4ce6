"""Serial printer over a real socat pty pair: exact bytes, status replies, failures."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from printer_drivers import (
    CoverOpen,
    PaperOut,
    PaperState,
    PrinterConfig,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterType,
    PrinterUnavailable,
    TicketData,
    open_printer,
)
from printer_drivers.serial_port import open_error
from tests.printer_drivers.simulated import (
    COVER_OPEN_REPLIES,
    PAPER_NEAR_END_REPLIES,
    PAPER_OUT_REPLIES,
    PtyPair,
    PtyPrinter,
)
from tests.printer_drivers.test_layout import REFERENCE_TICKET_80MM


def serial_config(device: Path | str, **changes: object) -> PrinterConfig:
    values: dict[str, object] = {
        "type": PrinterType.SERIAL,
        "device": str(device),
        "baudrate": 9600,
        "timeout_s": 0.5,
    }
    values.update(changes)
    return PrinterConfig(**values)  # type: ignore[arg-type]


def test_ticket_reaches_the_printer_end_byte_for_byte(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        result = printer.print_ticket(ticket)
    assert pty_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM
    assert pty_printer.responder.queries == [1, 2, 4]  # status checked before printing
    assert result.bytes_sent == len(REFERENCE_TICKET_80MM)
    assert result.status is not None and result.status.ready


def test_status_of_a_ready_printer(pty_pair: PtyPair, pty_printer: PtyPrinter) -> None:
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        status = printer.status()
    assert (status.online, status.paper, status.cover_open, status.answered) == (
        True,
        PaperState.OK,
        False,
        True,
    )


def test_paper_out_reply_stops_the_print(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    pty_printer.set_replies(PAPER_OUT_REPLIES)
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        status = printer.status()
        assert (status.online, status.paper) == (False, PaperState.OUT)
        with pytest.raises(PaperOut, match="out of paper"):
            printer.print_ticket(ticket)
    time.sleep(0.1)
    assert pty_printer.responder.ticket_bytes == b""  # nothing printed into the void


def test_cover_open_reply_raises_cover_open(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    pty_printer.set_replies(COVER_OPEN_REPLIES)
    with open_printer(serial_config(pty_pair.driver_end)) as printer, pytest.raises(CoverOpen):
        printer.print_ticket(ticket)


def test_paper_near_end_prints_and_warns(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    pty_printer.set_replies(PAPER_NEAR_END_REPLIES)
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        result = printer.print_ticket(ticket)
    assert result.status is not None and result.status.paper is PaperState.NEAR_END
    assert pty_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM


def test_printer_recovers_after_paper_is_loaded(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    pty_printer.set_replies(PAPER_OUT_REPLIES)
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        with pytest.raises(PaperOut):
            printer.print_ticket(ticket)
        pty_printer.set_replies({1: 0x12, 2: 0x12, 4: 0x12})
        printer.print_ticket(ticket)
    assert pty_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM


def test_silent_printer_is_offline_within_the_timeout(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    pty_printer.set_replies(None)
    with open_printer(serial_config(pty_pair.driver_end, timeout_s=0.3)) as printer:
        started = time.monotonic()
        status = printer.status()
        assert time.monotonic() - started < 1.0
        assert not status.online and "does not answer" in (status.error or "")
        with pytest.raises(PrinterOffline, match="realtime_status = false"):
            printer.print_ticket(ticket)


def test_without_realtime_status_the_ticket_is_sent_blindly(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    pty_printer.set_replies(None)
    config = serial_config(pty_pair.driver_end, realtime_status=False)
    with open_printer(config) as printer:
        assert printer.status().online
        printer.print_ticket(ticket)
    assert pty_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM
    assert pty_printer.responder.queries == []


def test_missing_device_is_printer_not_found_at_once(tmp_path: Path, ticket: TicketData) -> None:
    with open_printer(serial_config(tmp_path / "ttyUSB9")) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterNotFound, match="ttyUSB9 does not exist"):
            printer.print_ticket(ticket)
        status = printer.status()
        assert time.monotonic() - started < 0.5
    assert not status.online and status.error_code == "printer_not_found"


def test_unplugged_device_gives_a_typed_error_quickly(
    pty_pair: PtyPair, pty_printer: PtyPrinter, ticket: TicketData
) -> None:
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        printer.print_ticket(ticket)
        pty_printer.stop()
        pty_pair.stop()  # the adapter is pulled out
        started = time.monotonic()
        with pytest.raises(PrinterUnavailable):
            printer.print_ticket(ticket)
        assert time.monotonic() - started < 1.0
        assert not printer.status().online


def test_permission_error_names_the_udev_rule() -> None:
    error = open_error("/dev/ttyUSB0", PermissionError(13, "Permission denied"))
    assert isinstance(error, PrinterPermissionDenied)
    assert "dialout" in str(error) and "60-antrian-printer.rules" in str(error)


def test_two_threads_printing_never_interleave_bytes(
    pty_pair: PtyPair, pty_printer: PtyPrinter
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.printer_drivers.conftest import make_ticket

    tickets = [make_ticket(number=f"A{index:03d}") for index in range(6)]
    with open_printer(serial_config(pty_pair.driver_end)) as printer:
        with ThreadPoolExecutor(max_workers=3) as pool:
            list(pool.map(printer.print_ticket, tickets))
        expected_size = len(REFERENCE_TICKET_80MM) * len(tickets)
        received = pty_printer.wait_for(expected_size)
    assert len(received) == expected_size
    chunks = received.split(b"\x1b@")[1:]
    assert sorted(b"\x1b@" + chunk for chunk in chunks) == sorted(
        REFERENCE_TICKET_80MM.replace(b"A005", ticket.number.encode()) for ticket in tickets
    )
