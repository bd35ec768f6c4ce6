"""What a settings mistake says, in Bahasa Indonesia (default) and English.

A problem is found at a key path (`("counters", 2, "services")`); the message names the
place as people know it ("Loket 3", "Layanan B"), says what is wrong and, where it can,
how to fix it.
"""
# ruff: noqa: E501  (a text catalogue: one message a line reads best)

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

Path = tuple[str | int, ...]
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
ARRAYS = ("services", "counters", "breaks", "holidays")

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "frame": "Pengaturan salah di {where}: {problem}",
        "frame.file": "Pengaturan salah: {problem}",
        "key": '{place}, kunci "{key}"',
        "section": "[{section}]",
        "array": "[[{section}]]",
        "service": "Layanan {code}",
        "service.nth": "layanan ke-{nth} di [[services]]",
        "counter": "Loket {number}",
        "counter.nth": "loket ke-{nth} di [[counters]]",
        "break": 'istirahat "{name}"',
        "break.nth": "istirahat ke-{nth} di [[breaks]]",
        "holiday": "hari libur {date}",
        "holiday.nth": "hari libur ke-{nth} di [[holidays]]",
        "type": "harus {expected}, tertulis {got}",
        "type.int": "bilangan bulat",
        "type.float": "angka",
        "type.str": "teks dalam tanda kutip",
        "type.bool": "true atau false",
        "type.array": 'daftar seperti ["A", "B"]',
        "type.object": "tabel",
        "type.date": "tanggal seperti 2026-12-25",
        "type.or": " atau ",
        "at_least": "harus paling kecil {limit}, tertulis {got}",
        "at_most": "harus paling besar {limit}, tertulis {got}",
        "above": "harus lebih dari {limit}, tertulis {got}",
        "not_empty": "tidak boleh kosong",
        "nip": 'NIP "{value}" harus 18 angka (spasi boleh), misalnya "19800101 200501 1 001"',
        "logo": 'logo "{value}" harus nama berkas PNG atau JPEG di folder data, misalnya "logo.png"',
        "missing": 'kunci "{key}" wajib diisi{hint}',
        "missing.hint.code": ' (satu huruf kapital, misalnya code = "A")',
        "missing.hint.name": ' (nama yang dibaca pengunjung, misalnya name = "Administrasi Kependudukan")',
        "missing.hint.number": " (nomor loket, misalnya number = 3)",
        "missing.hint.services": ' (kode layanan yang dipanggil loket ini, misalnya services = ["A"])',
        "missing.hint.start": ' (jam mulai, misalnya start = "11:30")',
        "missing.hint.end": ' (jam selesai, misalnya end = "13:00")',
        "missing.hint.date": " (misalnya date = 2026-12-25)",
        "unknown_key": 'kunci "{key}" tidak dikenal{suggestion}; yang boleh: {allowed}',
        "unknown_section": "bagian [{key}] tidak dikenal{suggestion}; yang ada: {allowed}",
        "suggestion": ' (maksudnya "{key}"?)',
        "choice": "{got} bukan salah satu dari {allowed}{suggestion}",
        "empty_list": "daftar ini tidak boleh kosong",
        "counter.no_services": 'loket harus melayani minimal satu layanan, misalnya services = ["A"]',
        "timezone": 'zona waktu "{value}" tidak dikenal; pakai nama seperti "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) atau "Asia/Jayapura" (WIT)',
        "timezone.hint": 'zona waktu "{value}" tidak dikenal; maksudnya "{zone}"?',
        "time_range": '"{value}" bukan rentang jam seperti "08:00-15:00" (atau "08.00-15.00"); tulis "closed" untuk hari tutup',
        "time": '"{value}" bukan jam seperti "11:30" (atau "11.30")',
        "time.impossible": '"{value}" memuat jam yang tidak ada',
        "time.after_midnight": '"{value}" selesai setelah 24:00',
        "time.backwards": '"{value}" selesai sebelum mulai',
        "break.backwards": "istirahat selesai ({end}) sebelum mulai ({start})",
        "code": '"{value}" bukan satu huruf kapital A–Z{hint}',
        "code.hint": ' (maksudnya "{code}"?)',
        "code.twice": 'kode "{code}" dipakai dua kali di [[services]]',
        "counter.twice": "nomor loket {number} dipakai dua kali di [[counters]]",
        "holiday.twice": "tanggal {date} tercantum dua kali di [[holidays]]",
        "unknown_service": 'layanan "{code}" tidak ada di [[services]]; yang ada: {known}',
        "no_services": "minimal satu layanan [[services]] diperlukan",
        "no_counters": "minimal satu loket [[counters]] diperlukan",
        "env.number": '{name}: harus angka, tertulis "{value}"',
        "public_port.same": "{port} sama dengan port server: alamat publik untuk ponsel tamu harus memakai port lain (misalnya public_port = 8471)",
        "city.url": 'url "{value}" bukan alamat http:// atau https:// antrian-central, misalnya "https://10.0.0.5:8480"',
        "city.token": "token wajib diisi bila url diisi (token kantor dari: antrian-central office add NAMA)",
        "city.ca_file": "berkas CA {value} tidak ada atau tidak bisa dibaca",
        "file.missing": "berkas pengaturan {path} tidak ada",
        "file.toml": "berkas pengaturan {path} bukan TOML yang benar: {error}",
        "file.unreadable": "berkas pengaturan {path} tidak bisa dibaca: {error}",
        "holidays.csv.header": '{path}: baris pertama harus judul kolom "date,name" (tanggal,nama)',
        "holidays.csv.row": "{path} baris {line}: {problem}",
        "holidays.date": '"{value}" bukan tanggal seperti 2027-01-01 atau "1 Januari 2027"',
        "holidays.name": "nama hari libur kosong",
        "holidays.format": "{path}: berkas daftar libur harus .csv atau .toml",
        "holidays.source": "{count} hari libur dari {name}",
        "holidays.skipped": "{count} tanggal sudah ada di pengaturan, tidak ditulis lagi",
        "check.ok": "Pengaturan benar: {services} layanan, {counters} loket, {holidays} hari libur",
    },
    "en": {
        "frame": "Setting error in {where}: {problem}",
        "frame.file": "Setting error: {problem}",
        "key": '{place}, key "{key}"',
        "section": "[{section}]",
        "array": "[[{section}]]",
        "service": "Service {code}",
        "service.nth": "service no. {nth} in [[services]]",
        "counter": "Counter (loket) {number}",
        "counter.nth": "counter no. {nth} in [[counters]]",
        "break": 'break "{name}"',
        "break.nth": "break no. {nth} in [[breaks]]",
        "holiday": "holiday {date}",
        "holiday.nth": "holiday no. {nth} in [[holidays]]",
        "type": "must be {expected}, got {got}",
        "type.int": "a whole number",
        "type.float": "a number",
        "type.str": "text in quotes",
        "type.bool": "true or false",
        "type.array": 'a list such as ["A", "B"]',
        "type.object": "a table",
        "type.date": "a date such as 2026-12-25",
        "type.or": " or ",
        "at_least": "must be at least {limit}, got {got}",
        "at_most": "must be at most {limit}, got {got}",
        "above": "must be more than {limit}, got {got}",
        "not_empty": "must not be empty",
        "nip": 'NIP "{value}" must be 18 digits (spaces allowed), e.g. "19800101 200501 1 001"',
        "logo": 'logo "{value}" must be the name of a PNG or JPEG file in the data folder, e.g. "logo.png"',
        "missing": '"{key}" is required{hint}',
        "missing.hint.code": ' (one capital letter, e.g. code = "A")',
        "missing.hint.name": ' (the name visitors read, e.g. name = "Administrasi Kependudukan")',
        "missing.hint.number": " (the counter number, e.g. number = 3)",
        "missing.hint.services": ' (the codes of the services this counter calls, e.g. services = ["A"])',
        "missing.hint.start": ' (start time, e.g. start = "11:30")',
        "missing.hint.end": ' (end time, e.g. end = "13:00")',
        "missing.hint.date": " (e.g. date = 2026-12-25)",
        "unknown_key": 'unknown key "{key}"{suggestion}; allowed: {allowed}',
        "unknown_section": "unknown section [{key}]{suggestion}; known: {allowed}",
        "suggestion": ' (did you mean "{key}"?)',
        "choice": "{got} is not one of {allowed}{suggestion}",
        "empty_list": "this list must not be empty",
        "counter.no_services": 'a counter must serve at least one service, e.g. services = ["A"]',
        "timezone": 'unknown time zone "{value}"; use a name such as "Asia/Jakarta" (WIB), "Asia/Makassar" (WITA) or "Asia/Jayapura" (WIT)',
        "timezone.hint": 'unknown time zone "{value}"; did you mean "{zone}"?',
        "time_range": '"{value}" is not a time range such as "08:00-15:00" (or "08.00-15.00"); write "closed" for a closed day',
        "time": '"{value}" is not a time such as "11:30" (or "11.30")',
        "time.impossible": '"{value}" has a time that does not exist',
        "time.after_midnight": '"{value}" ends after 24:00',
        "time.backwards": '"{value}" ends before it starts',
        "break.backwards": "the break ends ({end}) before it starts ({start})",
        "code": '"{value}" is not one capital letter A–Z{hint}',
        "code.hint": ' (did you mean "{code}"?)',
        "code.twice": 'code "{code}" is used twice in [[services]]',
        "counter.twice": "counter number {number} is used twice in [[counters]]",
        "holiday.twice": "the date {date} is listed twice in [[holidays]]",
        "unknown_service": 'service "{code}" is not defined in [[services]]; defined: {known}',
        "no_services": "at least one [[services]] entry is needed",
        "no_counters": "at least one [[counters]] entry is needed",
        "env.number": '{name}: must be a number, got "{value}"',
        "public_port.same": "{port} is the server's port too: the public address for guests' phones needs another port (e.g. public_port = 8471)",
        "city.url": 'url "{value}" is not an http:// or https:// address of antrian-central, e.g. "https://10.0.0.5:8480"',
        "city.token": "token is required when url is set (the office token from: antrian-central office add NAME)",
        "city.ca_file": "CA file {value} does not exist or cannot be read",
        "file.missing": "config file {path} not found",
        "file.toml": "config file {path} is not valid TOML: {error}",
        "file.unreadable": "config file {path} cannot be read: {error}",
        "holidays.csv.header": '{path}: the first line must be the column titles "date,name"',
        "holidays.csv.row": "{path} line {line}: {problem}",
        "holidays.date": '"{value}" is not a date such as 2027-01-01 or "1 Januari 2027"',
        "holidays.name": "the holiday has no name",
        "holidays.format": "{path}: a holiday list must be a .csv or .toml file",
        "holidays.source": "{count} holidays from {name}",
        "holidays.skipped": "{count} dates are in the settings already and were left out",
        "check.ok": "Settings are valid: {services} services, {counters} counters, {holidays} holidays",
    },
}

