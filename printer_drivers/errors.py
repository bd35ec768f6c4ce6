"""Exceptions of the printer drivers, all under one root: PrinterError."""

# PrinterError                    anything this package raises on purpose
# ├── PrinterConfigError          the [printer] section is wrong (names the key)
# ├── TicketDataError             a ticket value the layout cannot use
# └── PrinterUnavailable          the ticket was not printed: the kiosk voids it
#     ├── PrinterNotFound         no device, unknown host, unplugged cable
#     ├── PrinterPermissionDenied the device exists but this user may not open it
#     ├── PrinterDriverMissing    an optional hardware library is not installed
#     ├── PrinterOffline          no answer, refused connection, write failed
#     ├── PaperOut                the printer reports no paper
#     └── CoverOpen               the printer reports its cover open

from __future__ import annotations

from typing import ClassVar

UDEV_HINT = "install assets/udev/60-antrian-printer.rules (see docs/printers.md)"


class PrinterError(Exception):
    """Root of every error raised by printer_drivers."""

    code: ClassVar[str] = "printer_error"


class PrinterConfigError(PrinterError):
    """The [printer] configuration is invalid; the message names the key."""

    code: ClassVar[str] = "printer_config"


class TicketDataError(PrinterError, ValueError):
    """A ticket field has a value that cannot be laid out."""

    code: ClassVar[str] = "ticket_data"


class PrinterUnavailable(PrinterError):
    """The ticket could not be printed; the kiosk should void it."""

    code: ClassVar[str] = "printer_unavailable"


class PrinterNotFound(PrinterUnavailable):
    """The configured device, USB id or host does not exist."""

    code: ClassVar[str] = "printer_not_found"


class PrinterPermissionDenied(PrinterUnavailable):
    """The device exists but the current user may not open it."""

    code: ClassVar[str] = "printer_permission_denied"


class PrinterDriverMissing(PrinterUnavailable):
    """An optional library needed for this connection type is not installed."""

    code: ClassVar[str] = "printer_driver_missing"


class PrinterOffline(PrinterUnavailable):
    """The printer does not answer, refused the connection or a write failed."""

    code: ClassVar[str] = "printer_offline"


class PaperOut(PrinterUnavailable):
    """The printer reports that its paper roll is empty."""

    code: ClassVar[str] = "paper_out"


class CoverOpen(PrinterUnavailable):
    """The printer reports that its cover is open."""

    code: ClassVar[str] = "cover_open"
