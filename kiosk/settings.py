"""The kiosk's settings: the [kiosk] and [printer] tables of antrian.toml, validated at start-up."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from client.config import ClientConfig, load_config
from client.errors import ConfigError
from client.i18n import Language
from kiosk.texts import TEXT_KEYS, KioskTexts
from printer_drivers import PrinterConfig, PrinterError, load_printer_config

DEFAULT_CONFIRM_S = 6.0
DEFAULT_PRINTER_POLL_S = 5.0
DEFAULT_IDLE_RESET_S = 60.0

# The kiosk's own keys in [kiosk], besides the common ones (server, token, language, ...).
KIOSK_OPTIONS: Mapping[str, type | tuple[type, ...]] = {
    "fullscreen": bool,
    "hide_cursor": bool,
    "priority": bool,
    "admin_pin": str,
    "confirm_seconds": (int, float),
    "idle_reset_seconds": (int, float),
    "printer_poll_seconds": (int, float),
    "texts": dict,
    "texts_en": dict,
}


@dataclass(frozen=True, slots=True)
class KioskSettings:
    """Everything the kiosk reads from the config file, with the defaults filled in."""

    client: ClientConfig
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    fullscreen: bool = True
    hide_cursor: bool = True
    priority: bool = True
    admin_pin: str | None = None
    confirm_s: float = DEFAULT_CONFIRM_S
    idle_reset_s: float = DEFAULT_IDLE_RESET_S
    printer_poll_s: float = DEFAULT_PRINTER_POLL_S
    text_overrides: Mapping[Language, Mapping[str, str]] = field(default_factory=dict)

    @property
    def language(self) -> Language:
        """The language the kiosk starts in and returns to after each visitor."""
        return self.client.language

    def texts(self) -> KioskTexts:
        """The screen texts with this office's overrides."""
        return KioskTexts(self.text_overrides)


def _seconds(options: Mapping[str, object], key: str, default: float, low: float) -> float:
    value = options.get(key, default)
    assert isinstance(value, int | float)  # load_config checked the type
    if not low <= value <= 3600:
        raise ConfigError(f"kiosk.{key}: expected a number of seconds from {low:g} to 3600")
    return float(value)


def _text_table(options: Mapping[str, object], key: str) -> dict[str, str]:
    table = options.get(key, {})
    assert isinstance(table, dict)
    texts: dict[str, str] = {}
    for name, value in table.items():
        if name not in TEXT_KEYS:
            known = ", ".join(sorted(TEXT_KEYS))
            raise ConfigError(f"kiosk.{key}.{name}: unknown text (known: {known})")
        if not isinstance(value, str):
            raise ConfigError(f"kiosk.{key}.{name}: expected a string")
        texts[name] = value
    return texts


def _printer_table(path: Path | None) -> Mapping[str, object] | None:
    if path is None:
        return None
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as exc:  # load_config read it a moment ago
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    table = document.get("printer")
    if table is not None and not isinstance(table, dict):
        raise ConfigError("printer: expected a table [printer]")
    return table


def load_kiosk_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    search_paths: tuple[Path, ...] | None = None,
) -> KioskSettings:
    """Read [kiosk] and [printer]; a bad value is a ConfigError naming its key."""
    client = load_config(
        "kiosk", path, options=KIOSK_OPTIONS, environ=environ, search_paths=search_paths
    )
    options = client.options
    try:
        printer = load_printer_config(_printer_table(client.path))
    except PrinterError as exc:
        raise ConfigError(str(exc)) from exc
    pin = options.get("admin_pin")
    if pin is not None:
        assert isinstance(pin, str)
        # ASCII only: "١٢٣٤" passes isdigit() but the PIN pad has 0-9 and could never match.
        if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
            raise ConfigError("kiosk.admin_pin: expected 4 to 12 digits (0-9)")
    return KioskSettings(
        client=client,
        printer=printer,
        fullscreen=bool(options.get("fullscreen", True)),
        hide_cursor=bool(options.get("hide_cursor", True)),
        priority=bool(options.get("priority", True)),
        admin_pin=pin if isinstance(pin, str) else None,
        confirm_s=_seconds(options, "confirm_seconds", DEFAULT_CONFIRM_S, 1),
        idle_reset_s=_seconds(options, "idle_reset_seconds", DEFAULT_IDLE_RESET_S, 5),
        printer_poll_s=_seconds(options, "printer_poll_seconds", DEFAULT_PRINTER_POLL_S, 0.2),
        text_overrides={
            Language.INDONESIAN: _text_table(options, "texts"),
            Language.ENGLISH: _text_table(options, "texts_en"),
        },
    )
