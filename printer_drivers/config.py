"""The [printer] table of antrian.toml: its own msgspec schema, into a frozen PrinterConfig."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import msgspec

from printer_drivers import config_texts as texts
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
ENV_LANGUAGE = "ANTRIAN_LANG"


class PrinterSection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The schema of the [printer] table: keys and types; ranges are checked after."""

    type: str = PrinterType.PREVIEW.value
    width_mm: int = 80
    device: str = DEFAULT_SERIAL_DEVICE
    baudrate: int = 9600
    host: str | None = None
    port: int = RAW_PRINT_PORT
    vendor_id: int | str | None = None
    product_id: int | str | None = None
    path: str = DEFAULT_DEVICE_FILE
    preview_dir: str | None = None
    logo: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    codepage: str = "cp437"
    realtime_status: bool | None = None


_UNKNOWN = re.compile(r"^Object contains unknown field `(?P<key>[^`]+)`$")
_EXPECTED = re.compile(r"^Expected `(?P<types>[^`]+)`, got `[^`]+` - at `\$\.(?P<key>\w+)`$")
_TYPE_NAMES = {"int": "type.int", "float": "type.float", "str": "type.str", "bool": "type.bool",
               "object": "type.object"}  # fmt: skip


class _Checker:
    """Says what is wrong with a key of the table, in the configured language."""

    def __init__(self, table: Mapping[str, object], language: str) -> None:
        self.table = table
        self.language = language

    def error(self, key: str, text_id: str, /, **params: object) -> PrinterConfigError:
        problem = texts.say(text_id, self.language, **params)
        return PrinterConfigError(texts.say("frame", self.language, key=key, problem=problem))

    def got(self, key: str) -> str:
        return texts.show_value(self.table.get(key))

    def explain(self, error: msgspec.ValidationError) -> PrinterConfigError:
        message = str(error)
        if match := _UNKNOWN.match(message):
            key = match.group("key")
            allowed = sorted(KNOWN_KEYS)
            problem = texts.say(
                "unknown_key", self.language, key=key, allowed=", ".join(allowed),
                suggestion=texts.suggestion(key, allowed, self.language),
            )  # fmt: skip
            return PrinterConfigError(texts.say("frame.section", self.language, problem=problem))
        if match := _EXPECTED.match(message):
            key = match.group("key")
            names = [
                texts.say(_TYPE_NAMES[name], self.language)
                for name in match.group("types").split(" | ")
                if name in _TYPE_NAMES
            ]
            expected = texts.say("type.or", self.language).join(names)
            return self.error(key, "type", expected=expected, got=self.got(key))
        return PrinterConfigError(f"[printer]: {message}")

    def text(self, key: str, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise self.error(key, "not_empty")
        return value.strip() if value is not None else None

    def within(self, key: str, value: float, low: float, high: float, text_id: str) -> None:
        if not low <= value <= high:
            raise self.error(key, text_id, low=f"{low:g}", high=f"{high:g}", got=self.got(key))


def load_printer_config(
    section: Mapping[str, object] | None,
    default_preview_dir: Path | str = DEFAULT_PREVIEW_DIR,
    language: str | None = None,
) -> PrinterConfig:
    """Parse the [printer] table; empty or missing means a preview printer.

    Raises PrinterConfigError naming the key, in Indonesian (English with ANTRIAN_LANG=en
    or `language="en"`), e.g. 'Pengaturan salah di [printer], kunci "baudrate": …'.
    """
    language = language or texts.language_of(os.environ.get(ENV_LANGUAGE))
    table: Mapping[str, object] = section or {}
    check = _Checker(table if isinstance(table, Mapping) else {}, language)
    if not isinstance(table, Mapping):
        problem = texts.say(
            "type", language, expected=texts.say("type.object", language),
            got=texts.show_value(table),
        )  # fmt: skip
        raise PrinterConfigError(texts.say("frame.section", language, problem=problem))
    try:
        parsed = msgspec.convert(table, PrinterSection)
    except msgspec.ValidationError as exc:
        raise check.explain(exc) from None

    try:
        kind = PrinterType(parsed.type)
    except ValueError:
        choices = ", ".join(f'"{choice.value}"' for choice in PrinterType)
        raise check.error("type", "choice", allowed=choices, got=check.got("type")) from None
    if parsed.width_mm not in PAPERS:
        raise check.error("width_mm", "choice", allowed="80, 58", got=check.got("width_mm"))
    codepage = (check.text("codepage", parsed.codepage) or "").lower().replace("-", "")
    if codepage not in CODEPAGES:
        choices = ", ".join(CODEPAGES)
        raise check.error("codepage", "choice", allowed=choices, got=check.got("codepage"))
    check.within("baudrate", parsed.baudrate, 300, 921600, "range")
    check.within("port", parsed.port, 1, 65535, "range")
    check.within("timeout_s", parsed.timeout_s, MIN_TIMEOUT_S, MAX_TIMEOUT_S, "seconds")
    host = check.text("host", parsed.host)
    vendor_id = _usb_id(check, "vendor_id", parsed.vendor_id)
    product_id = _usb_id(check, "product_id", parsed.product_id)
    if kind is PrinterType.NETWORK and not host:
        hint = texts.say("hint.host", language)
        raise check.error("host", "required", kind=kind.value, hint=hint)
    if kind is PrinterType.USB and (vendor_id is None or product_id is None):
        missing = "vendor_id" if vendor_id is None else "product_id"
        hint = texts.say("hint.usb", language)
        raise check.error(missing, "required", kind=kind.value, hint=hint)
    logo = check.text("logo", parsed.logo)
    preview_dir = check.text("preview_dir", parsed.preview_dir)
    return PrinterConfig(
        type=kind,
        width_mm=parsed.width_mm,
        device=check.text("device", parsed.device) or DEFAULT_SERIAL_DEVICE,
        baudrate=parsed.baudrate,
        host=host,
        port=parsed.port,
        vendor_id=vendor_id,
        product_id=product_id,
        path=check.text("path", parsed.path) or DEFAULT_DEVICE_FILE,
        preview_dir=Path(preview_dir or default_preview_dir),
        logo=Path(logo) if logo else None,
        timeout_s=float(parsed.timeout_s),
        codepage=codepage,
        realtime_status=(
            parsed.realtime_status
            if parsed.realtime_status is not None
            else kind is not PrinterType.FILE
        ),
    )


def _usb_id(check: _Checker, key: str, value: int | str | None) -> int | None:
    """A USB id as TOML integer (0x04b8) or string ("04b8", "0x04b8")."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0x")
        try:
            value = int(text, 16)
        except ValueError:
            raise check.error(key, "usb_hex", got=check.got(key)) from None
    if not 0 <= value <= 0xFFFF:
        raise check.error(key, "usb_range", got=check.got(key))
    return value