# Indonesian (and other likely) words people write for a key; checked before spelling.
KEY_ALIASES = {
    "nama": "name", "zona_waktu": "timezone", "zona": "timezone", "kuota": "quota",
    "layanan": "services", "loket": "counters", "libur": "holidays", "istirahat": "breaks",
    "jam": "hours", "hari": "days", "mulai": "start", "selesai": "end", "kode": "code",
    "nomor": "number", "biaya": "fee", "tarif": "fee", "persyaratan": "requirements",
    "syarat": "requirements", "tanggal": "date", "deskripsi": "description",
    "keterangan": "description", "prioritas": "priority", "waktu_penyelesaian": "completion_time",
    "senin": "mon", "selasa": "tue", "rabu": "wed", "kamis": "thu", "jumat": "fri",
    "jum'at": "fri", "sabtu": "sat", "minggu": "sun", "ahad": "sun", "service": "services",
    "counter": "counters", "holiday": "holidays", "break": "breaks",
}  # fmt: skip
ZONE_ALIASES = {
    "wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura",
    "jakarta": "Asia/Jakarta", "makassar": "Asia/Makassar", "jayapura": "Asia/Jayapura",
    "asia": "Asia/Jakarta", "indonesia": "Asia/Jakarta", "utc+7": "Asia/Jakarta",
    "utc+07:00": "Asia/Jakarta", "gmt+7": "Asia/Jakarta", "+07:00": "Asia/Jakarta",
    "utc+8": "Asia/Makassar", "gmt+8": "Asia/Makassar", "+08:00": "Asia/Makassar",
    "utc+9": "Asia/Jayapura", "gmt+9": "Asia/Jayapura", "+09:00": "Asia/Jayapura",
    "pontianak": "Asia/Pontianak", "denpasar": "Asia/Makassar", "bali": "Asia/Makassar",
}  # fmt: skip


