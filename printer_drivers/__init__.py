"""Ticket layout and ESC/POS printing for Antrian kiosks: serial, USB, network, file, preview."""

from __future__ import annotations

from printer_drivers.base import (
    PaperState,
    PrinterStatus,
    PrintResult,
    TicketFormat,
    TicketPrinter,
)
from printer_drivers.config import PrinterConfig, PrinterType, load_printer_config
from printer_drivers.errors import (
    CoverOpen,
    PaperOut,
    PrinterConfigError,
    PrinterDriverMissing,
    PrinterError,
    PrinterNotFound,
    PrinterOffline,
    PrinterPermissionDenied,
    PrinterUnavailable,
    TicketDataError,
)
from printer_drivers.escpos_bytes import warm_up_encoder
from printer_drivers.factory import open_printer
from printer_drivers.fake import FakePrinter
from printer_drivers.preview import PreviewPrinter
from printer_drivers.ticket import Language, TicketData
from printer_drivers.transport import EscposPrinter

__all__ = [
    "CoverOpen",
    "EscposPrinter",
    "FakePrinter",
    "Language",
    "PaperOut",
    "PaperState",
    "PreviewPrinter",
    "PrintResult",
    "PrinterConfig",
    "PrinterConfigError",
    "PrinterDriverMissing",
    "PrinterError",
    "PrinterNotFound",
    "PrinterOffline",
    "PrinterPermissionDenied",
    "PrinterStatus",
    "PrinterType",
    "PrinterUnavailable",
    "TicketData",
    "TicketDataError",
    "TicketFormat",
    "TicketPrinter",
    "load_printer_config",
    "open_printer",
    "warm_up_encoder",
]
