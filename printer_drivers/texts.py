"""Ticket wording in Bahasa Indonesia and English, and the date and wait formats."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from printer_drivers.ticket import Language

MAX_SHOWN_WAIT_HOURS = 12


@dataclass(frozen=True, slots=True)
class TicketTexts:
    """The fixed words printed on a ticket in one language."""

    queue_number: str
    priority: str
    people_ahead: str
    estimated_wait: str
    scan_to_check: str
    please_wait: str
    about: str
    less_than_a_minute: str
    more_than: str
    minute: str
    minutes: str
    hour: str
    hours: str
    weekdays: tuple[str, ...]
    months: tuple[str, ...]


INDONESIAN = TicketTexts(
    queue_number="Nomor Antrian",
    priority="Prioritas",
    people_ahead="Orang di depan Anda",
    estimated_wait="Perkiraan waktu tunggu",
    scan_to_check="Pindai untuk melihat status antrian",
    please_wait="Silakan menunggu panggilan",
    about="±",
    less_than_a_minute="kurang dari 1 menit",
    more_than="lebih dari",
    minute="menit",
    minutes="menit",
    hour="jam",
    hours="jam",
    weekdays=("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    months=(
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
)

ENGLISH = TicketTexts(
    queue_number="Queue Number",
    priority="Priority",
    people_ahead="People ahead of you",
    estimated_wait="Estimated wait",
    scan_to_check="Scan to check your place in the queue",
    please_wait="Please wait to be called",
    about="about",
    less_than_a_minute="less than 1 minute",
    more_than="more than",
    minute="minute",
    minutes="minutes",
    hour="hour",
    hours="hours",
    weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    months=(
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
)

TEXTS: dict[Language, TicketTexts] = {Language.INDONESIAN: INDONESIAN, Language.ENGLISH: ENGLISH}


def texts_for(language: Language | str) -> TicketTexts:
    """The wording for a language."""
    return TEXTS[Language(language)]


def format_issued_at(moment: datetime, texts: TicketTexts) -> str:
    """'Senin, 2 Juni 2025 08:15 WIB': weekday, date, time and the zone's abbreviation."""
    weekday = texts.weekdays[moment.weekday()]
    month = texts.months[moment.month - 1]
    zone = moment.tzname() or ""
    if not zone.isalpha():
        zone = ""  # zones without an abbreviation give "+07"; leave it out
    clock = f"{moment:%H:%M}"
    return f"{weekday}, {moment.day} {month} {moment.year} {clock} {zone}".rstrip()


def format_wait(seconds: int, texts: TicketTexts) -> str:
    """'± 25 menit', '± 1 jam 20 menit', 'kurang dari 1 menit', 'lebih dari 12 jam'."""
    if seconds < 60:
        return texts.less_than_a_minute
    if seconds > MAX_SHOWN_WAIT_HOURS * 3600:
        return f"{texts.more_than} {MAX_SHOWN_WAIT_HOURS} {texts.hours}"
    total_minutes = math.ceil(seconds / 60)
    hours, minutes = divmod(total_minutes, 60)
    parts: list[str] = []
    if hours:
        parts.append(f"{hours} {texts.hour if hours == 1 else texts.hours}")
    if minutes:
        parts.append(f"{minutes} {texts.minute if minutes == 1 else texts.minutes}")
    return f"{texts.about} {' '.join(parts)}"