def language_of(value: str | None) -> str:
    """ "en", "en_US.UTF-8" -> "en"; anything else (or nothing) -> Indonesian."""
    return "en" if (value or "").strip().lower().startswith("en") else DEFAULT_LANGUAGE


def say(text_id: str, language: str, /, **params: object) -> str:
    texts = TEXTS.get(language, TEXTS[DEFAULT_LANGUAGE])
    return texts.get(text_id, TEXTS[DEFAULT_LANGUAGE][text_id]).format(**params)


def suggest_key(key: str, allowed: Sequence[str]) -> str | None:
    """The key that was probably meant: a known Indonesian word, else a close spelling."""
    alias = KEY_ALIASES.get(key.strip().lower())
    if alias in allowed:
        return alias
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(key: str, allowed: Sequence[str], language: str) -> str:
    found = suggest_key(key, allowed)
    return say("suggestion", language, key=found) if found else ""


def suggest_zone(value: str) -> str | None:
    return ZONE_ALIASES.get(value.strip().lower().replace(" ", ""))


def show_value(value: Any) -> str:
    """A value as it is written in TOML, for "tertulis …"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # escaped as TOML writes a basic string: a line break stays on the message's line
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date | datetime | time | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{ … }"
    return repr(value)


def lookup(document: Any, path: Path) -> Any:
    """The value at `path` in the parsed document, or None when it is not there."""
    value = document
    for step in path:
        if isinstance(step, int):
            if not isinstance(value, list | tuple) or step >= len(value):
                return None
        elif not isinstance(value, Mapping) or step not in value:
            return None
        value = value[step]
    return value


def place(document: Any, path: Path, language: str) -> tuple[str, Path]:
    """How people name the table at the start of `path`, and the rest of the path."""
    if not path:
        return "", ()
    section = str(path[0])
    if len(path) >= 2 and isinstance(path[1], int):
        index = path[1]
        entry = lookup(document, path[:2])
        entry = entry if isinstance(entry, Mapping) else {}
        nth = index + 1
        if section == "services":
            code = entry.get("code")
            if isinstance(code, str) and code.strip():
                return say("service", language, code=code), path[2:]
            return say("service.nth", language, nth=nth), path[2:]
        if section == "counters":
            number = entry.get("number")
            if isinstance(number, int) and not isinstance(number, bool):
                return say("counter", language, number=number), path[2:]
            return say("counter.nth", language, nth=nth), path[2:]
        if section == "breaks":
            name = entry.get("name")
            if isinstance(name, str) and name.strip():
                return say("break", language, name=name), path[2:]
            return say("break.nth", language, nth=nth), path[2:]
        if section == "holidays":
            day = entry.get("date")
            if isinstance(day, date | str) and str(day).strip():
                return say("holiday", language, date=day), path[2:]
            return say("holiday.nth", language, nth=nth), path[2:]
    if section in ARRAYS:
        return say("array", language, section=section), path[1:]
    return say("section", language, section=section), path[1:]


def where(document: Any, path: Path, language: str) -> str:
    """ "Loket 3, kunci "services"" for ("counters", 2, "services")."""
    name, rest = place(document, path, language)
    while rest and isinstance(rest[-1], int):
        rest = rest[:-1]  # the message quotes the list item itself
    keys = [str(step) if isinstance(step, str) else f"[{step + 1}]" for step in rest]
    key = ".".join(keys).replace(".[", "[")
    return say("key", language, place=name, key=key) if key else name


def dotted(path: Path) -> str:
    """The machine form of a key path: ("counters", 2, "services") -> "counters[2].services"."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
