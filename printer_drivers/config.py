"""The [printer] table of antrian.toml, parsed into a frozen PrinterConfig."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from printer_drivers.charset import CODEPAGES
from printer_drivers.errors import PrinterConfigError
from printer_drivers.layout import PAPERS
from printer_drivers.network import RAW_PRINT_PORT

DEFAULT_PREVIEW_DIR = Path("ticket-previews")
DEFAULT_SERIAL_DEVICE = "/dev/ttyUSB0"
DEFAULT_DEVICE_FILE = "/dev/usb/lp0"
DEFAULT_TIMEOUT_S = 1.0
MIN_TIMEOUT_S = 0.05
MAX_TIMEOUT_S = 30.0


class PrinterType(StrEnum):
    """How the printer is connected."""

    PREVIEW = "preview"
    SERIAL = "serial"
    NETWORK = "network"
    USB = "usb"
    FILE = "file"


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    """Connection and paper settings of the kiosk's ticket printer."""

    type: PrinterType = PrinterType.PREVIEW
    width_mm: int = 80
    device: str = DEFAULT_SERIAL_DEVICE
    baudrate: int = 9600
    host: str | None = None
    port: int = RAW_PRINT_PORT
    vendor_id: int | None = None
    product_id: int | None = None
    path: str = DEFAULT_DEVICE_FILE
    preview_dir: Path = field(default=DEFAULT_PREVIEW_DIR)
    logo: Path | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    codepage: str = "cp437"
    realtime_status: bool = True


KNOWN_KEYS = frozenset(PrinterConfig.__dataclass_fields__)


def load_printer_config(
    section: Mapping[str, object] | None,
    default_preview_dir: Path | str = DEFAULT_PREVIEW_DIR,
) -> PrinterConfig:
    """Parse the [printer] table; empty or missing means a preview printer.

    Raises PrinterConfigError naming the key, e.g. "printer.baudrate: expected an integer".
    """
    table: Mapping[str, object] = section or {}
    if not isinstance(table, Mapping):
        raise PrinterConfigError("printer: expected a table")
    for key in table:
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise PrinterConfigError(f"printer.{key}: unknown key (known keys: {known})")

    kind_text = _string(table, "type", PrinterType.PREVIEW.value)
    try:
        kind = PrinterType(kind_text)
    except ValueError:
        choices = ", ".join(f'"{choice.value}"' for choice in PrinterType)
        raise PrinterConfigError(f"printer.type: expected one of {choices}") from None
    width_mm = _integer(table, "width_mm", 80)
    if width_mm not in PAPERS:
        raise PrinterConfigError("printer.width_mm: expected 80 or 58")
    codepage = _string(table, "codepage", "cp437").lower().replace("-", "")
    if codepage not in CODEPAGES:
        raise PrinterConfigError(f"printer.codepage: expected one of {', '.join(CODEPAGES)}")
    host = _optional_string(table, "host")
    vendor_id = _usb_id(table, "vendor_id")
    product_id = _usb_id(table, "product_id")
    if kind is PrinterType.NETWORK and not host:
        raise PrinterConfigError('printer.host: required when type = "network"')
    if kind is PrinterType.USB and (vendor_id is None or product_id is None):
        missing = "vendor_id" if vendor_id is None else "product_id"
        raise PrinterConfigError(f'printer.{missing}: required when type = "usb"')
    logo = _optional_string(table, "logo")
    return PrinterConfig(
        type=kind,
        width_mm=width_mm,
        device=_string(table, "device", DEFAULT_SERIAL_DEVICE),
        baudrate=_integer(table, "baudrate", 9600, minimum=300, maximum=921600),
        host=host,
        port=_integer(table, "port", RAW_PRINT_PORT, minimum=1, maximum=65535),
        vendor_id=vendor_id,
        product_id=product_id,
        path=_string(table, "path", DEFAULT_DEVICE_FILE),
        preview_dir=Path(_string(table, "preview_dir", str(default_preview_dir))),
        logo=Path(logo) if logo else None,
        timeout_s=_number(table, "timeout_s", DEFAULT_TIMEOUT_S),
        codepage=codepage,
        realtime_status=_boolean(table, "realtime_status", kind is not PrinterType.FILE),
    )


def _string(table: Mapping[str, object], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise PrinterConfigError(f"printer.{key}: expected a non-empty string")
    return value.strip()


def _optional_string(table: Mapping[str, object], key: str) -> str | None:
    if key not in table:
        return None
    return _string(table, key, "")


def _integer(
    table: Mapping[str, object],
    key: str,
    default: int,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise PrinterConfigError(f"printer.{key}: expected an integer")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise PrinterConfigError(f"printer.{key}: expected an integer from {minimum} to {maximum}")
    return value


def _number(table: Mapping[str, object], key: str, default: float) -> float:
    value = table.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise PrinterConfigError(f"printer.{key}: expected a number of seconds")
    if not MIN_TIMEOUT_S <= value <= MAX_TIMEOUT_S:
        raise PrinterConfigError(
            f"printer.{key}: expected {MIN_TIMEOUT_S:g} to {MAX_TIMEOUT_S:g} seconds"
        )
    return float(value)


def _boolean(table: Mapping[str, object], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise PrinterConfigError(f"printer.{key}: expected true or false")
    return value


def _usb_id(table: Mapping[str, object], key: str) -> int | None:
    """A USB id as TOML integer (0x04b8) or string ("04b8", "0x04b8")."""
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0x")
        try:
            value = int(text, 16)
        except ValueError:
            raise PrinterConfigError(
                f'printer.{key}: expected a hexadecimal id such as 0x04b8 or "04b8"'
            ) from None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 0xFFFF:
        raise PrinterConfigError(f"printer.{key}: expected a USB id from 0x0000 to 0xffff")
    return value
