"""Kiosk texts: counts in the right plural form, and the screen and the ticket agreeing."""

from __future__ import annotations

from client.i18n import Language
from client.wire import parse_ticket
from kiosk.controller import Screen
from kiosk.texts import KioskTexts
from printer_drivers.base import TicketFormat
from printer_drivers.layout import PAPERS
from tests.client.samples import ticket_json
from tests.kiosk.conftest import MakeKiosk
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
    ticket = parse_ticket(ticket_json(5, "A005", people_ahead=4, est_wait_s=13 * 60))
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
