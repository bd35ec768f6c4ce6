"""Words on the waiting-room display in Indonesian or English (dates: client.formatting)."""

from __future__ import annotations

from typing import Final

from client.formatting import format_average_wait, format_month, format_score
from client.i18n import DEFAULT_LANGUAGE, Language
from client.protocol import Figures

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
        "figures_wait": "Rata-rata waktu tunggu hari ini {wait}",
        "figures_ikm": "IKM {month}: {ikm} ({grade}, {performance})",
        "grade_A": "Sangat Baik",
        "grade_B": "Baik",
        "grade_C": "Kurang Baik",
        "grade_D": "Tidak Baik",
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
        "figures_wait": "Today's average wait {wait}",
        "figures_ikm": "Satisfaction index (IKM) {month}: {ikm} ({grade}, {performance})",
        "grade_A": "Very good",
        "grade_B": "Good",
        "grade_C": "Fair",
        "grade_D": "Poor",
    },
}


def _language(language: str) -> Language:
    return Language(language) if language in tuple(Language) else DEFAULT_LANGUAGE


def text(key: str, language: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The display text for ``key`` in ``language``, with ``{params}`` filled in."""
    template = TEXTS[_language(language)].get(key) or TEXTS[DEFAULT_LANGUAGE][key]
    return template.format(**params) if params else template


FIGURES_SEPARATOR: Final = " · "
GRADES: Final = frozenset({"A", "B", "C", "D"})


def figures_text(figures: Figures | None, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Rata-rata waktu tunggu hari ini 12 menit · IKM November 2026: 86,45 (B, Baik)";
    "" when there is nothing to show (the office shows no figures, nobody served yet)."""
    if figures is None:
        return ""
    parts = []
    if figures.avg_wait_s_today is not None:
        wait = format_average_wait(figures.avg_wait_s_today, language)
        parts.append(text("figures_wait", language, wait=wait))
    if figures.ikm is not None and figures.ikm_month and figures.grade in GRADES:
        parts.append(
            text(
                "figures_ikm",
                language,
                month=format_month(figures.ikm_month, language),
                ikm=format_score(figures.ikm, language),
                grade=figures.grade,
                performance=text(f"grade_{figures.grade}", language),
            )
        )
    return FIGURES_SEPARATOR.join(parts)
