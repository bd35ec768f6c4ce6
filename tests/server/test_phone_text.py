"""The phone page's texts: waits, times and the words for each state, in both languages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from server.web.phone_text import Language, Names, format_time, format_wait, ticket_view

ID, EN = Language.INDONESIAN, Language.ENGLISH
NAMES = Names(services={"A": ("Administrasi", "Administration")}, counters={3: "Loket 3"})
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("seconds", "language", "expected"),
    [
        (20, ID, "kurang dari 1 menit"),
        (300, ID, "± 5 menit"),
        (900, ID, "± 15 menit"),
        (4800, ID, "± 1 jam 20 menit"),
        (900, EN, "about 15 minutes"),
    ],
)
def test_waits_are_the_kiosks_on_one_line(seconds: int, language: Language, expected: str) -> None:
    assert format_wait(seconds, language) == expected.replace(" ", "\u00a0")


def test_times_are_office_wall_times_in_each_language() -> None:
    moment = datetime.fromisoformat("2026-12-01T13:05:00+07:00")
    assert (format_time(moment, ID), format_time(moment, EN)) == ("13.05", "13:05")


def ticket(**fields: Any) -> dict[str, Any]:
    base = {
        "number": "A012", "service": "A", "status": "waiting", "day": "2026-12-01",
        "issued_at": "2026-12-01T13:05:00+07:00", "people_ahead": 1200, "est_wait_s": 900,
        "counter": None, "called_at": None, "finished_at": None, "recalls": 0,
        "requeued": False, "transferred_from": None,
    }  # fmt: skip
    return {**base, **fields}


def test_a_waiting_ticket_says_how_many_are_ahead_and_how_long() -> None:
    view = ticket_view(ticket(), TODAY, NAMES, ID)
    assert view["ahead"] == "1.200 orang di depan Anda"
    assert view["wait"] == "Perkiraan waktu tunggu ±\u00a015\u00a0menit"
    assert view["lines"] == ["Diambil pukul 13.05"] and view["live"] is True


def test_a_called_ticket_names_the_counter() -> None:
    called = ticket(status="called", counter=3, called_at="2026-12-01T13:20:00+07:00")
    view = ticket_view(called, TODAY, NAMES, ID)
    assert view["headline"] == "Nomor Anda dipanggil — silakan ke Loket 3"
    assert view["lines"][-1] == "Dipanggil pukul 13.20 ke Loket 3"
    assert (view["ahead"], view["wait"]) == ("", "")
    english = ticket_view(called, TODAY, NAMES, EN)
    assert english["headline"] == "Your number is called — please go to Loket 3"
    assert english["service"] == "Administration"


def test_an_earlier_days_unfinished_ticket_is_history() -> None:
    view = ticket_view(ticket(day="2026-11-30"), TODAY, NAMES, ID)
    assert view["state"] == "unserved" and view["live"] is False
    assert view["lines"][0] == "Tiket tanggal Senin, 30 November 2026" and view["ahead"] == ""
