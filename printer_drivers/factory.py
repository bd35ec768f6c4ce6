"""open_printer: the one place that turns a PrinterConfig into a TicketPrinter."""

from __future__ import annotations

from printer_drivers.base import TicketFormat, TicketPrinter
from printer_drivers.charset import find_codepage
from printer_drivers.config import PrinterConfig, PrinterType
from printer_drivers.device_file import DeviceFileTransport
from printer_drivers.layout import PAPERS
from printer_drivers.logo import load_logo
from printer_drivers.network import NetworkTransport
from printer_drivers.preview import PreviewPrinter
from printer_drivers.serial_port import SerialTransport
from printer_drivers.transport import EscposPrinter, Transport


def ticket_format_for(config: PrinterConfig) -> TicketFormat:
    """Paper, code page and logo (rasterised now, so a bad logo fails at start-up)."""
    paper = PAPERS[config.width_mm]
    logo = None if config.logo is None else load_logo(config.logo, paper)
    return TicketFormat(paper=paper, codepage=find_codepage(config.codepage), logo=logo)


def open_printer(config: PrinterConfig) -> TicketPrinter:
    """The printer the config describes; the device itself is opened at first use."""
    ticket_format = ticket_format_for(config)
    if config.type is PrinterType.PREVIEW:
        return PreviewPrinter(config.preview_dir, ticket_format)
    return EscposPrinter(
        _transport(config),
        ticket_format,
        timeout_s=config.timeout_s,
        realtime_status=config.realtime_status,
    )


def _transport(config: PrinterConfig) -> Transport:
    if config.type is PrinterType.SERIAL:
        return SerialTransport(config.device, config.baudrate)
    if config.type is PrinterType.NETWORK:
        assert config.host is not None  # load_printer_config requires it
        return NetworkTransport(config.host, config.port, connect_timeout_s=config.timeout_s)
    if config.type is PrinterType.FILE:
        return DeviceFileTransport(config.path, readable=config.realtime_status)
    if config.type is PrinterType.USB:
        # Imported here so that pyusb is needed only by those who print over USB.
        from printer_drivers.usb_device import UsbTransport

        assert config.vendor_id is not None and config.product_id is not None
        return UsbTransport(config.vendor_id, config.product_id)
    raise AssertionError(f"unhandled printer type {config.type}")
