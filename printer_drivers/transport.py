"""Where ticket bytes go: the Transport base class and the ESC/POS printer built on one."""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod

from printer_drivers.base import PrinterStatus, PrintResult, TicketFormat, TicketPrinter
from printer_drivers.errors import PrinterError, PrinterOffline
from printer_drivers.status import poll_status
from printer_drivers.ticket import TicketData

logger = logging.getLogger(__name__)


class Transport(ABC):
    """A byte pipe to a printer: one subclass per connection type."""

    description: str = "printer"
    keeps_connection: bool = True  # False: open and close around every job
    can_read: bool = True

    @property
    @abstractmethod
    def is_open(self) -> bool:
        """Whether open() succeeded and close() was not called since."""

    @abstractmethod
    def open(self) -> None:
        """Connect; raise PrinterNotFound, PrinterPermissionDenied or PrinterOffline."""

    @abstractmethod
    def close(self) -> None:
        """Disconnect; never raises."""

    @abstractmethod
    def write(self, data: bytes, timeout_s: float) -> None:
        """Send all bytes, waiting for them to leave; raise PrinterOffline on failure."""

    @abstractmethod
    def read(self, size: int, timeout_s: float) -> bytes:
        """Up to size bytes, or b"" when nothing arrives within timeout_s."""

    def discard_input(self) -> None:
        """Drop bytes that arrived unasked (stale replies, automatic status)."""
        while self.read(64, 0.0):
            pass


class EscposPrinter(TicketPrinter):
    """A thermal printer spoken to in ESC/POS over any transport."""

    def __init__(
        self,
        transport: Transport,
        ticket_format: TicketFormat | None = None,
        *,
        timeout_s: float = 1.0,
        realtime_status: bool = True,
    ) -> None:
        super().__init__(ticket_format)
        self.transport = transport
        self.description = transport.description
        self.timeout_s = timeout_s
        self._realtime_status = realtime_status
        self._last_fault: str | None = None

    @property
    def realtime_status(self) -> bool:
        """Whether status comes from the printer (DLE EOT) rather than from the connection."""
        return self._realtime_status and self.transport.can_read

    def _print_ticket(self, ticket: TicketData) -> PrintResult:
        data = self.ticket_format.encode(ticket)
        started = time.perf_counter()
        status: PrinterStatus | None = None
        try:
            self._ensure_open()
            if self.realtime_status:
                status = poll_status(self.transport, self.timeout_s)
                problem = status.problem()
                if problem is not None:
                    raise problem
            self.transport.write(data, self.timeout_s)
        except PrinterError as error:
            self._note_fault(str(error))
            self.transport.close()
            raise
        finally:
            if not self.transport.keeps_connection:
                self.transport.close()
        self._note_fault(None)
        duration_s = time.perf_counter() - started
        logger.info("printed ticket %s: %d bytes in %.2f s", ticket.number, len(data), duration_s)
        return PrintResult(
            number=ticket.number, bytes_sent=len(data), duration_s=duration_s, status=status
        )

    def _status(self) -> PrinterStatus:
        try:
            self._ensure_open()
            if self.realtime_status:
                status = poll_status(self.transport, self.timeout_s)
            else:
                status = PrinterStatus(online=True)  # reachable; paper and cover unknown
        except PrinterError as error:
            self.transport.close()
            status = PrinterStatus.from_error(error)
        finally:
            if not self.transport.keeps_connection:
                self.transport.close()
        if not status.online:
            self.transport.close()  # reopen next time: the device may have been replugged
        self._note_fault(status.error if not status.ready else None)
        return status

    def _close(self) -> None:
        self.transport.close()

    def _ensure_open(self) -> None:
        if not self.transport.is_open:
            self.transport.open()

    def _note_fault(self, fault: str | None) -> None:
        """Log a fault when it starts and when it clears, not at every poll."""
        if fault == self._last_fault:
            return
        if fault is None:
            logger.info("%s is ready again", self.description)
        else:
            logger.warning("%s: %s", self.description, fault)
        self._last_fault = fault


def offline_error(description: str, action: str, exc: BaseException) -> PrinterOffline:
    """The PrinterOffline to raise when an I/O call on an open connection fails."""
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return PrinterOffline(f"{description}: {action} failed ({reason}): check power and cable")
