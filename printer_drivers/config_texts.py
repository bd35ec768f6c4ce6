"""What a mistake in the [printer] section says: Bahasa Indonesia, or English with ANTRIAN_LANG=en.

The wording follows the server's and the device sections' messages; this package keeps
its own copy because it imports no other package of the project.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

DEFAULT_LANGUAGE = "id"

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "frame": 'Pengaturan salah di [printer], kunci "{key}": {problem}',
        "frame.section": "Pengaturan salah di [printer]: {problem}",
        "type": "harus {expected}, tertulis {got}",
        "type.int": "bilangan bulat",
        "type.float": "angka",
        "type.str": "teks dalam tanda kutip",
        "type.bool": "true atau false",
        "type.object": "tabel",
        "type.or": " atau ",
        "range": "harus {low} sampai {high}, tertulis {got}",
        "seconds": "harus {low} sampai {high} detik, tertulis {got}",
        "choice": "harus salah satu dari {allowed}, tertulis {got}",
        "not_empty": "tidak boleh kosong",
        "unknown_key": 'kunci "{key}" tidak dikenal{suggestion}; yang boleh: {allowed}',
        "suggestion": ' (maksudnya "{key}"?)',
        "required": 'wajib diisi untuk type = "{kind}"{hint}',
        "hint.host": ' (alamat IP printer, misalnya host = "192.168.1.50")',
        "hint.usb": " (lihat lsusb, misalnya vendor_id = 0x04b8, product_id = 0x0e15)",
        "usb_hex": 'harus id heksadesimal seperti 0x04b8 atau "04b8", tertulis {got}',
        "usb_range": "harus id USB dari 0x0000 sampai 0xffff, tertulis {got}",
    },
    "en": {
        "frame": 'Setting error in [printer], key "{key}": {problem}',
        "frame.section": "Setting error in [printer]: {problem}",
        "type": "must be {expected}, got {got}",
        "type.int": "a whole number",
        "type.float": "a number",
        "type.str": "text in quotes",
        "type.bool": "true or false",
        "type.object": "a table",
        "type.or": " or ",
        "range": "must be {low} to {high}, got {got}",
        "seconds": "must be {low} to {high} seconds, got {got}",
        "choice": "must be one of {allowed}, got {got}",
        "not_empty": "must not be empty",
        "unknown_key": 'unknown key "{key}"{suggestion}; allowed: {allowed}',
        "suggestion": ' (did you mean "{key}"?)',
        "required": 'is required with type = "{kind}"{hint}',
        "hint.host": ' (the printer\'s IP address, e.g. host = "192.168.1.50")',
        "hint.usb": " (see lsusb, e.g. vendor_id = 0x04b8, product_id = 0x0e15)",
        "usb_hex": 'must be a hexadecimal id such as 0x04b8 or "04b8", got {got}',
        "usb_range": "must be a USB id from 0x0000 to 0xffff, got {got}",
    },
}


def language_of(value: str | None) -> str:
    """ "en", "en_US.UTF-8" -> "en"; anything else (or nothing) -> Indonesian."""
    return "en" if (value or "").strip().lower().startswith("en") else DEFAULT_LANGUAGE


def say(text_id: str, language: str, /, **params: object) -> str:
    texts = TEXTS.get(language, TEXTS[DEFAULT_LANGUAGE])
    return texts.get(text_id, TEXTS[DEFAULT_LANGUAGE][text_id]).format(**params)


def suggestion(key: str, allowed: Sequence[str], language: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return say("suggestion", language, key=close[0]) if close else ""


def show_value(value: object) -> str:
    """A value as it is written in TOML, for "tertulis …"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{ … }"
    return str(value)
