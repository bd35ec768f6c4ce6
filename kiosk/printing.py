"""Printing and printer status polling on a worker thread, reported to the UI as Qt signals."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from printer_drivers import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterStatus,
    PrinterUnavailable,
    TicketData,
    TicketPrinter,
    warm_up_encoder,
)

logger = logging.getLogger(__name__)

STOP_TIMEOUT_MS = 5000


class PrinterFault(StrEnum):
    """What keeps the printer from printing, in the words the kiosk shows."""

    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class PrinterHealth:
    """Whether the kiosk may offer tickets; a printer whose state is unknown counts as ready."""

    fault: PrinterFault | None = None
    detail: str = ""

    @property
    def ready(self) -> bool:
        return self.fault is None

    @classmethod
    def from_status(cls, status: PrinterStatus) -> PrinterHealth:
        """Health from a status poll: only a problem the driver would refuse to print on counts."""
        problem = status.problem()
        return cls() if problem is None else cls.from_error(problem)

    @classmethod
    def from_error(cls, error: BaseException) -> PrinterHealth:
        """Health from the error a print or poll raised."""
        if isinstance(error, PaperOut):
            return cls(PrinterFault.PAPER_OUT, str(error))
        if isinstance(error, CoverOpen):
            return cls(PrinterFault.COVER_OPEN, str(error))
        return cls(PrinterFault.OFFLINE, str(error))


class PrinterWorker(QObject):
    """Lives on the printer thread; every call to the printer blocks only that thread."""

    printed = Signal(int, object)  # attempt, PrintResult
    print_failed = Signal(int, object)  # attempt, exception
    health_changed = Signal(object)  # PrinterHealth

    def __init__(self, printer: TicketPrinter, poll_interval_s: float) -> None:
        super().__init__()
        self._printer = printer
        self._poll_interval_ms = max(int(poll_interval_s * 1000), 100)
        self._timer: QTimer | None = None

    @Slot()
    def start_polling(self) -> None:
        """Poll now and then every interval (the timer belongs to this thread)."""
        self._timer = QTimer(self)
        self._timer.setInterval(self._poll_interval_ms)
        self._timer.timeout.connect(self.poll)
        self._timer.start()
        self.poll()
        # Load the ESC/POS encoder now, on this thread, so the first ticket is as quick as
        # the others (it is kept out of the kiosk's start-up for a faster first frame).
        warm_up_encoder()

    @Slot()
    def stop_polling(self) -> None:
        if self._timer is not None:
            # Stopped and released here, on its own thread; Qt refuses it from another.
            self._timer.stop()
            self._timer.setParent(None)
            self._timer = None
        try:
            self._printer.close()
        except Exception:
            # Worker boundary: closing a broken device must not keep the kiosk from quitting.
            logger.exception("closing the printer failed")

    @Slot()
    def poll(self) -> None:
        try:
            health = PrinterHealth.from_status(self._printer.status())
        except Exception as exc:
            # Worker boundary: status() should not raise; a driver bug must not stop polling.
            logger.exception("printer status poll failed")
            health = PrinterHealth.from_error(exc)
        self.health_changed.emit(health)

    @Slot(int, object)
    def print_ticket(self, attempt: int, ticket: TicketData) -> None:
        try:
            result = self._printer.print_ticket(ticket)
        except PrinterUnavailable as exc:
            self.print_failed.emit(attempt, exc)
            self.health_changed.emit(PrinterHealth.from_error(exc))
            return
        except Exception as exc:
            # Worker boundary: a ticket the layout cannot take (PrinterError) or a driver
            # bug; either way the ticket was not printed and must be voided.
            if not isinstance(exc, PrinterError):
                logger.exception("printing ticket %s failed unexpectedly", ticket.number)
            self.print_failed.emit(attempt, exc)
            return
        self.printed.emit(attempt, result)
        if result.status is not None:
            self.health_changed.emit(PrinterHealth.from_status(result.status))


class PrinterService(QObject):
    """The UI thread's handle on the printer thread; its signals arrive on the UI thread."""

    printed = Signal(int, object)
    print_failed = Signal(int, object)
    health_changed = Signal(object)

    _print_requested = Signal(int, object)
    _poll_requested = Signal()
    _start_requested = Signal()
    _stop_requested = Signal()

    def __init__(
        self, printer: TicketPrinter, poll_interval_s: float, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.printer = printer
        self.health = PrinterHealth()
        self._thread = QThread()
        self._thread.setObjectName("kiosk-printer")
        self._worker = PrinterWorker(printer, poll_interval_s)
        self._worker.moveToThread(self._thread)
        self._print_requested.connect(self._worker.print_ticket)
        self._poll_requested.connect(self._worker.poll)
        self._start_requested.connect(self._worker.start_polling)
        # Blocking: stop_polling must run on the worker before quit(), or a quit that
        # lands while the worker is busy leaves its timer to die on the wrong thread.
        self._stop_requested.connect(
            self._worker.stop_polling, Qt.ConnectionType.BlockingQueuedConnection
        )
        self._worker.printed.connect(self._on_printed)
        self._worker.print_failed.connect(self._on_print_failed)
        self._worker.health_changed.connect(self._on_health_changed)
        self._running = False

    def start(self) -> None:
        """Start the thread and the status polling."""
        if self._running:
            return
        self._running = True
        self._thread.start()
        self._start_requested.emit()

    def stop(self) -> None:
        """Stop polling, close the printer and end the thread."""
        if not self._running:
            return
        self._running = False
        self._stop_requested.emit()
        self._thread.quit()
        if not self._thread.wait(STOP_TIMEOUT_MS):
            logger.error("the printer thread did not stop in time")

    def print_ticket(self, attempt: int, ticket: TicketData) -> None:
        """Queue a ticket for printing; the answer is printed or print_failed."""
        self._print_requested.emit(attempt, ticket)

    def poll_now(self) -> None:
        """Ask for the printer's status now instead of at the next interval."""
        self._poll_requested.emit()

    @Slot(int, object)
    def _on_printed(self, attempt: int, result: object) -> None:
        self.printed.emit(attempt, result)

    @Slot(int, object)
    def _on_print_failed(self, attempt: int, error: object) -> None:
        self.print_failed.emit(attempt, error)

    @Slot(object)
    def _on_health_changed(self, health: PrinterHealth) -> None:
        if health == self.health:
            return
        if health.ready:
            logger.info("printer is ready again")
        else:
            logger.warning("printer fault %s: %s", health.fault, health.detail)
        self.health = health
        self.health_changed.emit(health)
