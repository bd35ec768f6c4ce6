"""Network printer against a real TCP server on 127.0.0.1, port 0."""

from __future__ import annotations

import socket
import time

import pytest

from printer_drivers import (
    PaperOut,
    PaperState,
    PrinterConfig,
    PrinterNotFound,
    PrinterOffline,
    PrinterType,
    TicketData,
    open_printer,
)
from tests.printer_drivers.simulated import PAPER_OUT_REPLIES, READY_REPLIES, TcpPrinter
from tests.printer_drivers.test_layout import REFERENCE_TICKET_80MM


def network_config(port: int, host: str = "127.0.0.1", **changes: object) -> PrinterConfig:
    values: dict[str, object] = {
        "type": PrinterType.NETWORK,
        "host": host,
        "port": port,
        "timeout_s": 0.5,
    }
    values.update(changes)
    return PrinterConfig(**values)  # type: ignore[arg-type]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ticket_arrives_byte_for_byte(tcp_printer: TcpPrinter, ticket: TicketData) -> None:
    tcp_printer.replies = READY_REPLIES
    with open_printer(network_config(tcp_printer.port)) as printer:
        result = printer.print_ticket(ticket)
    assert tcp_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM
    assert result.status is not None and result.status.ready


def test_one_connection_per_job(tcp_printer: TcpPrinter, ticket: TicketData) -> None:
    tcp_printer.replies = READY_REPLIES
    with open_printer(network_config(tcp_printer.port)) as printer:
        printer.status()
        printer.print_ticket(ticket)
        printer.print_ticket(ticket)
    tcp_printer.wait_for(2 * len(REFERENCE_TICKET_80MM))
    assert len(tcp_printer.responders) == 3


def test_status_answered_over_the_network(tcp_printer: TcpPrinter) -> None:
    tcp_printer.replies = PAPER_OUT_REPLIES
    with open_printer(network_config(tcp_printer.port)) as printer:
        status = printer.status()
    assert (status.online, status.paper, status.answered) == (False, PaperState.OUT, True)


def test_paper_out_over_the_network_raises(tcp_printer: TcpPrinter, ticket: TicketData) -> None:
    tcp_printer.replies = PAPER_OUT_REPLIES
    with open_printer(network_config(tcp_printer.port)) as printer, pytest.raises(PaperOut):
        printer.print_ticket(ticket)
    assert tcp_printer.ticket_bytes == b""


def test_printer_that_never_answers_status_is_offline_after_the_timeout(
    tcp_printer: TcpPrinter, ticket: TicketData
) -> None:
    tcp_printer.replies = None
    with open_printer(network_config(tcp_printer.port, timeout_s=0.3)) as printer:
        started = time.monotonic()
        status = printer.status()
        assert time.monotonic() - started < 1.0
        assert not status.online
        with pytest.raises(PrinterOffline):
            printer.print_ticket(ticket)


def test_printer_without_realtime_status_prints_blindly(
    tcp_printer: TcpPrinter, ticket: TicketData
) -> None:
    tcp_printer.replies = None
    config = network_config(tcp_printer.port, realtime_status=False)
    with open_printer(config) as printer:
        assert printer.status().online
        printer.print_ticket(ticket)
    assert tcp_printer.wait_for(len(REFERENCE_TICKET_80MM)) == REFERENCE_TICKET_80MM


def test_refused_connection_is_offline_at_once(ticket: TicketData) -> None:
    with open_printer(network_config(closed_port())) as printer:
        started = time.monotonic()
        with pytest.raises(PrinterOffline, match="refused"):
            printer.print_ticket(ticket)
        status = printer.status()
        assert time.monotonic() - started < 0.5
    assert not status.online and "refused" in (status.error or "")


def test_unknown_host_is_printer_not_found(ticket: TicketData) -> None:
    config = network_config(9100, host="printer.invalid")
    with open_printer(config) as printer, pytest.raises(PrinterNotFound, match="unknown host"):
        printer.print_ticket(ticket)
