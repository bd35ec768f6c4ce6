"""What every ticket printer offers: print_ticket, status and close, thread-safe and blocking."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import TracebackType

from printer_drivers import errors
from printer_drivers.charset import DEFAULT_CODEPAGE, Codepage
from printer_drivers.escpos_bytes import encode_layout
from printer_drivers.layout import PAPERS, Paper, RasterImage, TicketLayout, build_layout
from printer_drivers.ticket import TicketData


class PaperState(StrEnum):
    """Paper as the printer's sensors report it."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


_ERRORS_BY_CODE: dict[str, type[errors.PrinterUnavailable]] = {
    error.code: error
    for error in (
        errors.PrinterNotFound,
        errors.PrinterPermissionDenied,
        errors.PrinterDriverMissing,
        errors.PrinterOffline,
        errors.PaperOut,
        errors.CoverOpen,
    )
}


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """Health of a printer; paper and cover are only known when it answers real-time status."""

    online: bool
    paper: PaperState = PaperState.UNKNOWN
    cover_open: bool | None = None
    error: str | None = None
    error_code: str | None = None
    answered: bool = False

    @property
    def ready(self) -> bool:
        """Whether a ticket can be printed now (paper near its end still prints)."""
        return self.online and self.paper is not PaperState.OUT and self.cover_open is not True

    def problem(self) -> errors.PrinterUnavailable | None:
        """The typed error that printing would raise now, or None when ready."""
        if self.ready:
            return None
        if self.cover_open:
            return errors.CoverOpen(self.error or "printer cover is open: close it")
        if self.paper is PaperState.OUT:
            return errors.PaperOut(self.error or "printer is out of paper: load a new roll")
        error_class = _ERRORS_BY_CODE.get(self.error_code or "", errors.PrinterOffline)
        return error_class(self.error or "printer is offline")

    @classmethod
    def from_error(cls, error: errors.PrinterError) -> PrinterStatus:
        """The status of a printer that could not be reached because of error."""
        return cls(online=False, error=str(error), error_code=error.code)


@dataclass(frozen=True, slots=True)
class PrintResult:
    """A ticket that went out to the printer (or preview) in full."""

    number: str
    bytes_sent: int
    duration_s: float
    status: PrinterStatus | None = None
    preview_path: Path | None = None


@dataclass(frozen=True, slots=True)
class TicketFormat:
    """Paper width, code page and optional logo: how tickets become bytes."""

    paper: Paper = field(default_factory=lambda: PAPERS[80])
    codepage: Codepage = DEFAULT_CODEPAGE
    logo: RasterImage | None = None

    def layout(self, ticket: TicketData) -> TicketLayout:
        """The ticket laid out for this paper and code page."""
        return build_layout(ticket, self.paper, self.codepage, self.logo)

    def encode(self, ticket: TicketData) -> bytes:
        """The exact ESC/POS bytes of the ticket."""
        return encode_layout(self.layout(ticket))


class TicketPrinter(ABC):
    """A printer of queue tickets; calls block and are serialised per instance."""

    description: str = "printer"

    def __init__(self, ticket_format: TicketFormat | None = None) -> None:
        self.ticket_format = ticket_format or TicketFormat()
        self._lock = threading.Lock()

    def print_ticket(self, ticket: TicketData) -> PrintResult:
        """Print one ticket in full, or raise a PrinterUnavailable subclass."""
        with self._lock:
            return self._print_ticket(ticket)

    def status(self) -> PrinterStatus:
        """Current health; never raises for an unreachable printer, bounded by the timeout."""
        with self._lock:
            return self._status()

    def close(self) -> None:
        """Release the device or connection; a later call opens it again."""
        with self._lock:
            self._close()

    def __enter__(self) -> TicketPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.description}>"

    @abstractmethod
    def _print_ticket(self, ticket: TicketData) -> PrintResult:
        """Print under the instance lock."""

    @abstractmethod
    def _status(self) -> PrinterStatus:
        """Query health under the instance lock."""

    @abstractmethod
    def _close(self) -> None:
        """Release resources under the instance lock."""
