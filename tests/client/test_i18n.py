"""Tests of UI strings and number/duration formats."""

from __future__ import annotations

import logging

import pytest

from client.i18n import (
    STRINGS,
    Language,
    closed_reason_text,
    format_number,
    format_wait,
    service_name,
    tr,
)
from client.wire import ClosedReason, parse_service
from tests.client.samples import service_json


def test_indonesian_is_the_default_language() -> None:
    assert tr("common.unavailable") == "Sistem antrian sedang tidak tersedia"
    assert tr("common.unavailable", "en") == "The queue system is currently unavailable"


def test_parameters_are_filled_in() -> None:
    assert tr("common.counter_number", "id", number=3) == "Loket 3"
    assert tr("common.counter_number", Language.ENGLISH, number=3) == "Counter 3"


def test_every_key_exists_in_both_languages() -> None:
    assert set(STRINGS[Language.INDONESIAN]) == set(STRINGS[Language.ENGLISH])


def test_missing_key_returns_the_key_and_logs_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="client.i18n"):
        assert tr("kiosk.no_such_text", "id") == "kiosk.no_such_text"
        assert tr("kiosk.no_such_text", "id") == "kiosk.no_such_text"
    assert len([r for r in caplog.records if "kiosk.no_such_text" in r.getMessage()]) == 1


def test_missing_parameter_returns_the_template_instead_of_crashing() -> None:
    assert tr("common.counter_number", "id") == "Loket {number}"


def test_unknown_language_falls_back_to_indonesian() -> None:
    assert tr("closed_reason.break", "jv") == "Istirahat"


@pytest.mark.parametrize(
    ("reason", "indonesian", "english"),
    [
        (ClosedReason.HOURS, "Di luar jam layanan", "Outside service hours"),
        (ClosedReason.BREAK, "Istirahat", "On break"),
        (ClosedReason.HOLIDAY, "Hari libur", "Public holiday"),
        (ClosedReason.QUOTA, "Kuota hari ini sudah habis", "Today's quota has been reached"),
        (ClosedReason.CLOSED, "Ditutup sementara", "Temporarily closed"),
        (None, "Ditutup sementara", "Temporarily closed"),
    ],
)
def test_closed_reasons_in_words(
    reason: ClosedReason | None, indonesian: str, english: str
) -> None:
    assert closed_reason_text(reason, "id") == indonesian
    assert closed_reason_text(reason, "en") == english


@pytest.mark.parametrize(
    ("seconds", "indonesian", "english"),
    [
        (0, "< 1 menit", "< 1 min"),
        (59, "< 1 menit", "< 1 min"),
        (60, "± 1 menit", "about 1 min"),
        (61, "± 2 menit", "about 2 min"),
        (540, "± 9 menit", "about 9 min"),
        (13 * 60, "± 15 menit", "about 15 min"),
        (3600, "± 1 jam", "about 1 h"),
        (80 * 60, "± 1 jam 20 menit", "about 1 h 20 min"),
        (float("inf"), "< 1 menit", "< 1 min"),
    ],
)
def test_wait_estimates_read_naturally(seconds: float, indonesian: str, english: str) -> None:
    assert format_wait(seconds, "id") == indonesian
    assert format_wait(seconds, "en") == english


def test_numbers_use_the_language_thousands_separator() -> None:
    assert format_number(1234567, "id") == "1.234.567"
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(12, "id") == "12"


def test_service_name_in_the_language() -> None:
    service = parse_service(service_json())
    assert service_name(service, "id") == "Administrasi Kependudukan"
    assert service_name(service, "en") == "Population Administration"
    untranslated = parse_service(service_json(name_en=""))
    assert service_name(untranslated, "en") == "Administrasi Kependudukan"
