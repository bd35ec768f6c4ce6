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


FRAME = "Pengaturan salah di [printer], kunci "


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('baudrate = "9600"', FRAME + '"baudrate": harus bilangan bulat, tertulis "9600"'),
        ("baudrate = true", FRAME + '"baudrate": harus bilangan bulat, tertulis true'),
        ("baudrate = 12", FRAME + '"baudrate": harus 300 sampai 921600, tertulis 12'),
        (
            'type = "bluetooth"',
            FRAME + '"type": harus salah satu dari "preview", "serial", "network", "usb",'
            ' "file", tertulis "bluetooth"',
        ),
        ("width_mm = 76", FRAME + '"width_mm": harus salah satu dari 80, 58, tertulis 76'),
        ("port = 70000", FRAME + '"port": harus 1 sampai 65535, tertulis 70000'),
        (
            'type = "network"',
            FRAME + '"host": wajib diisi untuk type = "network" (alamat IP printer, misalnya'
            ' host = "192.168.1.50")',
        ),
        (
            'type = "usb"\nvendor_id = 0x04b8',
            FRAME + '"product_id": wajib diisi untuk type = "usb" (lihat lsusb, misalnya'
            " vendor_id = 0x04b8, product_id = 0x0e15)",
        ),
        (
            'vendor_id = "epson"',
            FRAME + '"vendor_id": harus id heksadesimal seperti 0x04b8 atau "04b8", tertulis'
            ' "epson"',
        ),
        (
            "vendor_id = 70000",
            FRAME + '"vendor_id": harus id USB dari 0x0000 sampai 0xffff, tertulis 70000',
        ),
        (
            "vendor_id = true",
            FRAME + '"vendor_id": harus bilangan bulat atau teks dalam tanda kutip, tertulis true',
        ),
        ('timeout_s = "1"', FRAME + '"timeout_s": harus angka, tertulis "1"'),
        ("timeout_s = 0", FRAME + '"timeout_s": harus 0.05 sampai 30 detik, tertulis 0'),
        (
            'codepage = "cp999"',
            FRAME + '"codepage": harus salah satu dari cp437, cp850, cp858, cp1252, tertulis'
            ' "cp999"',
        ),
        (
            'realtime_status = "yes"',
            FRAME + '"realtime_status": harus true atau false, tertulis "yes"',
        ),
        ('device = ""', FRAME + '"device": tidak boleh kosong'),
        ("logo = 5", FRAME + '"logo": harus teks dalam tanda kutip, tertulis 5'),
        (
            "baud = 9600",
            'Pengaturan salah di [printer]: kunci "baud" tidak dikenal (maksudnya "baudrate"?);'
            " yang boleh: baudrate, codepage, device, host, logo, path, port, preview_dir,"
            " product_id, realtime_status, timeout_s, type, vendor_id, width_mm",
        ),
    ],
)
def test_bad_values_name_the_key(toml: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTRIAN_LANG", raising=False)
    with pytest.raises(PrinterConfigError) as raised:
        parse(f"[printer]\n{toml}\n")
    assert str(raised.value) == message


def test_messages_are_in_english_with_antrian_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTRIAN_LANG", "en")
    with pytest.raises(PrinterConfigError) as raised:
        parse('[printer]\ntype = "network"\n')
    assert str(raised.value) == (
        'Setting error in [printer], key "host": is required with type = "network"'
        ' (the printer\'s IP address, e.g. host = "192.168.1.50")'
    )
    with pytest.raises(PrinterConfigError) as raised:
        load_printer_config({"baudrate": 12}, language="en")
    assert str(raised.value) == (
        'Setting error in [printer], key "baudrate": must be 300 to 921600, got 12'
    )


def test_unreadable_logo_fails_when_the_printer_is_opened(tmp_path: Path) -> None:
    config = PrinterConfig(logo=tmp_path / "missing.png", preview_dir=tmp_path)
    with pytest.raises(PrinterConfigError, match=r"printer\.logo: cannot read"):
        open_printer(config)
    not_a_picture = tmp_path / "logo.png"
    not_a_picture.write_text("hello")
    with pytest.raises(PrinterConfigError, match="not a readable picture"):
        open_printer(PrinterConfig(logo=not_a_picture, preview_dir=tmp_path))
