"""The [printer] TOML table: defaults, every connection type, and errors naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from printer_drivers import (
    EscposPrinter,
    PreviewPrinter,
    PrinterConfig,
    PrinterConfigError,
    PrinterType,
    load_printer_config,
    open_printer,
)
from printer_drivers.device_file import DeviceFileTransport
from printer_drivers.network import NetworkTransport
from printer_drivers.serial_port import SerialTransport
from printer_drivers.usb_device import UsbTransport


def parse(text: str) -> PrinterConfig:
    return load_printer_config(tomllib.loads(text).get("printer"), default_preview_dir="out")


def test_missing_section_means_preview_into_the_default_folder() -> None:
    assert load_printer_config(None, default_preview_dir="/srv/previews") == PrinterConfig(
        preview_dir=Path("/srv/previews")
    )
    assert parse("").type is PrinterType.PREVIEW


def test_serial_section() -> None:
    config = parse('[printer]\ntype = "serial"\ndevice = "/dev/ttyS0"\nbaudrate = 115200\n')
    assert (config.type, config.device, config.baudrate) == (
        PrinterType.SERIAL,
        "/dev/ttyS0",
        115200,
    )
    assert config.realtime_status
    printer = open_printer(config)
    assert isinstance(printer, EscposPrinter) and isinstance(printer.transport, SerialTransport)


def test_network_section() -> None:
    config = parse('[printer]\ntype = "network"\nhost = "192.168.1.50"\nwidth_mm = 58\n')
    assert (config.host, config.port, config.width_mm) == ("192.168.1.50", 9100, 58)
    printer = open_printer(config)
    assert isinstance(printer, EscposPrinter) and isinstance(printer.transport, NetworkTransport)


def test_usb_section_accepts_hex_integers_and_strings() -> None:
    config = parse('[printer]\ntype = "usb"\nvendor_id = 0x04b8\nproduct_id = "0e15"\n')
    assert (config.vendor_id, config.product_id) == (0x04B8, 0x0E15)
    printer = open_printer(config)
    assert isinstance(printer, EscposPrinter) and isinstance(printer.transport, UsbTransport)


def test_file_section_has_realtime_status_off_by_default() -> None:
    config = parse('[printer]\ntype = "file"\npath = "/dev/usb/lp1"\n')
    assert config.path == "/dev/usb/lp1" and not config.realtime_status
    printer = open_printer(config)
    assert isinstance(printer, EscposPrinter)
    assert isinstance(printer.transport, DeviceFileTransport)


def test_preview_section_with_its_own_folder_and_code_page() -> None:
    config = parse('[printer]\npreview_dir = "tickets"\ncodepage = "CP858"\ntimeout_s = 2\n')
    assert (config.preview_dir, config.codepage, config.timeout_s) == (
        Path("tickets"),
        "cp858",
        2.0,
    )
    assert isinstance(open_printer(config), PreviewPrinter)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('baudrate = "9600"', "printer.baudrate: expected an integer"),
        ("baudrate = true", "printer.baudrate: expected an integer"),
        ("baudrate = 12", "printer.baudrate: expected an integer from 300"),
        ('type = "bluetooth"', "printer.type: expected one of"),
        ("width_mm = 76", "printer.width_mm: expected 80 or 58"),
        ("port = 70000", "printer.port"),
        ('type = "network"', "printer.host: required"),
        ('type = "usb"\nvendor_id = 0x04b8', "printer.product_id: required"),
        ('vendor_id = "epson"', "printer.vendor_id: expected a hexadecimal id"),
        ("vendor_id = 70000", "printer.vendor_id: expected a USB id"),
        ('timeout_s = "1"', "printer.timeout_s: expected a number"),
        ("timeout_s = 0", "printer.timeout_s: expected 0.05 to 30 seconds"),
        ('codepage = "cp999"', "printer.codepage: expected one of cp437"),
        ('realtime_status = "yes"', "printer.realtime_status: expected true or false"),
        ('device = ""', "printer.device: expected a non-empty string"),
        ("logo = 5", "printer.logo: expected a non-empty string"),
        ("baud = 9600", "printer.baud: unknown key"),
    ],
)
def test_bad_values_name_the_key(toml: str, message: str) -> None:
    with pytest.raises(PrinterConfigError, match=message.replace("(", r"\(")):
        parse(f"[printer]\n{toml}\n")


def test_unreadable_logo_fails_when_the_printer_is_opened(tmp_path: Path) -> None:
    config = PrinterConfig(logo=tmp_path / "missing.png", preview_dir=tmp_path)
    with pytest.raises(PrinterConfigError, match=r"printer\.logo: cannot read"):
        open_printer(config)
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("hello")
    with pytest.raises(PrinterConfigError, match="not a readable picture"):
        open_printer(PrinterConfig(logo=not_a_picture, preview_dir=tmp_path))
