"""Words on the waiting-room display, and its date and clock formats, in Indonesian or English."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from client.i18n import DEFAULT_LANGUAGE, Language

TEXTS: Final[dict[Language, dict[str, str]]] = {
    Language.INDONESIAN: {
        "now_calling": "NOMOR ANTRIAN",
        "counter": "LOKET {number}",
        "counter_short": "Loket {number}",
        "recent_calls": "PANGGILAN TERAKHIR",
        "no_call_yet": "—",
        "waiting_title": "ANTRIAN MENUNGGU",
        "waiting_count": "{count} menunggu",
        "paused": "istirahat",
        "closed": "tutup",
        "recall": "PANGGILAN ULANG",
        "reconnecting": "menyambung ulang…",
        "token_rejected": (
            "token layar ditolak server — buat token baru: "
            "antrian-server token create --role display"
        ),
        "searching": "mencari server antrian…",
        "unavailable": "server antrian tidak terjangkau, mencoba lagi…",
        "welcome": "Selamat datang",
        "no_calls_today": "Belum ada panggilan",
    },
    Language.ENGLISH: {
        "now_calling": "NOW CALLING",
        "counter": "COUNTER {number}",
        "counter_short": "Counter {number}",
        "recent_calls": "RECENT CALLS",
        "no_call_yet": "—",
        "waiting_title": "WAITING",
        "waiting_count": "{count} waiting",
        "paused": "on break",
        "closed": "closed",
        "recall": "CALLED AGAIN",
        "reconnecting": "reconnecting…",
        "token_rejected": (
            "the server refuses this display's token — create one: "
            "antrian-server token create --role display"
        ),
        "searching": "looking for the queue server…",
        "unavailable": "queue server unreachable, trying again…",
        "welcome": "Welcome",
        "no_calls_today": "No calls yet",
    },
}

WEEKDAYS: Final[dict[Language, tuple[str, ...]]] = {
    Language.INDONESIAN: ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    Language.ENGLISH: (
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ),
}

MONTHS: Final[dict[Language, tuple[str, ...]]] = {
    Language.INDONESIAN: (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    Language.ENGLISH: (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

# Indonesia's three time zones, by the zone names an office may configure.
ZONE_ABBREVIATIONS: Final[dict[str, str]] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def _language(language: str) -> Language:
    return Language(language) if language in tuple(Language) else DEFAULT_LANGUAGE


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The display text for ``key`` in ``language``, with ``{params}`` filled in."""
    template = TEXTS[_language(language)].get(key) or TEXTS[DEFAULT_LANGUAGE][key]
    return template.format(**params) if params else template


def format_date(moment: datetime, language: str = DEFAULT_LANGUAGE) -> str:
    """A date as the display shows it: "Selasa, 24 November 2026"."""
    chosen = _language(language)
    weekday = WEEKDAYS[chosen][moment.weekday()]
    month = MONTHS[chosen][moment.month - 1]
    return f"{weekday}, {moment.day} {month} {moment.year}"


def format_clock(
    moment: datetime, timezone_name: str | None = None, language: str = DEFAULT_LANGUAGE
) -> str:
    """The time of day, "09.15 WIB" in Indonesian ("09:15" in English), with the zone if known."""
    separator = ":" if _language(language) is Language.ENGLISH else "."
    clock = f"{moment.hour:02d}{separator}{moment.minute:02d}"
    abbreviation = ZONE_ABBREVIATIONS.get(timezone_name or "")
    return f"{clock} {abbreviation}" if abbreviation else clock
