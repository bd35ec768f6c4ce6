"""A fake printer for other packages' tests: records tickets and bytes, fails on request."""

from __future__ import annotations

from dataclasses import dataclass

from printer_drivers.base import (
    PaperState,
    PrinterStatus,
    PrintResult,
    TicketFormat,
    TicketPrinter,
)
from printer_drivers.errors import PrinterUnavailable
from printer_drivers.ticket import TicketData


@dataclass(frozen=True, slots=True)
class PrintedTicket:
    """One ticket the fake printer accepted, with the bytes a real printer would get."""

    ticket: TicketData
    data: bytes


READY = PrinterStatus(online=True, paper=PaperState.OK, cover_open=False, answered=True)


class FakePrinter(TicketPrinter):
    """Behaves like a working printer until told otherwise with fail_with or set_status."""

    description = "fake printer"

    def __init__(self, ticket_format: TicketFormat | None = None) -> None:
        super().__init__(ticket_format)
        self.printed: list[PrintedTicket] = []
        self.closed = False
        self._status_now = READY
        self._failure: PrinterUnavailable | None = None

    @property
    def output(self) -> bytes:
        """All bytes printed so far, like python-escpos' Dummy.output."""
        with self._lock:
            return b"".join(printed.data for printed in self.printed)

    def set_status(self, status: PrinterStatus) -> None:
        """What status() reports from now on; print_ticket fails when it is not ready."""
        with self._lock:
            self._status_now = status

    def fail_with(self, error: PrinterUnavailable | None) -> None:
        """Make every print_ticket raise error (None: print again)."""
        with self._lock:
            self._failure = error

    def _print_ticket(self, ticket: TicketData) -> PrintResult:
        if self._failure is not None:
            raise self._failure
        problem = self._status_now.problem()
        if problem is not None:
            raise problem
        data = self.ticket_format.encode(ticket)
        self.printed.append(PrintedTicket(ticket, data))
        self.closed = False
        return PrintResult(
            number=ticket.number, bytes_sent=len(data), duration_s=0.0, status=self._status_now
        )

    def _status(self) -> PrinterStatus:
        return self._status_now

    def _close(self) -> None:
        self.closed = True
