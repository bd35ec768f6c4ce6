"""Words on the waiting-room display in Indonesian or English (dates: client.formatting)."""

from __future__ import annotations

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
        "closed": "Tutup",
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
        "closed": "Closed",
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


def _language(language: str) -> Language:
    return Language(language) if language in tuple(Language) else DEFAULT_LANGUAGE


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The display text for ``key`` in ``language``, with ``{params}`` filled in."""
    template = TEXTS[_language(language)].get(key) or TEXTS[DEFAULT_LANGUAGE][key]
    return template.format(**params) if params else template
