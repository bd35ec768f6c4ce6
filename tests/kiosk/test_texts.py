"""Kiosk texts: counts in the right plural form, and the screen and the ticket agreeing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from client.i18n import Language
from client.wire import Service, parse_service
from kiosk.controller import Screen
from kiosk.texts import KioskTexts
from printer_drivers.base import TicketFormat
from printer_drivers.layout import PAPERS
from tests.client.samples import service_json
from tests.kiosk.conftest import MakeKiosk
from tests.support.builders import make_ticket, office_state
from tests.support.live_server import LiveServer

ID, EN = Language.INDONESIAN, Language.ENGLISH


def test_english_counts_one_person_and_many_people_indonesian_stays_as_it_is() -> None:
    texts = KioskTexts()
    assert texts.waiting_line(1, 300, EN) == "Waiting: 1 person · about 5 minutes"
    assert texts.waiting_line(2, 300, EN) == "Waiting: 2 people · about 5 minutes"
    assert texts.waiting_line(1, 300, ID) == "Menunggu: 1 orang · ± 5 menit"
    assert texts.waiting_line(2, 300, ID) == "Menunggu: 2 orang · ± 5 menit"
    assert texts.people_ahead_line(1, 60, EN) == (
        "1 person ahead of you · estimated wait about 1 minute"
    )
    assert texts.people_ahead_line(3, 60, EN) == (
        "3 people ahead of you · estimated wait about 1 minute"
    )
    assert (
        texts.people_ahead_line(1, 60, ID) == "1 orang di depan Anda · perkiraan tunggu ± 1 menit"
    )


def test_large_counts_have_thousands_separators() -> None:
    texts = KioskTexts()
    assert texts.waiting_line(1234, 300, ID).startswith("Menunggu: 1.234 orang")
    assert texts.waiting_line(1234, 300, EN).startswith("Waiting: 1,234 people")


def test_an_office_text_for_the_general_form_is_used_for_one_too() -> None:
    texts = KioskTexts({EN: {"waiting_line": "In line: {count} · {wait}"}})
    assert texts.waiting_line(1, 300, EN) == "In line: 1 · about 5 minutes"
    singular = KioskTexts({EN: {"waiting_line.one": "Just {count} person · {wait}"}})
    assert singular.waiting_line(1, 300, EN) == "Just 1 person · about 5 minutes"
    assert singular.waiting_line(2, 300, EN) == "Waiting: 2 people · about 5 minutes"


def test_the_screen_and_the_printed_ticket_say_the_same_wait(
    make_kiosk: MakeKiosk, live_server: LiveServer
) -> None:
    # 13 minutes: the screen once said "± 15 menit" and the ticket "± 13 menit".
    kiosk = make_kiosk(live_server)
    kiosk.wait_screen(Screen.SERVICES, settled=False)  # the office's time zone is known
    ticket = make_ticket(5, "A005", people_ahead=4, est_wait_s=13 * 60)
    controller = kiosk.controller
    on_screen = controller.texts.people_ahead_line(4, ticket.est_wait_s, ID)
    assert on_screen == "4 orang di depan Anda · perkiraan tunggu ± 15 menit"
    data = controller.ticket_data(ticket)
    assert data.wait_text == "± 15 menit"
    printed = TicketFormat(PAPERS[80]).encode(data)
    assert b"Perkiraan waktu tunggu: \xf1 15 menit\n" in printed  # 0xF1 is '±' in PC437
    assert b"Selasa, 24 November 2026 09.05 WIB\n" in printed

    controller.set_language(EN)
    assert controller.ticket_data(ticket).wait_text == "about 15 minutes"
    assert controller.ticket_data(ticket).issued_text == "Tuesday, 24 November 2026 09:05 WIB"


def _closed(**changes: Any) -> Service:
    return parse_service(service_json("A", open=False, **changes))


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("changes", "indonesian", "english"),
    [
        (
            {"closed_reason": "break", "closed_note": "Istirahat salat Jumat",
             "opens_at": "2026-11-24T13:00:00+07:00"},
            "Tutup — Istirahat salat Jumat · Buka kembali pukul 13.00",
            "Closed — Istirahat salat Jumat · Opens again at 13:00",
        ),
        (
            {"closed_reason": "holiday", "closed_note": "Hari Raya Natal",
             "opens_at": "2026-11-26T08:00:00+07:00"},
            "Kantor tutup: Hari Raya Natal",
            "Office closed: Hari Raya Natal",
        ),
        (
            {"closed_reason": "holiday"},
            "Kantor tutup: hari libur",
            "Office closed: public holiday",
        ),
        (
            {"closed_reason": "break", "opens_at": "2026-11-24T13:00:00+07:00"},
            "Tutup — Istirahat · Buka kembali pukul 13.00",
            "Closed — On break · Opens again at 13:00",
        ),
        (
            {"closed_reason": "quota", "opens_at": "2026-11-25T08:00:00+07:00"},
            "Tutup — Kuota hari ini sudah habis · Buka kembali besok pukul 08.00",
            "Closed — Today's quota has been reached · Opens again tomorrow at 08:00",
        ),
        (
            {"closed_reason": "hours", "opens_at": "2026-11-30T08:00:00+07:00"},
            "Tutup — Di luar jam layanan · Buka kembali Senin, 30 November 2026 pukul 08.00",
            "Closed — Outside service hours · Opens again on Monday, 30 November 2026 at 08:00",
        ),
        (
            {"closed_reason": "closed", "closed_note": "Gangguan jaringan"},
            "Tutup — Gangguan jaringan",
            "Closed — Gangguan jaringan",
        ),
        # an older server sends neither: the line of the reason, as before
        ({"closed_reason": "break"}, "Istirahat — silakan kembali nanti",
         "On break — please come back later"),
    ],
)  # fmt: skip
def test_a_closed_service_says_why_and_when_it_opens_again(
    changes: dict[str, Any], indonesian: str, english: str
) -> None:
    texts = KioskTexts()
    service = _closed(**changes)
    assert texts.closed_service_line(service, ID, TODAY, "Asia/Jakarta") == indonesian
    assert texts.closed_service_line(service, EN, TODAY, "Asia/Jakarta") == english


def test_opening_time_is_told_in_the_offices_time_zone() -> None:
    service = _closed(closed_reason="break", opens_at="2026-11-24T06:00:00+00:00")
    line = KioskTexts().closed_service_line(service, ID, TODAY, "Asia/Jakarta")
    assert line.endswith("Buka kembali pukul 13.00")


def test_the_kiosk_button_of_a_closed_service_shows_the_note_and_the_opening_time(
    make_kiosk: MakeKiosk,
) -> None:
    kiosk = make_kiosk(start=False)
    state = office_state(
        services=[
            service_json("A"),
            service_json("B", name="Perizinan", open=False, closed_reason="break",
                         closed_note="Istirahat salat Jumat",
                         opens_at="2026-11-24T13:00:00+07:00"),
            service_json("C", name="Legalisasi", open=False, closed_reason="holiday",
                         closed_note="Hari Raya Natal"),
        ]
    )  # fmt: skip
    # the link's own signals, as the event stream would emit them
    kiosk.link.state_changed.emit(state, None)
    kiosk.link.connection_changed.emit("connected")
    kiosk.wait_screen(Screen.SERVICES)
    assert kiosk.shows("Tutup — Istirahat salat Jumat · Buka kembali pukul 13.00")
    assert kiosk.shows("Kantor tutup: Hari Raya Natal")
    assert not kiosk.service_button("B").isEnabled()
    kiosk.tap(kiosk.window.language_button)
    kiosk.qtbot.waitUntil(lambda: kiosk.shows("Opens again at 13:00"), timeout=2000)
