"""What a mistake in a device section ([kiosk], [counter], [display]) says.

Bahasa Indonesia by default, English with ANTRIAN_LANG=en: the same switch and the same
wording as the server's settings messages. The helpers below (`language_of`, `say`,
`suggestion`, `show_value`) stand in `printer_drivers/config_texts.py` too: that package
imports no other, and importing it from here would load the whole ESC/POS package into the
counter and the display, which print nothing, before their first frame (~26 ms).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

DEFAULT_LANGUAGE = "id"

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "frame": 'Pengaturan salah di [{section}], kunci "{key}": {problem}',
        "frame.section": "Pengaturan salah di [{section}]: {problem}",
        "type": "harus {expected}, tertulis {got}",
        "type.int": "bilangan bulat",
        "type.float": "angka",
        "type.str": "teks dalam tanda kutip",
        "type.bool": "true atau false",
        "type.array": 'daftar seperti ["id"]',
        "type.object": "tabel",
        "type.or": " atau ",
        "timeout": "harus lebih dari 0 dan paling lama {high} detik, tertulis {got}",
        "language": 'harus "id" (Bahasa Indonesia) atau "en" (English), tertulis {got}',
        "unknown_key": 'kunci "{key}" tidak dikenal{suggestion}; yang boleh: {allowed}',
        "suggestion": ' (maksudnya "{key}"?)',
        "not_table": "harus tabel [{section}], tertulis {got}",
        "server_url": 'harus alamat server seperti "http://192.168.1.10:8470", tertulis {got}',
        "server_port": "nomor port salah di {got}",
        "file.missing": "{source}: berkas pengaturan {path} tidak ada",
        "file.toml": "berkas pengaturan {path} bukan TOML yang benar: {error}",
        "file.unreadable": "berkas pengaturan {path} tidak bisa dibaca: {error}",
    },
    "en": {
        "frame": 'Setting error in [{section}], key "{key}": {problem}',
        "frame.section": "Setting error in [{section}]: {problem}",
        "type": "must be {expected}, got {got}",
        "type.int": "a whole number",
        "type.float": "a number",
        "type.str": "text in quotes",
        "type.bool": "true or false",
        "type.array": 'a list such as ["id"]',
        "type.object": "a table",
        "type.or": " or ",
        "timeout": "must be more than 0 and at most {high} seconds, got {got}",
        "language": 'must be "id" (Bahasa Indonesia) or "en" (English), got {got}',
        "unknown_key": 'unknown key "{key}"{suggestion}; allowed: {allowed}',
        "suggestion": ' (did you mean "{key}"?)',
        "not_table": "must be a table [{section}], got {got}",
        "server_url": 'must be a server address such as "http://192.168.1.10:8470", got {got}',
        "server_port": "bad port number in {got}",
        "file.missing": "{source}: no such file: {path}",
        "file.toml": "config file {path} is not valid TOML: {error}",
        "file.unreadable": "config file {path} cannot be read: {error}",
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
    if isinstance(value, list):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    return str(value)
