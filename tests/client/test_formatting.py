"""Dates, times, numbers and waits: one module for the kiosk, the ticket, the counter and the TV."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from client.formatting import (
    format_clock,
    format_date,
    format_date_time,
    format_number,
    format_time,
    format_wait,
    plural_form,
)

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("seconds", "indonesian", "english"),
    [
        (0, "kurang dari 1 menit", "less than 1 minute"),
        (59, "kurang dari 1 menit", "less than 1 minute"),
        (60, "± 1 menit", "about 1 minute"),
        (61, "± 2 menit", "about 2 minutes"),
        (540, "± 9 menit", "about 9 minutes"),
        (600, "± 10 menit", "about 10 minutes"),
        # above ten minutes rounded up to five: the kiosk once said 15, the ticket 13
        (13 * 60, "± 15 menit", "about 15 minutes"),
        (25 * 60, "± 25 menit", "about 25 minutes"),
        (3600, "± 1 jam", "about 1 hour"),
        (2 * 3600, "± 2 jam", "about 2 hours"),
        (80 * 60, "± 1 jam 20 menit", "about 1 hour 20 minutes"),
        (3 * 3600 + 59 * 60, "± 4 jam", "about 4 hours"),
        (13 * 3600, "lebih dari 12 jam", "more than 12 hours"),
        (float("inf"), "kurang dari 1 menit", "less than 1 minute"),
        (float("nan"), "kurang dari 1 menit", "less than 1 minute"),
    ],
)
def test_wait_estimates_read_naturally(seconds: float, indonesian: str, english: str) -> None:
    assert format_wait(seconds, "id") == indonesian
    assert format_wait(seconds, "en") == english


def test_the_time_of_day_is_13_00_in_indonesian_and_13_00_with_a_colon_in_english() -> None:
    moment = datetime(2026, 12, 1, 13, 0, tzinfo=JAKARTA)
    assert format_time(moment, "id") == "13.00"
    assert format_time(moment, "en") == "13:00"
    assert format_time(moment.replace(hour=8, minute=5), "id") == "08.05"


def test_dates_name_the_weekday_and_month_in_the_language() -> None:
    moment = datetime(2026, 11, 24, 9, 5, tzinfo=JAKARTA)
    assert format_date(moment, "id") == "Selasa, 24 November 2026"
    assert format_date(datetime(2026, 8, 17), "id") == "Senin, 17 Agustus 2026"
    assert format_date(moment, "en") == "Tuesday, 24 November 2026"


def test_the_clock_names_indonesias_zones_only() -> None:
    moment = datetime(2026, 11, 24, 9, 5, tzinfo=JAKARTA)
    assert format_clock(moment, "id") == "09.05 WIB"  # the zone of the time itself
    assert format_clock(moment, "id", "Asia/Makassar") == "09.05 WITA"
    assert format_clock(moment, "en", "Asia/Jayapura") == "09:05 WIT"
    assert format_clock(moment.astimezone(UTC), "id") == "02.05"
    assert format_clock(moment, "id", "Europe/Amsterdam") == "09.05"


def test_a_ticket_date_has_weekday_date_time_and_zone() -> None:
    moment = datetime(2025, 6, 2, 8, 15, 30, tzinfo=JAKARTA)
    assert format_date_time(moment, "id") == "Senin, 2 Juni 2025 08.15 WIB"
    assert format_date_time(moment, "en") == "Monday, 2 June 2025 08:15 WIB"


def test_numbers_use_the_language_thousands_separator() -> None:
    assert format_number(1234567, "id") == "1.234.567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(12, "id") == "12"


def test_english_has_a_singular_and_indonesian_none() -> None:
    assert [plural_form(count, "en") for count in (0, 1, 2, 21)] == [
        "other",
        "one",
        "other",
        "other",
    ]
    assert {plural_form(count, "id") for count in (0, 1, 2)} == {"other"}
