"""Dates, times, numbers and waits as people read them, in Indonesian and English (Babel).

The one place these are formatted: the kiosk's screen, the printed ticket (the kiosk
hands the printer these strings; ``printer_drivers`` imports no project package), the
counter and the TV display. So the screen and the ticket never disagree on a wait.

Indonesian writes the time of day "13.00" and English here "13:00" (an office's clock is
24-hour in both). Plural forms come from Babel's CLDR rules: Indonesian has none ("1
orang", "2 orang"), English has "1 person", "2 people".
"""

from __future__ import annotations

import math
from datetime import datetime
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from babel.units import format_unit

INDONESIAN: Final = "id"
ENGLISH: Final = "en"

# Babel formats the names (months, weekdays, units); the patterns are the office's.
DATE_PATTERN: Final = "EEEE, d MMMM y"  # "Selasa, 24 November 2026"
TIME_PATTERNS: Final = {INDONESIAN: "HH.mm", ENGLISH: "HH:mm"}
WAIT_ABOUT: Final = {INDONESIAN: "±", ENGLISH: "about"}
WAIT_UNDER_A_MINUTE: Final = {INDONESIAN: "kurang dari 1 menit", ENGLISH: "less than 1 minute"}
WAIT_MORE_THAN: Final = {INDONESIAN: "lebih dari", ENGLISH: "more than"}
MAX_SHOWN_WAIT_HOURS: Final = 12  # an estimate beyond this says only "more than 12 hours"
ROUND_TO_5_ABOVE_MIN: Final = 10  # an estimate that looks precise promises too much

# Indonesia's three time zones, by the zone names an office may configure.
ZONE_ABBREVIATIONS: Final[dict[str, str]] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def _language(language: str) -> str:
    return ENGLISH if language == ENGLISH else INDONESIAN


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(_language(language))


def plural_form(count: int, language: str) -> str:
    """The CLDR plural category of ``count``: "one" or "other" (Indonesian: always "other")."""
    return str(_locale(language).plural_form(abs(count)))


def format_number(value: int, language: str) -> str:
    """An integer with thousands separators: 1.234 in Indonesian, 1,234 in English."""
    return str(format_decimal(value, locale=_locale(language)))


def format_date(moment: datetime, language: str) -> str:
    """The date in words: "Selasa, 24 November 2026", "Tuesday, 24 November 2026"."""
    return str(babel_format_date(moment.date(), DATE_PATTERN, locale=_locale(language)))


def format_time(moment: datetime, language: str) -> str:
    """The time of day of ``moment`` as it is: "13.00" in Indonesian, "13:00" in English."""
    return f"{moment:%H}{':' if _language(language) == ENGLISH else '.'}{moment:%M}"


def in_zone(moment: datetime, timezone_name: str | None) -> datetime:
    """``moment`` in the office's time zone; as it is when the zone is unknown."""
    if not timezone_name:
        return moment
    try:
        return moment.astimezone(ZoneInfo(timezone_name))
    except (ZoneInfoNotFoundError, ValueError):
        return moment


def zone_abbreviation(moment: datetime, timezone_name: str | None = None) -> str:
    """WIB, WITA or WIT for an Indonesian zone (by its name, or that of ``moment``'s
    zone); "" for any other zone."""
    name = timezone_name or getattr(moment.tzinfo, "key", None)
    return ZONE_ABBREVIATIONS.get(name, "") if isinstance(name, str) else ""


def format_clock(moment: datetime, language: str, timezone_name: str | None = None) -> str:
    """The time with the office's zone: "09.15 WIB" ("09:15 WIB" in English)."""
    clock = format_time(moment, language)
    zone = zone_abbreviation(moment, timezone_name)
    return f"{clock} {zone}" if zone else clock


def format_date_time(moment: datetime, language: str, timezone_name: str | None = None) -> str:
    """Date, time and zone, as a ticket prints it: "Senin, 2 Juni 2025 08.15 WIB"."""
    return f"{format_date(moment, language)} {format_clock(moment, language, timezone_name)}"


def _duration(amount: int, unit: str, language: str) -> str:
    return str(format_unit(amount, f"duration-{unit}", length="long", locale=_locale(language)))


def format_wait(seconds: float, language: str) -> str:
    """An estimated wait: "± 15 menit", "± 1 jam 20 menit"; "about 1 hour 20 minutes".

    Minutes are rounded up, above ten minutes up to the next five; under a minute it says
    so, and beyond twelve hours only "lebih dari 12 jam".
    """
    language = _language(language)
    if not math.isfinite(seconds) or seconds < 60:
        return WAIT_UNDER_A_MINUTE[language]
    if seconds > MAX_SHOWN_WAIT_HOURS * 3600:
        longest = _duration(MAX_SHOWN_WAIT_HOURS, "hour", language)
        return f"{WAIT_MORE_THAN[language]} {longest}"
    minutes = math.ceil(seconds / 60)
    if minutes > ROUND_TO_5_ABOVE_MIN:
        minutes = math.ceil(minutes / 5) * 5
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(_duration(hours, "hour", language))
    if minutes:
        parts.append(_duration(minutes, "minute", language))
    return f"{WAIT_ABOUT[language]} {' '.join(parts)}"


def format_average_wait(seconds: float, language: str) -> str:
    """A measured average wait, to the nearest minute: "12 menit", "1 jam 5 menit"."""
    language = _language(language)
    if not math.isfinite(seconds) or seconds < 60:
        return WAIT_UNDER_A_MINUTE[language]
    hours, minutes = divmod(int(seconds / 60 + 0.5), 60)
    parts = []
    if hours:
        parts.append(_duration(hours, "hour", language))
    if minutes:
        parts.append(_duration(minutes, "minute", language))
    return " ".join(parts)


def format_score(value: float, language: str) -> str:
    """A score with two decimals, as the SKM publishes it: "86,45" ("86.45" in English)."""
    return str(format_decimal(value, format="0.00", locale=_locale(language)))


def format_month(month: str, language: str) -> str:
    """ "2026-11" as "November 2026"; as given when it is not a month."""
    try:
        first = datetime.strptime(month, "%Y-%m")
    except ValueError:
        return month
    return str(babel_format_date(first.date(), "MMMM y", locale=_locale(language)))
