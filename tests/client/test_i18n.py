"""Tests of UI strings and number/duration formats."""

from __future__ import annotations

import logging

import pytest

from client.i18n import (
    STRINGS,
    Language,
    closed_reason_text,
    service_name,
    tr,
    tr_count,
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
    # English alone has singular forms ("key.one"); Indonesian has no plural forms.
    english = {key for key in STRINGS[Language.ENGLISH] if not key.endswith(".one")}
    assert set(STRINGS[Language.INDONESIAN]) == english
    singulars = {key.removesuffix(".one") for key in set(STRINGS[Language.ENGLISH]) - english}
    assert singulars <= english


@pytest.mark.parametrize(
    ("count", "indonesian", "english"),
    [
        (1, "1 orang di depan Anda", "1 person ahead of you"),
        (2, "2 orang di depan Anda", "2 people ahead of you"),
        (0, "0 orang di depan Anda", "0 people ahead of you"),
    ],
)
def test_counted_texts_take_the_singular_in_english_only(
    count: int, indonesian: str, english: str
) -> None:
    assert tr_count("common.people_ahead", count, "id") == indonesian
    assert tr_count("common.people_ahead", count, "en") == english


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


def test_service_name_in_the_language() -> None:
    service = parse_service(service_json())
    assert service_name(service, "id") == "Administrasi Kependudukan"
    assert service_name(service, "en") == "Population Administration"
    untranslated = parse_service(service_json(name_en=""))
    assert service_name(untranslated, "en") == "Administrasi Kependudukan"
